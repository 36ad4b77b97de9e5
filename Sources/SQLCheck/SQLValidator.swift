import Catalog
import Database
import Foundation

/// Why a generated query cannot run, in plain pt-BR, with hints for the correction prompt.
public struct ValidationFailure: Error, Sendable, Equatable, LocalizedError {
    public enum Kind: String, Sendable, Codable {
        case multipleStatements, notReadOnly, notAllowed, unknownTable, unknownColumn, ambiguousColumn, unknownFunction, syntax, selfComparison
        case textAggregate, outerColumn
        /// An aggregate where SQLite takes none: in WHERE, or inside another aggregate.
        case misusedAggregate
    }

    public let kind: Kind
    /// What is wrong, for the user and for the model.
    public let message: String
    /// Suggestions ("você quis dizer alunos.nome?").
    public let hints: [String]
    /// The name the failure is about: the unknown or ambiguous column as SQLite gave it
    /// ("matriculas.situacao"), or the column compared with itself.
    public var column: String?

    init(kind: Kind, message: String, hints: [String], column: String? = nil) {
        self.kind = kind
        self.message = message
        self.hints = hints
        self.column = column
    }

    public var errorDescription: String? {
        hints.isEmpty ? message : "\(message); \(hints.joined(separator: "; "))"
    }

    /// The rule that refused the query, for a refusal beyond SQLite's own (it can be switched off).
    public var rule: String? {
        switch kind {
        case .selfComparison: return "validate.self-comparison"
        case .textAggregate: return "validate.text-aggregate"
        case .outerColumn: return "validate.outer-column"
        default: return nil
        }
    }
}

/// Checks generated SQL against the database, in order: one statement, read-only, then
/// SQLite's own compilation (which resolves aliases, CTEs, subqueries and `t.*` exactly)
/// under the read-only authorizer; unknown names get the nearest real ones as hints.
public struct SQLValidator: Sendable {
    public let catalog: Catalog
    /// The refusals beyond SQLite's own (`validate.*`) that are switched off do not refuse.
    let switches: RuleSwitches

    public init(catalog: Catalog, switches: RuleSwitches = .allOn) {
        self.catalog = catalog
        self.switches = switches
    }

