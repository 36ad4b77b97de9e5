import Catalog
import Database
import Foundation

/// Mechanical fixes for slips small models make all the time, applied without asking the
/// model again (each fix is validated again before it is used):
///
/// - a table given an alias but then written by its own name (`FROM matriculas m … matriculas.situacao`);
/// - a column of a table the query never joins (`FROM matriculas … GROUP BY turmas.codigo`), when
///   the query's FROM table reaches it through foreign keys toward the referenced side, so the
///   join adds columns without multiplying rows;
/// - a glossary term written as if it were a column (`sum(f.faltas)`, `taxa_presenca`), when the
///   query reads the term's tables: the term's expression takes its place;
/// - a column two tables of the query have, written without a table (`ano_letivo`): the FROM
///   table's is meant, or else the first joined table that has it;
/// - a join on a key the table does not have (`JOIN turmas t ON a.id = t.aluno_id`), through the
///   table that has both keys (`matriculas`), or by the parent both tables point at
///   (`JOIN avaliacoes_anuais v ON m.id = v.matricula_id`: `v.aluno_id = m.aluno_id AND …`);
/// - a join written as the ON of the wrong table (`JOIN turmas ON turmas.escola_id = escolas.id`
///   with escolas never joined), and a column of a parent table written bare (`escola_id` in a
///   query of matriculas alone): the join is made by the foreign keys;
/// - a join whose ON compares a column with itself (`v.aluno_id = v.aluno_id`): by that column's
///   key, directly or through the table that has both keys;
/// - a table joined twice under its own name to repeat a relation the query already has;
/// - a column read through an alias the query never defines (`a.pedra`), when one table has it:
///   that table joins under the alias, by its keys (the model meant it to be there; a child table
///   written by its own name is left to the model, since joining it could multiply the rows counted);
/// - an aggregate around another (`avg(sum(p) / sum(a))`): the outer call goes;
/// - a call left open (`round(sum(x) * 100.0 / count(*) FROM`): closed where its clause ends;
/// - a year column a table does not have, compared with a year (`frequencia_mensal.ano_letivo = 2023`),
///   when the table has one date column: the date's year is compared instead (`mes LIKE '2023-%'`);
/// - a column no table has, written as the word the model knows (`r.probability`), when one
///   column of its table starts the same way (`probabilidade`).
public struct SQLRepair: Sendable {
    let catalog: Catalog
    /// Repairs switched off by id do not act.
    let switches: RuleSwitches

    public init(catalog: Catalog, switches: RuleSwitches = .allOn) {
        self.catalog = catalog
        self.switches = switches
    }

    /// Validates `sql`, repairing what can be repaired (at most three fixes), and returns the
    /// query as it ends up, the failure left if any, and the fixes made.
    public func validated(_ sql: String, by validator: SQLValidator, on connection: any SQLDatabase)
        -> (sql: String, failure: ValidationFailure?, repairs: [RuleNote])
    {
        var sql = sql
        var repairs: [RuleNote] = []
        var failure = validator.validate(sql, on: connection)
        while let current = failure, repairs.count < 3, let fixed = repair(sql, failure: current) {
            sql = fixed.sql
            repairs.append(fixed.note)
            failure = validator.validate(sql, on: connection)
        }
        return (sql, failure, repairs)
    }

