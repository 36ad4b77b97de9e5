import Catalog
import Database

extension Retriever {
    /// The best tables by `evidence`, then whatever connects them, then the small tables they
    /// point to; with the joins between them. Tables added for a join get a reason in `evidence`.
    func chooseTables(options: Options, evidence: inout Evidence) -> (chosen: [String], joins: [RetrievedContext.Join]) {
        let ranked = evidence.tableScore.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }
        let best = ranked.first?.value ?? 0
        var chosen = ranked.prefix(options.maxTables).filter { $0.value >= best * options.relativeCutoff }.map(\.key)
        // Connect the chosen tables as a tree: each joins the nearest table already in it,
        // preferring routes through chosen tables; each join condition is listed once.
        var joins: [RetrievedContext.Join] = []
        if let anchor = chosen.first {
            var tree: Set<String> = [anchor]
            var conditions: [String] = []
            for target in chosen.dropFirst() where !tree.contains(target) {
                guard let path = shortestPath(from: target, toAnyOf: tree, preferring: Set(chosen)) else {
                    // A table nothing links to the others (no key, no relation in its metadata; a
                    // view has none to declare and is joined by what it summarises), which a small
                    // model joins anyway by any column that looks alike (a spreadsheet of villages
                    // with one of fishers, by UF): it stays when the question names it, or is about
                    // it nearly as much as about the best.
                    if schemaTable(target)?.kind == .table, describedTable(target)?.relations.isEmpty ?? true, !evidence.namedTables.contains(target),
                       (evidence.tableScore[target] ?? 0) < best * Self.unconnectedCutoff
                    {
                        chosen.removeAll { $0 == target }
                    }
                    continue
                }
                for step in path {
                    if !conditions.contains(step.condition) { conditions.append(step.condition) }
                    if !chosen.contains(step.table) {
                        chosen.append(step.table)
                        evidence.reasons[step.table, default: []].append("liga \(target) às outras tabelas")
                    }
                    tree.insert(step.table)
                }
                tree.insert(target)
            }
            joins = conditions.map { RetrievedContext.Join(steps: [$0]) }
        }

        // Small tables the chosen ones point to (schools, subjects): their names are nearly
        // always wanted, since codes like "5B" repeat across them, and they cost little.
        for name in chosen {
            for key in schemaTable(name)?.foreignKeys ?? [] where !chosen.contains(key.referencedTable) {
                guard let parent = schemaTable(key.referencedTable), (parent.rowCount ?? .max) <= Self.lookupTableRows else { continue }
                chosen.append(parent.name)
                evidence.reasons[parent.name, default: []].append("tabela de referência de \(name) (nomes)")
                joins.append(.init(steps: [Self.joinCondition(name, key, target: parent.name)]))
            }
        }
        return (chosen, joins)
    }

    /// How `table` joins `target`, the table its foreign key `key` points at (as the caller spells
    /// it), names quoted where they must be: `matriculas.aluno_id = alunos.id`.
    static func joinCondition(_ table: String, _ key: Schema.ForeignKey, target: String) -> String {
        zip(key.columns, key.referencedColumns).map { "\(sqlName(table)).\(sqlName($0)) = \(sqlName(target)).\(sqlName($1))" }
            .joined(separator: " AND ")
    }

    /// The join of each pair of `tables` of one grain (`Schema.sameGrainCondition`):
    /// `avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo =
    /// matriculas.ano_letivo`, or `interacoes` and `matriculas` by student and class.
    func sameGrainJoins(among tables: [String]) -> [String] {
        tables.enumerated().flatMap { position, firstName in
            tables[(position + 1)...].compactMap { secondName in
                guard let first = schemaTable(firstName), let second = schemaTable(secondName) else { return nil }
                return catalog.schema.sameGrainCondition(first, second)
            }
        }
    }

    /// Breadth-first over the FK graph from `start` to the nearest table of `goals`, exploring
    /// `preferred` tables first; returns the tables entered and the conditions used.
    private func shortestPath(from start: String, toAnyOf goals: Set<String>, preferring preferred: Set<String>) -> [(table: String, condition: String)]? {
        var previous: [String: (table: String, condition: String)] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        var reached: String?
        while !queue.isEmpty, reached == nil {
            let current = queue.removeFirst()
            let edges = (graph[current] ?? []).sorted {
                (preferred.contains($0.table) ? 0 : 1, $0.table) < (preferred.contains($1.table) ? 0 : 1, $1.table)
            }
            for edge in edges where !seen.contains(edge.table) {
                seen.insert(edge.table)
                previous[edge.table] = (current, edge.condition)
                if goals.contains(edge.table) {
                    reached = edge.table
                    break
                }
                queue.append(edge.table)
            }
        }
        guard let goal = reached else { return nil }
        var path: [(String, String)] = []
        var node = goal
        while node != start, let step = previous[node] {
            path.append((step.table, step.condition))
            node = step.table
        }
        return path.reversed()
    }
}