    /// Nil when the query is fine.
    public func validate(_ sql: String, on connection: any SQLDatabase) -> ValidationFailure? {
        if SQLScanner.statementCount(sql) > 1 {
            return ValidationFailure(kind: .multipleStatements, message: "a resposta tem mais de um comando SQL; mande uma única consulta", hints: [])
        }
        let first = sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix { $0.isLetter }.uppercased()
        if !["SELECT", "WITH", "VALUES"].contains(first) {
            return ValidationFailure(
                kind: .notReadOnly,
                message: "só consultas de leitura (SELECT) são permitidas, e a resposta começa com \(first.isEmpty ? "outra coisa" : first)",
                hints: [])
        }
        do {
            try connection.checkGenerated(sql)
        } catch let refusal as QueryRefusal {
            return explain(refusal, sql: sql, dialect: connection.dialect)
        } catch {
            return ValidationFailure(kind: .syntax, message: "o SQL não é válido: \(error.localizedDescription)", hints: [])
        }
        // `JOIN turmas t ON v.aluno_id = v.aluno_id`: SQLite runs it, and since the condition holds
        // on every row, each row of one table meets every row of the other.
        if switches.isOn("validate.self-comparison"), let column = Self.selfComparison(in: sql) {
            return ValidationFailure(
                kind: .selfComparison, message: "a condição \(column) = \(column) compara a coluna com ela mesma e vale para todas as linhas",
                hints: ["cada JOIN precisa comparar uma coluna da tabela que entra com uma coluna de outra tabela da consulta (as junções do contexto)"],
                column: column)
        }
        // `avg(turmas.turno)`: every word counts as 0, so it runs and answers nothing.
        if switches.isOn("validate.text-aggregate"), let text = TextAggregates.first(in: sql, schema: catalog.schema) {
            let values = text.values.map { "'\($0)'" }.joined(separator: ", ")
            return ValidationFailure(
                kind: .textAggregate, message: "\(text.call) soma ou tira a média de um texto (\(text.column) guarda valores como \(values)), e o SQLite conta cada texto como 0",
                hints: ["a média e a soma são de uma coluna de números; para um resultado por \(text.column), agrupe por ela (GROUP BY \(text.column)) e faça a conta com a coluna de números que a pergunta pede"],
                column: text.column)
        }
        // `a.ra NOT IN (SELECT ra FROM cubo_engajamento)`: ra is read from outside, so the
        // subquery gives each row its own value back, and the condition says nothing.
        if switches.isOn("validate.outer-column"), let outer = OuterColumns.first(in: sql, schema: catalog.schema) {
            let keys = OuterColumns.keys(of: outer.table, for: outer.column, in: sql, repairer: SQLRepair(catalog: catalog))
            let columns = outer.table.columns.map { sqlName($0.name) }.joined(separator: ", ")
            return ValidationFailure(
                kind: .outerColumn,
                message: "a subconsulta (\(outer.subquery) …) devolve \(outer.column), que não é coluna de \(outer.table.name): o SQLite o lê da consulta de fora, "
                    + "e cada linha é comparada com ela mesma",
                hints: keys.map { "use \($0.key), que aponta para \($0.target): \($0.target) IN (SELECT \($0.key) FROM \(sqlName(outer.table.name)) …)" }
                    + ["a subconsulta devolve uma coluna de \(outer.table.name): \(columns)"],
                column: outer.column)
        }
        return nil
    }

    /// A qualified column compared with itself by `=`, outside quotes: `v.aluno_id = v.aluno_id`.
    static func selfComparison(in sql: String) -> String? {
        let pattern = SQLValidator.selfEquality
        for match in sql.matches(of: pattern) where match.1.lowercased() == match.2.lowercased() {
            // Quotes before it in even number: outside a string.
            if sql[..<match.1.startIndex].filter({ $0 == "'" }).count % 2 == 0 { return String(match.1) }
        }
        return nil
    }

