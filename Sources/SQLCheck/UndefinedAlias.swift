import Database
import Foundation

extension SQLRepair {
    /// `a.pedra` where no table of the query is `a` and none has pedra: the model meant the one
    /// table that has it, under that alias, and never joined it. The table joins the query by
    /// its keys: toward its parents (`e.rede` with escolas reached from turmas), or as a child of
    /// a table the query reads (`avaliacoes_anuais a ON a.aluno_id = m.aluno_id AND a.ano_letivo =
    /// m.ano_letivo`: every column of its key that table has too, so a row per student and year
    /// meets one), or as the parent of a table the query joins (`t.fase` with `matriculas m`
    /// joined: `turmas t ON t.id = m.turma_id`). A column several tables have is read from the one
    /// whose name the alias starts (`e.nome`: escolas); if none or several (`a.id`), it is left to the model.
    func undefinedAliasJoin(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, catalog.schema.table(named: parts[0]) == nil else { return nil }
        let (qualifier, column) = (parts[0], parts[1])
        let references = Self.tableReferences(in: sql)
        guard !references.contains(where: { ($0.alias ?? $0.table).caseInsensitiveCompare(qualifier) == .orderedSame }),
            !references.contains(where: { catalog.schema.table(named: $0.table)?.column(named: column) != nil })
        else { return nil }
        var owners = catalog.schema.tables.filter { $0.kind == .table && $0.column(named: column) != nil }
        // `e.nome`, with alunos, escolas and disciplinas all having nome: an alias is the start of
        // its table's name, and only escolas starts with e.
        if owners.count > 1 { owners = owners.filter { $0.name.lowercased().hasPrefix(qualifier.lowercased()) } }
        guard owners.count == 1, let owner = owners.first,
            !references.contains(where: { $0.table.caseInsensitiveCompare(owner.name) == .orderedSame })
        else { return nil }
        // Toward the parents, the way a parent's column written with its table's name is joined.
        if let from = references.first(where: \.isFrom), parentPath(from: from.table, to: owner.name) != nil,
            let joined = aliasOrJoin("\(owner.name).\(column)", in: Self.replaceQualifier(qualifier, with: sqlName(owner.name), in: sql))
        {
            return (joined.sql, "\(qualifier) não era apelido de nenhuma tabela: \(column) lido de \(owner.name); " + joined.note)
        }
        guard let joined = parentJoin(owner, as: qualifier, in: sql) ?? childJoin(owner, as: qualifier, in: sql) else { return nil }
        return (joined.sql, "\(qualifier) não era apelido de nenhuma tabela: \(sqlName(owner.name)) \(qualifier) juntada por " + joined.conditions.joined(separator: " AND "))
    }

