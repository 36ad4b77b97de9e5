import Foundation

/// How two tables that do not point at each other meet: through what both point at.
extension Schema {
    /// The conditions between `first` and `second` when neither points at the other: the parents
    /// both point at by one column each (`avaliacoes_anuais.aluno_id = matriculas.aluno_id`), and
    /// the year or month columns of the same name both have (`avaliacoes_anuais.ano_letivo =
    /// matriculas.ano_letivo`). A parent a table points at twice (origin and destination) is no
    /// shared key. Empty `parents` when they share none; views are never matched.
    public func sharedKeys(_ first: Table, _ second: Table) -> (parents: [String], periods: [String]) {
        guard first.kind == .table, second.kind == .table,
            !first.foreignKeys.contains(where: { $0.referencedTable.caseInsensitiveCompare(second.name) == .orderedSame }),
            !second.foreignKeys.contains(where: { $0.referencedTable.caseInsensitiveCompare(first.name) == .orderedSame })
        else { return ([], []) }
        func soleKeys(_ table: Table) -> [String: ForeignKey] {
            let single = table.foreignKeys.filter { $0.columns.count == 1 }
            return Dictionary(grouping: single, by: { $0.referencedTable.lowercased() }).compactMapValues { $0.count == 1 ? $0[0] : nil }
        }
        let secondKeys = soleKeys(second)
        let parents = soleKeys(first).sorted { $0.key < $1.key }.compactMap { parent, key -> String? in
            guard let match = secondKeys[parent], match.referencedColumns == key.referencedColumns else { return nil }
            return "\(first.name).\(key.columns[0]) = \(second.name).\(match.columns[0])"
        }
        // The periods count only beside a shared parent; reading them costs a pass over every
        // column, for each pair of tables retrieval shows.
        guard !parents.isEmpty else { return ([], []) }
        let periods = Set(yearColumns(of: first) + monthColumns(of: first))
            .intersection(yearColumns(of: second) + monthColumns(of: second)).sorted()
            .map { "\(first.name).\($0) = \(second.name).\($0)" }
        return (parents, periods)
    }

    /// The join of two tables of one grain (one student and one year; one student and one
    /// class): a shared parent and at least one more shared key. One shared parent alone
    /// (`entregas` and `matriculas`, by student) is no row-to-row match: nil.
    public func sameGrainCondition(_ first: Table, _ second: Table) -> String? {
        let keys = sharedKeys(first, second)
        guard !keys.parents.isEmpty, keys.parents.count + keys.periods.count >= 2 else { return nil }
        return (keys.parents + keys.periods).joined(separator: " AND ")
    }
}