    /// Turns SQLite's message into a sentence and hints.
    func explain(_ refusal: QueryRefusal, sql: String, dialect: SQLDialect = .sqlite) -> ValidationFailure {
        guard refusal.kind == .invalid, let message = refusal.sqliteMessage else {
            return ValidationFailure(kind: refusal.kind == .notAllowed ? .notAllowed : .syntax, message: refusal.message, hints: [])
        }
        if let name = message.after("no such column: ") {
            let parts = name.split(separator: ".").map(String.init)
            let column = parts.last ?? name
            let used = referencedTables(in: sql)
            // `max(aaa)` with `avaliacoes_anuais aaa`: the table's name or alias where one of its
            // columns was meant; names that merely look alike (`iaa`) would mislead.
            if parts.count == 1, let table = qualifiedTable(name, in: sql), !catalog.schema.tables.contains(where: { $0.column(named: name) != nil }) {
                let what = table.name.caseInsensitiveCompare(name) == .orderedSame ? "o nome da tabela" : "o apelido da tabela \(table.name)"
                return ValidationFailure(
                    kind: .unknownColumn, message: "\(name) é \(what), não uma coluna",
                    hints: ["escreva \(sqlName(name)).coluna, com uma das colunas de \(table.name): " + table.columns.map { sqlName($0.name) }.joined(separator: ", ")],
                    column: name)
            }
            // "escolas.id" where escolas exists but is not in the query: the join is what is missing.
            if parts.count == 2, let table = catalog.schema.table(named: parts[0]), table.column(named: column) != nil,
                !used.contains(where: { $0.caseInsensitiveCompare(table.name) == .orderedSame })
            {
                return ValidationFailure(
                    kind: .unknownColumn, message: "a tabela \(table.name) não está no FROM nem num JOIN da consulta",
                    hints: joinHints(to: table.name, from: used), column: name)
            }
            // `v2.ano_letivo` after v2 left the query: the column is at hand under the names the
            // query does define; another table that has it ("fica na tabela scores_risco") misleads.
            let references = SQLRepair.tableReferences(in: sql)
            let holders = references.filter { catalog.schema.table(named: $0.table)?.column(named: column) != nil }.map(\.sqlQualifier)
            if parts.count == 2, !holders.isEmpty, qualifiedTable(parts[0], in: sql) == nil, catalog.schema.table(named: parts[0]) == nil {
                let defined = references.map { reference in reference.alias.map { "\(sqlName($0)) (\(sqlName(reference.table)))" } ?? sqlName(reference.table) }
                let choices = holders.map { $0 + "." + sqlName(column) }
                return ValidationFailure(
                    kind: .unknownColumn, message: "a coluna \(name) não existe: \(parts[0]) não é nome nem apelido de nenhuma tabela da consulta",
                    hints: ["a consulta lê " + defined.joined(separator: ", ") + "; \(column) está em " + choices.joined(separator: ", ")],
                    column: name)
            }
            // The column exists, in a table the query does not join: say where, and how to join it (first:
            // it is exact), then the nearest names. A month or date the query's tables do not have:
            // where their dates are, not the `mes` of some unrelated table.
            let period = periodHint(for: column, used: used)
            let owners = period != nil ? [] : catalog.schema.tables.filter { $0.column(named: column) != nil && !used.contains($0.name) }
            let whereItLives = (period.map { [$0] } ?? []) + owners.prefix(2).map { owner in
                "\(column) fica na tabela \(owner.name)" + (joinHints(to: owner.name, from: used).first.map { "; \($0)" } ?? "")
            }
            var hints = whereItLives
            hints += suggestColumns(for: name, sql: sql)
                .filter { "\($0.table).\($0.column)".caseInsensitiveCompare(name) != .orderedSame }
                .filter { suggestion in period == nil || used.contains { $0.caseInsensitiveCompare(suggestion.table) == .orderedSame } }
                .map { "você quis dizer \(qualifiedName($0.table, $0.column))?" }
            // "f.turma_id": say what f really has, the surest cure for an invented column, and
            // which table to go through when another table with the same parent has it.
            if parts.count == 2, let table = qualifiedTable(parts[0], in: sql) {
                let alias = table.name.caseInsensitiveCompare(parts[0]) == .orderedSame ? "" : " (\(parts[0]))"
                hints.insert("a tabela \(table.name)\(alias) só tem as colunas " + table.columns.map { sqlName($0.name) }.joined(separator: ", "), at: whereItLives.count)
                if let bridge = bridgeHint(from: table, qualifier: sqlName(parts[0]), missing: column) { hints.insert(bridge, at: 0) }
            }
            return ValidationFailure(kind: .unknownColumn, message: "a coluna \(name) não existe", hints: hints, column: name)
        }
        if let name = message.after("no such table: ") {
            let hints = suggestTables(for: name).map { "você quis dizer \(sqlName($0))?" }
            return ValidationFailure(kind: .unknownTable, message: "a tabela \(name) não existe", hints: hints)
        }
        if let name = message.after("ambiguous column name: ") {
            let owners = referencedTables(in: sql).filter { catalog.schema.table(named: $0)?.column(named: name) != nil }
            let hint = owners.isEmpty ? [] : ["escreva com a tabela (ou o apelido): " + owners.map { qualifiedName($0, name) }.joined(separator: " ou ")]
            return ValidationFailure(kind: .ambiguousColumn, message: "a coluna \(name) existe em mais de uma tabela da consulta", hints: hint, column: name)
        }
        if let name = message.after("no such function: ") {
            let hints = dialect == .postgresql ? Self.postgresFunctionHints : Self.functionHints
            let hint = hints[name.uppercased()].map { [$0] } ?? []
            return ValidationFailure(kind: .unknownFunction, message: "a função \(name) não existe no \(dialect.displayName)", hints: hint)
        }
        // sum() in WHERE: the commonest way a small model writes "alunos com presença abaixo de 75%".
        if message.hasPrefix("misuse of aggregate") {
            return ValidationFailure(kind: .misusedAggregate, message: "a consulta usa count, sum ou avg onde eles não valem (\(message))", hints: [
                "uma condição sobre a soma ou a média de um grupo vai no HAVING, depois do GROUP BY, não no WHERE",
                "para escolher linhas pelo total de cada uma, calcule-o numa subconsulta: chave IN (SELECT chave FROM … GROUP BY chave HAVING …)",
                "não ponha uma agregação dentro de outra (avg(sum(…))): calcule a de dentro numa subconsulta",
            ])
        }
        return ValidationFailure(kind: .syntax, message: "o SQL não é válido (\(message))", hints: [])
    }