    /// `matriculas.situacao` (or `situacao`, which one table has) in a query that never reads
    /// matriculas, a yearly table below the query's FROM table: joined as its child, and held to
    /// `year`, the one the question names (`matriculas.ano_letivo = 2023`), so each student
    /// meets one enrolment and nothing counted twice. Without a year to hold it to, joining a
    /// child could multiply the rows counted, and the query is left to the model.
    public func yearlyChildJoin(_ name: String, in sql: String, year: Int) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        let owner: Schema.Table
        if parts.count == 2, let named = catalog.schema.table(named: parts[0]), named.column(named: parts[1]) != nil {
            owner = named
        } else if parts.count == 1 {
            let owners = catalog.schema.tables.filter { $0.kind == .table && $0.column(named: parts[0]) != nil }
            guard owners.count == 1 else { return nil }
            owner = owners[0]
        } else {
            return nil
        }
        let years = catalog.schema.yearColumns(of: owner)
        let references = Self.tableReferences(in: sql)
        // Below the table the query is about (FROM alunos), not beside one it joins.
        guard years.count == 1, let yearColumn = years.first, sql.firstMatch(of: SQLRepair.unionWord) == nil,
            let from = references.first(where: \.isFrom),
            owner.foreignKeys.contains(where: { $0.columns.count == 1 && $0.referencedTable.caseInsensitiveCompare(from.table) == .orderedSame }),
            !references.contains(where: { $0.table.caseInsensitiveCompare(owner.name) == .orderedSame }),
            let joined = childJoin(owner, as: owner.name, in: sql)
        else { return nil }
        let held = "\(qualifiedName(owner.name, yearColumn)) = \(year)"
        let text = MissingYearConditions.whereExtended(joined.sql, with: held)
        return (text, "\(owner.name) juntada por " + joined.conditions.joined(separator: " AND ") + ", no ano que a pergunta cita (\(held))")
    }

    /// `sql` with `owner` joined under `qualifier` (an alias as written, or the table's own name)
    /// as a child of a table the outer query reads, by `childConditions`.
    func childJoin(_ owner: Schema.Table, as qualifier: String, in sql: String) -> (sql: String, conditions: [String])? {
        let ownName = qualifier == owner.name
        for key in owner.foreignKeys where key.columns.count == 1 {
            for reference in Self.outerReferences(in: sql) {
                guard let conditions = childConditions(owner, as: ownName ? sqlName(qualifier) : qualifier, by: key, to: reference) else { continue }
                let join = " JOIN \(sqlName(owner.name))" + (ownName ? "" : " \(qualifier)") + " ON " + conditions.joined(separator: " AND ")
                return (Self.joinAppended(join, to: sql), conditions)
            }
        }
        return nil
    }

    /// How `owner`, under `qualifier`, meets `reference` as its child through `key`: by the key
    /// itself when it points at that table, or by the column both point at the same table with
    /// (`a.aluno_id = m.aluno_id`), and by the other columns of a composite key both have
    /// (`a.ano_letivo = m.ano_letivo`). Nil when the key leads elsewhere. `qualifier` is as SQL
    /// writes it; the conditions write the catalog's names through `sqlName`.
    func childConditions(_ owner: Schema.Table, as qualifier: String, by key: Schema.ForeignKey, to reference: TableReference) -> [String]? {
        guard key.columns.count == 1, let table = catalog.schema.table(named: reference.table) else { return nil }
        let held = key.columns[0]
        let other = reference.sqlQualifier
        var conditions: [String]
        if table.name.caseInsensitiveCompare(key.referencedTable) == .orderedSame {
            conditions = ["\(qualifier).\(sqlName(held)) = \(other).\(sqlName(key.referencedColumns[0]))"]
        } else if table.foreignKeys.contains(where: { $0.columns == [held] && $0.referencedTable == key.referencedTable }) {
            conditions = ["\(qualifier).\(sqlName(held)) = \(other).\(sqlName(held))"]
        } else {
            return nil
        }
        if owner.primaryKey.count > 1, owner.primaryKey.contains(held) {
            let shared = owner.primaryKey.filter { column in
                column != held && table.column(named: column) != nil && !(table.primaryKey == [column])
            }
            conditions += shared.map { "\(qualifier).\(sqlName($0)) = \(other).\(sqlName($0))" }
        }
        return conditions
    }

    /// `sql` with `owner` joined under `qualifier` as the parent of the one table the outer query
    /// joins that points to it (`turmas t ON t.id = m.turma_id`): a row each, nothing counted twice.
    /// Two tables pointing to it (classes of the enrolment or of the interaction?) are left to the model.
    func parentJoin(_ owner: Schema.Table, as qualifier: String, in sql: String) -> (sql: String, conditions: [String])? {
        let pointing = Self.outerReferences(in: sql).compactMap { reference -> String? in
            let keys = catalog.schema.table(named: reference.table)?.foreignKeys.filter { key in
                key.columns.count == 1 && key.referencedTable.caseInsensitiveCompare(owner.name) == .orderedSame
            } ?? []
            guard keys.count == 1 else { return nil }
            return "\(qualifier).\(sqlName(keys[0].referencedColumns.first ?? "id")) = \(reference.sqlQualifier).\(sqlName(keys[0].columns[0]))"
        }
        guard pointing.count == 1 else { return nil }
        return (Self.joinAppended(" JOIN \(sqlName(owner.name)) \(qualifier) ON \(pointing[0])", to: sql), pointing)
    }

    /// The tables the outer query reads (not those of its subqueries).
    static func outerReferences(in sql: String) -> [TableReference] {
        tableReferences(in: sql).filter { $0.depth == 0 }
    }

    /// `sql` with `join` after the last join of the outer FROM: before its WHERE, GROUP BY, ORDER BY or LIMIT.
    static func joinAppended(_ join: String, to sql: String) -> String {
        let characters = Array(sql)
        let depth = MissingYearConditions.depths(characters)
        let ends = ["where", "group", "order", "limit", "having", "window", "union", "except", "intersect"]
            .flatMap { MissingYearConditions.keyword($0, in: characters, depth: depth) }
        let position = ends.min() ?? characters.count
        let before = String(characters[..<position]).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ";")))
        let after = position < characters.count ? " " + String(characters[position...]) : ""
        return before + join + after
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension SQLRepair {
    nonisolated(unsafe) private static let unionWord = #/(?i)\bunion\b/#
}
