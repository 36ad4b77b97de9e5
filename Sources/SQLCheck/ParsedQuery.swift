import Database
import Foundation

/// A SELECT statement read once, for the rules to read instead of the raw text: its common
/// tables, the SELECTs a set operation joins, and each one's list, tables, joins and clauses,
/// as ranges of `tokens`. It reads what SQLite's grammar puts at each place and does not
/// judge: an odd query parses into odd parts, and a rule that finds a part missing stays quiet.
///
/// Ranges are indices into `tokens` (comments left out). A change is written back with
/// `replacing(_:)`, which keeps every untouched character of the text as it was.
public struct ParsedQuery: Sendable {
    /// The text the tokens were read from.
    public let text: String
    /// The statement's tokens, comments and a final `;` left out, with their positions in `text`.
    public let tokens: [SQLToken]
    /// The tokens of this query: all of `tokens`, or a subquery's part of them.
    public let range: Range<Int>
    /// `WITH name AS (…)`: each common table's name and the tokens of its body.
    public internal(set) var commonTables: [CommonTable] = []
    /// The SELECTs a set operation joins, in order; one for a plain query. The last one's
    /// ORDER BY and LIMIT apply to the whole.
    public internal(set) var selects: [Select] = []
    /// What joins the SELECTs: `UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT`.
    public internal(set) var setOperators: [String] = []

    public struct CommonTable: Sendable {
        public let name: String
        public let body: Range<Int>
    }

    public struct Select: Sendable {
        /// From SELECT to the end of its last clause.
        public var range: Range<Int>
        public var distinct = false
        public var items: [SelectItem] = []
        /// The first table, then each joined one, in order.
        public var from: [TableItem] = []
        /// The condition after WHERE, without the keyword.
        public var whereClause: Range<Int>?
        /// Each expression of GROUP BY.
        public var groupBy: [Range<Int>] = []
        public var having: Range<Int>?
        /// Each item of ORDER BY, with its ASC or DESC.
        public var orderBy: [Range<Int>] = []
        /// What follows LIMIT (and OFFSET).
        public var limit: Range<Int>?
        /// The keyword that starts each clause, by its name (`where`, `group`, `order`…).
        public var clauseStarts: [String: Int] = [:]
    }

    public struct SelectItem: Sendable {
        /// The whole item, alias included.
        public var range: Range<Int>
        /// The expression, without `AS name`.
        public var expression: Range<Int>
        public var alias: String?
    }

    public struct TableItem: Sendable {
        /// The whole item: its join words, the table, its alias, its ON or USING.
        public var range: Range<Int>
        /// How it is joined, in capitals: `JOIN`, `LEFT JOIN`, `INNER JOIN`, `,`…; nil for the first.
        public var join: String?
        /// The table's name as SQLite reads it (quotes off, schema off); nil for a subquery.
        public var table: String?
        public var alias: String?
        /// The tokens inside the parentheses of a subquery in FROM.
        public var subquery: Range<Int>?
        /// The condition after ON, without the keyword.
        public var on: Range<Int>?
        /// The columns of USING (…).
        public var using: [String] = []

        /// The name the rest of the query reads it by: its alias, else its table's name.
        public var reference: String? { alias ?? table }

        /// Whether the join keeps only matching rows: a plain or INNER join, or a comma.
        public var isInner: Bool {
            guard let join else { return true }
            return join == "JOIN" || join == "INNER JOIN" || join == ","
        }
    }

    /// A name a query reads: `t.turno` → (t, turno), `turno` → (nil, turno), `t."Nº Turma"`
    /// → (t, Nº Turma); the index of its (last) token.
    public struct ColumnReference: Sendable, Equatable {
        public let qualifier: String?
        public let column: String
        public let index: Int
    }

    /// Reads `sql`; a text that is not a query gives a parse with no SELECT.
    public init(_ sql: String) {
        let all = SQLLexer.tokens(sql).filter { $0.kind != .comment }
        let tokens = all.last?.text == ";" ? Array(all.dropLast()) : all
        self.init(text: sql, tokens: tokens, range: 0..<tokens.count)
    }

    /// The query in `range` of `tokens` (a subquery's, a common table's).
    public init(text: String, tokens: [SQLToken], range: Range<Int>) {
        self.text = text
        self.tokens = tokens
        self.range = range
        parse()
    }

    /// The query inside `range` (a subquery's or a common table's tokens), read the same way.
    public func part(_ range: Range<Int>) -> ParsedQuery {
        ParsedQuery(text: text, tokens: tokens, range: range)
    }

    // MARK: - Reading