    /// Functions of other dialects that small models write for SQLite.
    static let functionHints: [String: String] = [
        "YEAR": "use strftime('%Y', coluna) ou substr(coluna, 1, 4)",
        "MONTH": "use strftime('%m', coluna) ou substr(coluna, 6, 2)",
        "DAY": "use strftime('%d', coluna)",
        "NOW": "use date('now') ou datetime('now')",
        "CURDATE": "use date('now')",
        "DATEDIFF": "use julianday(a) - julianday(b)",
        "DATE_FORMAT": "use strftime(formato, coluna)",
        "CONCAT": "use o operador ||",
        "ISNULL": "use coalesce(coluna, valor) ou coluna IS NULL",
        "TO_CHAR": "use strftime(formato, coluna)",
        "EXTRACT": "use strftime('%Y', coluna) para o ano",
    ]

    /// Functions of other dialects that small models write for PostgreSQL (SQLite's own, such as
    /// `strftime`, are translated before the server sees them).
    static let postgresFunctionHints: [String: String] = [
        "YEAR": "use EXTRACT(YEAR FROM coluna)",
        "MONTH": "use EXTRACT(MONTH FROM coluna)",
        "DAY": "use EXTRACT(DAY FROM coluna)",
        "CURDATE": "use CURRENT_DATE",
        "DATEDIFF": "use coluna_a - coluna_b, que dá os dias entre duas datas",
        "DATE_FORMAT": "use to_char(coluna, 'YYYY-MM-DD')",
        "ISNULL": "use coalesce(coluna, valor) ou coluna IS NULL",
    ]

    /// The table a qualifier stands for in the query: an alias given in FROM or JOIN, or a table's own name.
    func qualifiedTable(_ qualifier: String, in sql: String) -> Schema.Table? {
        SQLRepair(catalog: catalog).qualifiedTable(qualifier, in: sql)
    }