    /// The repaired query and what was done; nil when no repair applies. The repairs are tried
    /// in this order, each only for the failure it knows, and the first that applies wins.
    public func repair(_ sql: String, failure: ValidationFailure) -> (sql: String, note: RuleNote)? {
        typealias Candidate = (id: String, applies: Bool, attempt: () -> (sql: String, note: String)?)
        let name = failure.column ?? ""
        let unknown = failure.kind == .unknownColumn && failure.column != nil
        let candidates: [Candidate] = [
            ("repair.spaced-name", [.syntax, .misusedAggregate, .unknownColumn, .unknownTable].contains(failure.kind), { SpacedNames.repaired(sql, schema: catalog.schema) }),
            ("repair.column-spelling", unknown, { columnSpelling(name, in: sql) }),
            ("repair.nested-aggregate", failure.kind == .misusedAggregate, { NestedAggregates.unwrapped(sql) }),
            ("repair.unclosed-parenthesis", [.syntax, .misusedAggregate].contains(failure.kind), { UnclosedParentheses.closed(sql) }),
            ("repair.qualify-ambiguous-column", failure.kind == .ambiguousColumn && failure.column != nil, { qualifyAmbiguous(name, in: sql) }),
            ("repair.repeated-join", failure.kind == .ambiguousColumn && failure.column != nil, { repeatedJoin(name, in: sql) }),
            ("repair.self-comparison-join", failure.kind == .selfComparison && failure.column != nil, { selfComparisonJoined(name, in: sql) }),
            ("repair.glossary-term-column", unknown, { replaceGlossaryTerm(name, in: sql) }),
            ("repair.year-from-date", unknown, { yearFromDate(name, in: sql) }),
            ("repair.bridge-join", unknown, { bridgeJoin(name, in: sql) }),
            ("repair.shared-parent-join", unknown, { sharedParentJoin(name, in: sql) }),
            ("repair.alias-or-join", unknown, { aliasOrJoin(name, in: sql) }),
            ("repair.misplaced-join", unknown, { misplacedJoin(name, in: sql) }),
            ("repair.bare-column-join", unknown, { bareColumnJoin(name, in: sql) }),
            ("repair.requalify", unknown, { requalify(name, in: sql) }),
            ("repair.undefined-alias-join", unknown, { undefinedAliasJoin(name, in: sql) }),
            ("repair.column-cognate", unknown, { columnCognate(name, in: sql) }),
        ]
        for candidate in candidates where candidate.applies && switches.isOn(candidate.id) {
            if let fixed = candidate.attempt() { return (fixed.sql, RuleNote(candidate.id, fixed.note)) }
        }
        return nil
    }

    /// `en.prazo` where `en` has no prazo and one other table of the query has it (`atividades a`):
    /// `a.prazo`. Also for a qualifier that names nothing (`turma.turno` with `turmas t`).
    func requalify(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2 else { return nil }
        let owners = Self.tableReferences(in: sql).filter { catalog.schema.table(named: $0.table)?.column(named: parts[1]) != nil }
        let qualifiers = Set(owners.map { ($0.alias ?? $0.table).lowercased() })
        guard qualifiers.count == 1, let owner = owners.first else { return nil }
        guard (owner.alias ?? owner.table).caseInsensitiveCompare(parts[0]) != .orderedSame else { return nil }
        let qualified = owner.sqlQualifier + "." + sqlName(parts[1])
        let fixed = Self.replaceName(name, with: qualified, in: sql)
        return fixed == sql ? nil : (fixed, "\(name) lido como \(qualified) (\(owner.table) é a tabela da consulta que tem \(parts[1]))")
    }

