import Database
import Foundation

/// A column the question names several values of, by the values themselves ("de manhã e de
/// tarde") or by glossary terms that stand for them ("concluíram", "transferidos", "evadidos").
/// "Quantos de cada" is then one row per value: GROUP BY that column, where a small model
/// writes a query per value joined by UNION, or filters the first value only.
public struct ValueGroup: Sendable, Equatable {
    public let table: String
    public let column: String
    /// As stored, in the order the question names them.
    public let values: [String]

    public init(table: String, column: String, values: [String]) {
        self.table = table
        self.column = column
        self.values = values
    }

    /// The columns of `context` with two or more values the question names by different words.
    /// One word that matches two stored values ("belem": 'Belém' and 'BELEM') names one thing,
    /// not a group to count value by value.
    public static func named(in context: RetrievedContext) -> [ValueGroup] {
        var found: [(table: String, column: String, value: String, said: String)] = context.values.map {
            ($0.table, $0.column, $0.value, foldedText($0.spoken))
        }
        found += context.terms.compactMap { term in equality(in: term.sql).map { ($0.table, $0.column, $0.value, foldedText(term.spoken ?? term.term)) } }
        var groups: [(group: ValueGroup, said: Set<String>)] = []
        for item in found {
            if let index = groups.firstIndex(where: { $0.group.table == item.table && $0.group.column == item.column }) {
                if !groups[index].group.values.contains(item.value) {
                    groups[index].group = ValueGroup(table: item.table, column: item.column, values: groups[index].group.values + [item.value])
                }
                groups[index].said.insert(item.said)
            } else {
                groups.append((ValueGroup(table: item.table, column: item.column, values: [item.value]), [item.said]))
            }
        }
        return groups.filter { $0.group.values.count >= 2 && $0.said.count >= 2 }.map(\.group)
    }

    /// `table.column = 'value'`, the whole of a term's definition, or nil.
    static func equality(in sql: String) -> (table: String, column: String, value: String)? {
        let pattern = ValueGroup.equalityPattern
        guard let match = sql.wholeMatch(of: pattern) else { return nil }
        return (String(match.1), String(match.2), String(match.3).replacingOccurrences(of: "''", with: "'"))
    }
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension ValueGroup {
    nonisolated(unsafe) private static let equalityPattern = #/^\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'((?:[^']|'')*)'\s*$/#
}