    /// For a month or date column (`mes`, `data`) none of the query's tables has: the date columns
    /// they have, or their parents have (`atividades.prazo` for entregas, with its join), and
    /// how a month or a year is read from one. Nil when the name says no period or no date is near.
    func periodHint(for column: String, used: [String]) -> String? {
        let words = column.lowercased().split(whereSeparator: { !$0.isLetter })
        guard words.contains(where: { ["mes", "month", "data", "date", "dia", "day", "periodo"].contains($0) }),
            !used.contains(where: { catalog.schema.table(named: $0)?.column(named: column) != nil })
        else { return nil }
        var places: [String] = []
        var joins: [String] = []
        for name in used {
            // Dates of a table that points at nothing (a student's birth) say what it is, not when.
            guard let table = catalog.schema.table(named: name), table.kind == .view || !table.foreignKeys.isEmpty else { continue }
            places += catalog.schema.dateColumns(of: table).map { qualifiedName(table.name, $0) }
            for key in table.foreignKeys where key.columns.count == 1 {
                guard let parent = catalog.schema.table(named: key.referencedTable), !parent.foreignKeys.isEmpty,
                    !used.contains(parent.name)
                else { continue }
                let dates = catalog.schema.dateColumns(of: parent)
                guard !dates.isEmpty else { continue }
                places += dates.map { qualifiedName(parent.name, $0) }
                joins.append("JOIN \(sqlName(parent.name)) ON \(qualifiedName(table.name, key.columns[0])) = \(qualifiedName(parent.name, key.referencedColumns.first ?? "id"))")
            }
        }
        guard !places.isEmpty else { return nil }
        let listed = places.count == 1 ? places[0] : places.dropLast().joined(separator: ", ") + " e " + places[places.count - 1]
        return "as datas das tabelas da consulta estão em \(listed)" + (joins.isEmpty ? "" : " (" + joins.joined(separator: "; ") + ")")
            + "; o mês é substr(coluna, 1, 7) e o ano, substr(coluna, 1, 4)"
    }

    /// How to join `target` to one of the query's tables: by a direct foreign key; else by the
    /// parent both point at; else through a table of the same grain as one of them that points at
    /// `target`.
    func joinHints(to target: String, from tables: [String]) -> [String] {
        var hints: [String] = []
        for (table, key) in catalog.schema.foreignKeys {
            let pairs = zip(key.columns, key.referencedColumns).map { "\(qualifiedName(table, $0)) = \(qualifiedName(key.referencedTable, $1))" }
                .joined(separator: " AND ")
            if table == target, tables.contains(key.referencedTable) || key.referencedTable == target {
                hints.append("junte com JOIN \(sqlName(target)) ON \(pairs)")
            } else if key.referencedTable == target, tables.contains(table) {
                hints.append("junte com JOIN \(sqlName(target)) ON \(pairs)")
            }
        }
        guard hints.isEmpty else { return Array(hints.prefix(2)) }
        // No key between them: through what both point at, held to the same year when both have
        // one (`JOIN avaliacoes_anuais ON avaliacoes_anuais.aluno_id = entregas.aluno_id`), or
        // through a table of the query's grain that points at the target (`turmas` from
        // avaliacoes_anuais: by the enrolment of the same student and year).
        let schema = catalog.schema
        guard let wanted = schema.table(named: target) else { return [] }
        let read = tables.compactMap { schema.table(named: $0) }
        for table in read {
            let keys = schema.sharedKeys(wanted, table)
            if !keys.parents.isEmpty { hints.append("junte com JOIN \(sqlName(wanted.name)) ON " + (keys.parents + keys.periods).joined(separator: " AND ")) }
        }
        guard hints.isEmpty else { return Array(hints.prefix(2)) }
        let bridges = schema.tables.filter { $0.kind == .table && $0.name != wanted.name && !tables.contains($0.name) }
            .sorted { ($0.rowCount ?? .max, $0.name) < ($1.rowCount ?? .max, $1.name) }
        for bridge in bridges {
            guard let key = bridge.foreignKeys.first(where: { $0.columns.count == 1 && $0.referencedTable.caseInsensitiveCompare(wanted.name) == .orderedSame }),
                let condition = read.lazy.compactMap({ schema.sameGrainCondition(bridge, $0) }).first
            else { continue }
            hints.append("junte com JOIN \(sqlName(bridge.name)) ON \(condition) JOIN \(sqlName(wanted.name)) ON "
                + "\(qualifiedName(wanted.name, key.referencedColumns.first ?? "id")) = \(qualifiedName(bridge.name, key.columns[0]))")
        }
        return Array(hints.prefix(2))
    }