    /// The index of the parenthesis that closes the one at `open`; nil when it stays open.
    public func closing(_ open: Int) -> Int? {
        var depth = 0
        for index in open..<range.upperBound where tokens[index].kind == .symbol {
            if tokens[index].text == "(" { depth += 1 }
            if tokens[index].text == ")" { depth -= 1; if depth == 0 { return index } }
        }
        return nil
    }

    /// The indices in `range` outside every parenthesis it opens.
    public func outer(_ range: Range<Int>) -> [Int] {
        var depth = 0
        var indices: [Int] = []
        for index in range {
            let token = tokens[index]
            if token.kind == .symbol, token.text == ")" { depth -= 1 }
            if depth == 0 { indices.append(index) }
            if token.kind == .symbol, token.text == "(" { depth += 1 }
        }
        return indices
    }

    /// Every subquery in `range` (a `(SELECT …)` or `(WITH …)`, at any depth): the tokens
    /// inside its parentheses.
    public func subqueries(in range: Range<Int>? = nil) -> [Range<Int>] {
        let range = range ?? self.range
        return range.compactMap { index -> Range<Int>? in
            guard tokens[index].kind == .symbol, tokens[index].text == "(", index + 1 < range.upperBound,
                tokens[index + 1].isKeyword("select") || tokens[index + 1].isKeyword("with"),
                let close = closing(index), close <= range.upperBound
            else { return nil }
            return (index + 1)..<close
        }
    }

    /// The text of the tokens in `range`, as written (spaces and case kept).
    public func source(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        let characters = Array(text)
        return String(characters[tokens[range.lowerBound].start..<tokens[range.upperBound - 1].end])
    }

    /// The names read in `range`: qualified or bare column names (and table names used as
    /// qualifiers), leaving out keywords, function names, aliases given with AS, and what
    /// follows a dot in a number.
    public func columnReferences(in range: Range<Int>) -> [ColumnReference] {
        var references: [ColumnReference] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let token = tokens[index]
            defer { index += 1 }
            let afterAs = index > range.lowerBound && tokens[index - 1].isKeyword("as")
            let isCall = index + 1 < range.upperBound && tokens[index + 1].text == "(" && tokens[index + 1].kind == .symbol
            switch token.kind {
            case .word where token.text.hasSuffix("."):
                // `t.` before a quoted name: one reference, read at the name.
                guard index + 1 < range.upperBound, tokens[index + 1].kind == .quotedName else { continue }
                references.append(ColumnReference(qualifier: String(token.text.dropLast()), column: tokens[index + 1].name ?? "", index: index + 1))
                index += 1
            case .word:
                guard !afterAs, !isCall, !SQLFormatter.keywords.contains(token.uppercased()), !Self.otherKeywords.contains(token.uppercased()) else { continue }
                let parts = token.text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                references.append(ColumnReference(qualifier: parts.count > 1 ? parts.dropLast().joined(separator: ".") : nil, column: parts.last ?? "", index: index))
            case .quotedName:
                guard !afterAs, !isCall else { continue }
                if index + 1 < range.upperBound, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "." {
                    // `"Tabela de Aldeias"."Nome"` or `"Tabela".coluna`.
                    guard index + 2 < range.upperBound, let column = tokens[index + 2].name else { continue }
                    references.append(ColumnReference(qualifier: token.name, column: column, index: index + 2))
                    index += 2
                } else {
                    references.append(ColumnReference(qualifier: nil, column: token.name ?? "", index: index))
                }
            default:
                continue
            }
        }
        return references
    }

    // MARK: - Writing

    /// The text with each range of tokens replaced by its new text, everything else as written.
    /// An empty range inserts before its token (or at the end, past the last one).
    public func replacing(_ edits: [(range: Range<Int>, with: String)]) -> String {
        var characters = Array(text)
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            let start = edit.range.lowerBound < tokens.count ? tokens[edit.range.lowerBound].start : (tokens.last?.end ?? characters.count)
            let end = edit.range.isEmpty ? start : tokens[edit.range.upperBound - 1].end
            characters.replaceSubrange(start..<end, with: Array(edit.with))
        }
        return String(characters)
    }

    /// The text without the tokens of `range` and the spaces before them.
    public func removing(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return text }
        var characters = Array(text)
        var start = tokens[range.lowerBound].start
        while start > 0, characters[start - 1] == " " || characters[start - 1] == "\n" || characters[start - 1] == "\t" { start -= 1 }
        characters.removeSubrange(start..<tokens[range.upperBound - 1].end)
        return String(characters)
    }
}
