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
    public private(set) var commonTables: [CommonTable] = []
    /// The SELECTs a set operation joins, in order; one for a plain query. The last one's
    /// ORDER BY and LIMIT apply to the whole.
    public private(set) var selects: [Select] = []
    /// What joins the SELECTs: `UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT`.
    public private(set) var setOperators: [String] = []

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

    /// Whether anything in `range` reads through `name` (an alias or a table name) as a qualifier.
    public func reads(through name: String, in range: Range<Int>) -> Bool {
        columnReferences(in: range).contains { $0.qualifier?.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Whether `range` calls an aggregate that counts rows: `count(*)`, `count(1)`, or `count` of a
    /// column without DISTINCT. Such a count changes when a join adds or removes rows.
    public func countsRows(in range: Range<Int>) -> Bool {
        range.contains { index in
            index + 2 < range.upperBound && tokens[index].isKeyword("count") && tokens[index + 1].text == "("
                && !tokens[index + 2].isKeyword("distinct")
        }
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

    // MARK: - Parsing

    /// Words that end the clause before them.
    static let clauseWords: Set<String> = ["select", "from", "where", "group", "having", "window", "order", "limit", "union", "intersect", "except"]
    /// Keywords SQLFormatter does not list that are never a column.
    static let otherKeywords: Set<String> = ["TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "ESCAPE", "GLOB", "REGEXP",
                                             "COLLATE", "NOCASE", "FILTER", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "CURRENT", "ROW",
                                             "NULLS", "FIRST", "LAST", "INTEGER", "REAL", "TEXT", "NUMERIC", "ISNULL", "NOTNULL", "DISTINCT", "OFFSET"]

    private mutating func parse() {
        var index = range.lowerBound
        if index < range.upperBound, tokens[index].isKeyword("with") {
            index = parseCommonTables(from: index + 1)
        }
        let outerIndices = outer(index..<range.upperBound)
        var coreStart = index
        var cores: [Range<Int>] = []
        var position = 0
        while position < outerIndices.count {
            let at = outerIndices[position]
            let token = tokens[at]
            if token.isKeyword("union") || token.isKeyword("intersect") || token.isKeyword("except") {
                cores.append(coreStart..<at)
                var name = token.uppercased()
                if at + 1 < range.upperBound, tokens[at + 1].isKeyword("all") {
                    name += " ALL"
                    position += 1
                }
                setOperators.append(name)
                coreStart = (position + 1 < outerIndices.count) ? outerIndices[position + 1] : range.upperBound
            }
            position += 1
        }
        cores.append(coreStart..<range.upperBound)
        selects = cores.compactMap(parseSelect)
    }

    private mutating func parseCommonTables(from start: Int) -> Int {
        var index = start
        if index < range.upperBound, tokens[index].isKeyword("recursive") { index += 1 }
        while index < range.upperBound, let name = tokens[index].name {
            index += 1
            // Column names: `nome (a, b) AS (…)`.
            if index < range.upperBound, tokens[index].text == "(", let close = closing(index) { index = close + 1 }
            guard index < range.upperBound, tokens[index].isKeyword("as") else { return index }
            index += 1
            if index < range.upperBound, tokens[index].isKeyword("materialized") { index += 1 }
            if index < range.upperBound, tokens[index].isKeyword("not") { index += 2 }
            guard index < range.upperBound, tokens[index].text == "(", let close = closing(index) else { return index }
            commonTables.append(CommonTable(name: name, body: (index + 1)..<close))
            index = close + 1
            guard index < range.upperBound, tokens[index].text == "," else { return index }
            index += 1
        }
        return index
    }

    private func parseSelect(_ core: Range<Int>) -> Select? {
        guard !core.isEmpty, tokens[core.lowerBound].isKeyword("select") else { return nil }
        var select = Select(range: core)
        // Where each clause starts, at this query's own depth.
        var starts: [(name: String, index: Int)] = []
        for index in outer(core) where tokens[index].kind == .word {
            let lower = tokens[index].text.lowercased()
            guard Self.clauseWords.contains(lower), index > core.lowerBound || lower == "select" else { continue }
            if lower == "group" || lower == "order" {
                guard index + 1 < core.upperBound, tokens[index + 1].isKeyword("by") else { continue }
            }
            starts.append((lower, index))
            select.clauseStarts[lower] = index
        }
        func body(_ name: String) -> Range<Int>? {
            guard let position = starts.firstIndex(where: { $0.name == name }) else { return nil }
            let start = starts[position].index + (name == "group" || name == "order" ? 2 : 1)
            let end = position + 1 < starts.count ? starts[position + 1].index : core.upperBound
            return start..<max(start, end)
        }
        if var list = body("select") {
            if list.lowerBound < list.upperBound, tokens[list.lowerBound].isKeyword("distinct") {
                select.distinct = true
                list = (list.lowerBound + 1)..<list.upperBound
            } else if list.lowerBound < list.upperBound, tokens[list.lowerBound].isKeyword("all") {
                list = (list.lowerBound + 1)..<list.upperBound
            }
            select.items = split(list).map(selectItem)
        }
        if let from = body("from") { select.from = tableItems(from) }
        select.whereClause = body("where")
        select.groupBy = body("group").map(split) ?? []
        select.having = body("having")
        select.orderBy = body("order").map(split) ?? []
        select.limit = body("limit")
        return select
    }

    /// `range` split at the commas outside parentheses, empty parts left out.
    public func split(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for index in outer(range) where tokens[index].kind == .symbol && tokens[index].text == "," {
            if start < index { parts.append(start..<index) }
            start = index + 1
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    private func selectItem(_ item: Range<Int>) -> SelectItem {
        let last = item.upperBound - 1
        if item.count > 2, tokens[last - 1].isKeyword("as"), let name = tokens[last].name {
            return SelectItem(range: item, expression: item.lowerBound..<(last - 1), alias: name)
        }
        // `count(*) total`: a name right after a whole expression is its alias.
        if item.count > 1, isAliasName(tokens[last]), let name = tokens[last].name {
            let before = tokens[last - 1]
            let endsExpression = before.text == ")" || before.kind == .quotedName || before.kind == .number || before.kind == .string
                || before.kind == .word && !before.text.hasSuffix(".") && !SQLFormatter.keywords.contains(before.uppercased()) || before.isKeyword("end")
            if endsExpression { return SelectItem(range: item, expression: item.lowerBound..<last, alias: name) }
        }
        return SelectItem(range: item, expression: item, alias: nil)
    }

    private func isAliasName(_ token: SQLToken) -> Bool {
        token.kind == .quotedName || token.kind == .word && !token.text.contains(".") && !SQLFormatter.keywords.contains(token.uppercased())
            && !Self.otherKeywords.contains(token.uppercased())
    }

    /// The tables of a FROM clause, split at commas and JOINs outside parentheses.
    private func tableItems(_ from: Range<Int>) -> [TableItem] {
        let joinWords: Set<String> = ["join", "left", "right", "full", "inner", "cross", "natural", "outer"]
        var items: [TableItem] = []
        var itemStart = from.lowerBound
        // Where the item's join words (or comma) start: its range begins there.
        var joinStart = from.lowerBound
        var join: String?
        var index = from.lowerBound
        let outerIndices = Set(outer(from))
        func close(at end: Int) {
            guard itemStart < end else { return }
            items.append(tableItem(joinStart..<end, table: itemStart, join: join))
        }
        while index < from.upperBound {
            let token = tokens[index]
            guard outerIndices.contains(index) else { index += 1; continue }
            if token.kind == .symbol, token.text == "," {
                close(at: index)
                join = ","
                joinStart = index
                index += 1
                itemStart = index
            } else if token.kind == .word, joinWords.contains(token.text.lowercased()) {
                close(at: index)
                joinStart = index
                var words: [String] = []
                while index < from.upperBound, tokens[index].kind == .word, joinWords.contains(tokens[index].text.lowercased()) {
                    words.append(tokens[index].uppercased())
                    index += 1
                }
                join = words.joined(separator: " ")
                itemStart = index
            } else {
                index += 1
            }
        }
        close(at: from.upperBound)
        return items
    }

    /// The table item over `item` (join words included) whose table starts at `start`.
    private func tableItem(_ item: Range<Int>, table start: Int, join: String?) -> TableItem {
        var result = TableItem(range: item, join: join)
        var index = start
        if tokens[index].text == "(", let close = closing(index), close < item.upperBound {
            result.subquery = (index + 1)..<close
            index = close + 1
        } else if tokens[index].kind == .word, tokens[index].text.hasSuffix("."), index + 1 < item.upperBound, tokens[index + 1].kind == .quotedName {
            result.table = tokens[index + 1].name
            index += 2
        } else if let name = tokens[index].name {
            result.table = String(name.split(separator: ".").last ?? Substring(name))
            index += 1
        }
        if index < item.upperBound, tokens[index].isKeyword("as") { index += 1 }
        if index < item.upperBound, isAliasName(tokens[index]), !tokens[index].isKeyword("on"), !tokens[index].isKeyword("using") {
            result.alias = tokens[index].name
            index += 1
        }
        if index < item.upperBound, tokens[index].isKeyword("on") {
            result.on = (index + 1)..<item.upperBound
        } else if index < item.upperBound, tokens[index].isKeyword("using"), index + 1 < item.upperBound, tokens[index + 1].text == "(",
            let close = closing(index + 1)
        {
            result.using = ((index + 2)..<close).compactMap { tokens[$0].name }
        }
        return result
    }
}