    /// `f.turma_id` on a table that has no turma_id: the table that has it and shares a parent with
    /// this one (`frequencia_mensal` and `matriculas` both point at `alunos`), and the join through
    /// that parent. The smallest such table first: usually the one that relates the two.
    func bridgeHint(from table: Schema.Table, qualifier: String, missing column: String) -> String? {
        let parents = table.foreignKeys.filter { $0.columns.count == 1 }
        let bridges = catalog.schema.tables
            .filter { $0.kind == .table && $0.name != table.name && $0.column(named: column) != nil }
            .sorted { ($0.rowCount ?? .max, $0.name) < ($1.rowCount ?? .max, $1.name) }
        for bridge in bridges {
            for key in bridge.foreignKeys where key.columns.count == 1 {
                guard let shared = parents.first(where: { $0.referencedTable.caseInsensitiveCompare(key.referencedTable) == .orderedSame })
                else { continue }
                return "\(table.name) não tem \(column); passe por \(bridge.name): JOIN \(sqlName(bridge.name)) ON \(qualifiedName(bridge.name, key.columns[0])) = "
                    + "\(qualifier).\(sqlName(shared.columns[0])), e use \(qualifiedName(bridge.name, column))"
            }
        }
        return nil
    }

    /// The tables named after FROM and JOIN in the query.
    func referencedTables(in sql: String) -> [String] {
        tablesNamed(inSQL: sql).compactMap { catalog.schema.table(named: $0)?.name }
    }

    /// The nearest real columns: by edit distance, by shared words, and by metadata synonyms;
    /// columns of the tables the query uses come first.
    func suggestColumns(for unknown: String, sql: String) -> [(table: String, column: String)] {
        let name = unknown.split(separator: ".").last.map(String.init) ?? unknown
        let used = Set(referencedTables(in: sql).map { $0.lowercased() })
        var scored: [((table: String, column: String), Double)] = []
        for table in catalog.metadata.tables {
            guard let schemaTable = catalog.schema.table(named: table.name) else { continue }
            for column in schemaTable.columns {
                let described = table.column(named: column.name)
                var score = similarity(name, column.name)
                for synonym in described?.synonyms ?? [] { score = max(score, similarity(name, synonym) * 0.95) }
                if used.contains(table.name.lowercased()) { score += 0.25 }
                scored.append(((table.name, column.name), score))
            }
        }
        return scored.filter { $0.1 >= 0.55 }.sorted { $0.1 > $1.1 }.prefix(2).map(\.0)
    }

    func suggestTables(for unknown: String) -> [String] {
        var scored: [(String, Double)] = []
        for table in catalog.metadata.tables {
            var score = similarity(unknown, table.name)
            for synonym in table.synonyms { score = max(score, similarity(unknown, synonym) * 0.95) }
            scored.append((table.name, score))
        }
        return scored.filter { $0.1 >= 0.5 }.sorted { $0.1 > $1.1 }.prefix(2).map(\.0)
    }

    /// 0…1: edit similarity of the folded names, or the share of words they have in common.
    func similarity(_ a: String, _ b: String) -> Double {
        let x = Self.fold(a), y = Self.fold(b)
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        let edit = 1 - Double(Self.editDistance(x, y)) / Double(max(x.count, y.count))
        let wordsA = Set(x.split(whereSeparator: { $0 == "_" || $0 == " " }).map(String.init))
        let wordsB = Set(y.split(whereSeparator: { $0 == "_" || $0 == " " }).map(String.init))
        let shared = Double(wordsA.intersection(wordsB).count) / Double(max(1, min(wordsA.count, wordsB.count)))
        return max(edit, shared * 0.9)
    }

    static func fold(_ text: String) -> String {
        foldedText(text)
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var previous = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}

extension String {
    /// The rest of the string after `prefix`, when it starts with it.
    fileprivate func after(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLValidator {
    nonisolated(unsafe) private static let selfEquality = #/(?i)(?:^|[^A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.])/#
}