    /// A table written by name while aliased gets its alias; a parent table never joined gets its join.
    func aliasOrJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, let table = catalog.schema.table(named: parts[0]), table.column(named: parts[1]) != nil else { return nil }
        let references = Self.tableReferences(in: sql)
        let mine = references.filter { $0.table.caseInsensitiveCompare(table.name) == .orderedSame }
        if !mine.isEmpty {
            // Written by name while aliased: only when every reference uses one alias.
            let aliases = Set(mine.map { $0.alias?.lowercased() ?? "" })
            guard aliases.count == 1, let alias = mine[0].alias else { return nil }
            let fixed = Self.replaceQualifier(parts[0], with: sqlName(alias), in: sql)
            return fixed == sql ? nil : (fixed, "\(parts[0]).\(parts[1]) reescrito como \(qualifiedName(alias, parts[1])) (o apelido de \(table.name))")
        }
        guard let from = references.first(where: \.isFrom), let path = parentPath(from: from.table, to: table.name),
            path.allSatisfy({ step in !references.contains { $0.table.caseInsensitiveCompare(step.table) == .orderedSame } })
        else { return nil }
        var joins = ""
        var previous = from.sqlQualifier
        for step in path {
            joins += " JOIN \(sqlName(step.table)) ON \(qualifiedName(step.table, step.referencedColumn)) = \(previous).\(sqlName(step.column))"
            previous = sqlName(step.table)
        }
        var fixed = sql
        fixed.insert(contentsOf: joins, at: from.end)
        return (fixed, "junção com \(path.map(\.table).joined(separator: " e ")) acrescentada pela chave estrangeira")
    }

    /// `faltas` or `f.faltas` where the glossary defines "faltas": its expression, in parentheses and
    /// with the query's aliases, replaces the name. Only when the query reads every table the term uses.
    func replaceGlossaryTerm(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard let column = parts.last, parts.count <= 2 else { return nil }
        let spoken = Self.nameWords(column)
        guard !spoken.isEmpty,
            let term = catalog.metadata.glossary.first(where: { term in
                ([term.term] + term.synonyms).contains { Self.nameWords($0) == spoken }
            })
        else { return nil }
        let references = Self.tableReferences(in: sql)
        var expression = term.sql
        for table in term.tables {
            guard let reference = references.first(where: { $0.table.caseInsensitiveCompare(table) == .orderedSame }) else { return nil }
            if let alias = reference.alias { expression = Self.replaceQualifier(table, with: sqlName(alias), in: expression) }
        }
        let fixed = Self.replaceName(name, with: "(\(expression))", in: sql)
        return fixed == sql ? nil : (fixed, "\(name) trocado pela definição de \"\(term.term)\" no glossário")
    }

    /// `ano_letivo` in a query where two tables have it: the FROM table's, or the first joined one's.
    func qualifyAmbiguous(_ name: String, in sql: String) -> (sql: String, note: String)? {
        guard !name.contains(".") else { return nil }
        let references = Self.tableReferences(in: sql)
        let owners = references.filter { catalog.schema.table(named: $0.table)?.column(named: name) != nil }
        guard let owner = owners.first(where: \.isFrom) ?? owners.first else { return nil }
        let qualified = owner.sqlQualifier + "." + sqlName(name)
        let fixed = Self.replaceName(name, with: qualified, in: sql)
        return fixed == sql ? nil : (fixed, "\(name) lido como \(qualified) (a coluna está em mais de uma tabela)")
    }

    /// `ano_letivo = 2023` on a table with no year column and one date column `mes`: `mes LIKE '2023-%'`.
    func yearFromDate(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard let column = parts.last, parts.count <= 2, Schema.namesYear(column) else { return nil }
        let references = Self.tableReferences(in: sql)
        let reference = parts.count == 2
            ? references.first { ($0.alias ?? $0.table).caseInsensitiveCompare(parts[0]) == .orderedSame }
            : references.first(where: \.isFrom)
        guard let reference, let table = catalog.schema.table(named: reference.table),
            catalog.schema.yearColumns(of: table).isEmpty
        else { return nil }
        let dates = catalog.schema.dateColumns(of: table)
        guard dates.count == 1, let date = dates.first else { return nil }
        let escaped = NSRegularExpression.escapedPattern(for: name)
        guard let pattern = try? NSRegularExpression(pattern: "(?<![\\w.])\(escaped)\\s*==?\\s*'?((?:19|20)\\d\\d)'?(?!\\w)", options: [.caseInsensitive])
        else { return nil }
        let qualifier = parts.count == 2 ? parts[0] + "." : ""
        let range = NSRange(sql.startIndex..., in: sql)
        let template = NSRegularExpression.escapedTemplate(for: qualifier + sqlName(date)) + " LIKE '$1-%'"
        let fixed = pattern.stringByReplacingMatches(in: sql, range: range, withTemplate: template)
        return fixed == sql ? nil : (fixed, "\(name) = ano trocado pelo ano de \(qualifiedName(table.name, date)), que a tabela tem")
    }

    /// The folded words of a name, without linking words: "taxa_presenca" and "taxa de presença" agree.
    static func nameWords(_ name: String) -> [String] {
        SQLValidator.fold(name).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
            .filter { !["de", "da", "do", "das", "dos", "e", "em", "o", "a", "os", "as"].contains($0) }
    }

    /// Every use of the column `name` (`faltas` or `f.faltas`) outside quotes becomes `replacement`;
    /// a longer name, another table's column (`x.faltas` for `faltas`) and the name an `AS` gives are left.
    static func replaceName(_ name: String, with replacement: String, in sql: String) -> String {
        replaceOutsideQuotes(name, with: replacement, in: sql) { characters, start, end in
            let before = String(characters[..<start]).lowercased().trimmingCharacters(in: .whitespaces)
            return (end == characters.count || !isNamePart(characters[end])) && !(before.hasSuffix(" as") || before == "as")
        }
    }

    struct Step {
        let table: String
        let column: String
        let referencedColumn: String
    }

    /// The shortest chain (at most two joins) from `start` to `goal` following foreign keys from
    /// the referencing table to the referenced one.
    func parentPath(from start: String, to goal: String) -> [Step]? {
        func parents(_ table: String) -> [Step] {
            catalog.schema.table(named: table)?.foreignKeys.compactMap { key in
                guard key.columns.count == 1, let target = catalog.schema.table(named: key.referencedTable) else { return nil }
                return Step(table: target.name, column: key.columns[0], referencedColumn: key.referencedColumns.first ?? "id")
            } ?? []
        }
        for first in parents(start) {
            if first.table.caseInsensitiveCompare(goal) == .orderedSame { return [first] }
        }
        for first in parents(start) {
            for second in parents(first.table) where second.table.caseInsensitiveCompare(goal) == .orderedSame {
                return [first, second]
            }
        }
        return nil
    }

    public struct TableReference: Sendable {
        public let table: String
        public let alias: String?
        public let isFrom: Bool
        /// Where the reference (with its alias) ends in the text: a join can go there.
        let end: String.Index
        /// The parentheses around it: 0 in the outer query. Read from the tokens, since the last
        /// character of a quoted name (`"Notas Finais"`) is inside quotes and has no depth.
        let depth: Int

        /// What the query calls the table (its alias, or else its name), as SQL writes it: the
        /// names here are as SQLite reads them, quotes off, so one with a space is quoted again.
        public var sqlQualifier: String { sqlName(alias ?? table) }
    }

    /// Words that cannot be an alias where one may stand.
    static let notAliases = SQLLexer.clauseWords

    /// `FROM t [AS] a`, `JOIN t [AS] a` and `, t [AS] a` in a FROM list, in order, at any depth:
    /// the tables `SQLLexer.tableNames` reads, each with the alias written after it. The table
    /// is its name as SQLite reads it (quotes off, schema off).
    public static func tableReferences(in sql: String) -> [TableReference] {
        let tokens = SQLLexer.tokens(sql).filter { $0.kind != .comment }
        var offsets: [String.Index] = []
        offsets.reserveCapacity(sql.count + 1)
        var position = sql.startIndex
        while position < sql.endIndex { offsets.append(position); position = sql.index(after: position) }
        offsets.append(sql.endIndex)
        func isAlias(_ token: SQLToken) -> Bool {
            token.kind == .quotedName || token.kind == .word && !token.text.contains(".") && !notAliases.contains(token.text.lowercased())
                && !SQLFormatter.keywords.contains(token.uppercased())
        }
        return SQLLexer.tableNames(tokens).map { found in
            var end = tokens[found.next - 1].end
            var alias: String?
            var after = found.next
            if after < tokens.count, tokens[after].isKeyword("as") { after += 1 }
            if after < tokens.count, isAlias(tokens[after]) {
                alias = tokens[after].name
                end = tokens[after].end
            }
            return TableReference(table: found.name, alias: alias, isFrom: found.isFrom, end: offsets[end], depth: found.depth)
        }
    }

    /// `name.` written as a qualifier (not inside quotes, not the end of a longer name) becomes `alias.`.
    static func replaceQualifier(_ name: String, with alias: String, in sql: String) -> String {
        replaceOutsideQuotes(name + ".", with: alias + ".", in: sql) { _, _, _ in true }
    }

    static func isNamePart(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    /// Each case-insensitive occurrence of `wanted` outside quotes that starts a name (nothing of a
    /// name or a `.` before it) and that `accept` takes (given the text, its start and end) becomes `replacement`.
    static func replaceOutsideQuotes(_ wanted: String, with replacement: String, in sql: String,
                                     accept: (_ characters: [Character], _ start: Int, _ end: Int) -> Bool) -> String {
        let characters = Array(sql)
        let depth = SQLLexer.depths(characters)
        let wanted = Array(wanted.lowercased())
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if depth[index] >= 0, index + wanted.count <= characters.count,
                characters[index..<index + wanted.count].map({ Character($0.lowercased()) }) == wanted,
                index == 0 || !(isNamePart(characters[index - 1]) || characters[index - 1] == "."),
                accept(characters, index, index + wanted.count)
            {
                result += replacement
                index += wanted.count
                continue
            }
            result.append(character)
            index += 1
        }
        return result
    }

    /// Whether `index` falls inside a string, a quoted name or a comment.
    static func insideQuotes(_ sql: String, at index: String.Index) -> Bool {
        let offset = sql.distance(from: sql.startIndex, to: index)
        let characters = Array(sql)
        guard offset < characters.count else { return false }
        return SQLLexer.depths(characters)[offset] < 0
    }
}
