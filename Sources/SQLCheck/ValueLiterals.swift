import Database
import Foundation

/// Text literals compared with a column that never stores them: `pedra = 'Agata'` where the
/// column holds 'Ágata', `cidade = 'EMEF Monteiro Lobato'` (a school's name), `fase = 'F'` (a
/// gender). SQLite runs them and finds no row, or every row for `<>`. The first two have one
/// mechanical fix; the last needs the model, told where the value lives.
public enum ValueLiterals {
    /// Every value a column stores, when they are all known (nil otherwise: nothing is checked).
    public typealias StoredValues = (_ table: String, _ column: String) -> [String]?
    /// The columns that store a value, compared without case or accents: (table, column, value as stored).
    public typealias Holders = (_ value: String) -> [Holder]

    public struct Holder: Sendable, Equatable {
        public let table: String
        public let column: String
        public let value: String

        public init(table: String, column: String, value: String) {
            self.table = table
            self.column = column
            self.value = value
        }
    }

    /// A literal its column does not store, with what the column does store (nothing, for a
    /// column of numbers) and which other columns store the literal.
    public struct Mismatch: Sendable, Equatable {
        public let table: String
        public let column: String
        public let value: String
        public let stored: [String]
        public let holders: [Holder]

        /// The `count` stored values spelled most like the literal.
        public func closest(_ count: Int) -> [String] {
            let wanted = fold(value)
            let ranked = stored.map { (distance: SQLValidator.editDistance(wanted, fold($0)), value: $0) }
            return ranked.sorted { ($0.distance, $0.value) < ($1.distance, $1.value) }.prefix(count).map(\.value)
        }
    }

    /// One `[q.]column op 'value'` of the query: where the column name and the literal (with
    /// its quotes) are, as UTF-8 offsets, which stay good while the text after them changes.
    struct Comparison {
        let table: String
        let column: Range<Int>
        let literal: Range<Int>
        let value: String
        /// A single `=`, `<>` or `!=` (not one item of an IN list): its column may be swapped.
        let single: Bool
    }

    /// `sql` with each literal its column does not store but stores with other capitals or
    /// accents written as stored, and each `column = 'value'` whose value only another column
    /// of the same table stores moved to that column; nil when nothing changed.
    public static func fixed(_ sql: String, schema: Schema, stored: StoredValues, holders: Holders) -> (sql: String, notes: [String])? {
        var text = sql
        var notes: [String] = []
        // Right to left, so the ranges found stay valid while the text changes.
        for comparison in comparisons(in: sql, schema: schema).reversed() {
            let columnName = slice(sql, comparison.column)
            guard let values = stored(comparison.table, columnName), !values.contains(comparison.value) else { continue }
            let folded = fold(comparison.value)
            let respelled = values.filter { fold($0) == folded }
            if respelled.count == 1 {
                replace(comparison.literal, with: quoted(respelled[0]), in: &text)
                notes.append("valor escrito como está no banco: '\(comparison.value)' → '\(respelled[0])' (\(qualifiedName(comparison.table, columnName)))")
                continue
            }
            let sameTable = holders(comparison.value).filter { $0.table.caseInsensitiveCompare(comparison.table) == .orderedSame }
            guard comparison.single, respelled.isEmpty, sameTable.count == 1, let holder = sameTable.first else { continue }
            replace(comparison.literal, with: quoted(holder.value), in: &text)
            replace(comparison.column, with: sqlName(holder.column), in: &text)
            notes.append("'\(holder.value)' é valor de \(qualifiedName(holder.table, holder.column)), não de \(columnName): a condição passou para \(sqlName(holder.column))")
        }
        return notes.isEmpty ? nil : (text, notes.reversed())
    }

    /// `sql` with its one `table.column = 'v'` widened to `IN` all of `values` when the query
    /// groups by that column and `v` is one of them: "manhã comparado com a tarde", grouped by
    /// turno and kept to 'tarde', answers for one shift. nil otherwise.
    public static func widened(_ sql: String, schema: Schema, table: String, column: String, values: [String]) -> (sql: String, note: String)? {
        guard values.count >= 2, QueryShape.outerGrouping(sql)?.columns.contains(column.lowercased()) == true else { return nil }
        guard let comparison = soleEquality(on: table, column, in: sql, schema: schema),
            Set(values.map(fold)).contains(fold(comparison.value))
        else { return nil }
        var text = sql
        let list = "IN (" + values.map(quoted).joined(separator: ", ") + ")"
        replace(comparison.column.upperBound..<comparison.literal.upperBound, with: " " + list, in: &text)
        return (text, "\(sqlName(column)) = '\(comparison.value)' virou \(sqlName(column)) \(list): a pergunta cita esses valores, e a consulta agrupa por \(column)")
    }

    /// The one comparison of `sql` on `table.column`, when it is a plain `=` (not `<>`, `!=` or
    /// an item of an IN list); nil when there is none or more than one.
    static func soleEquality(on table: String, _ column: String, in sql: String, schema: Schema) -> Comparison? {
        let mine = comparisons(in: sql, schema: schema).filter {
            $0.table.caseInsensitiveCompare(table) == .orderedSame && slice(sql, $0.column).caseInsensitiveCompare(column) == .orderedSame
        }
        guard mine.count == 1, let comparison = mine.first, comparison.single,
            !slice(sql, comparison.column.upperBound..<comparison.literal.lowerBound).contains(where: { $0 == "<" || $0 == "!" })
        else { return nil }
        return comparison
    }

    /// The literals of `sql` that their column does not store, even without case or accents.
    public static func mismatches(in sql: String, schema: Schema, stored: StoredValues, holders: Holders) -> [Mismatch] {
        comparisons(in: sql, schema: schema).compactMap { comparison in
            let columnName = slice(sql, comparison.column)
            // A word compared with a column of numbers ('F' with a phase) matches no row either.
            let affinity = schema.table(named: comparison.table)?.column(named: columnName)?.affinity
            if [.integer, .real, .numeric].contains(affinity), Double(comparison.value) == nil, !comparison.value.isEmpty {
                return Mismatch(table: comparison.table, column: columnName, value: comparison.value, stored: [], holders: holders(comparison.value))
            }
            guard let values = stored(comparison.table, columnName), !values.contains(comparison.value) else { return nil }
            let folded = fold(comparison.value)
            guard !values.contains(where: { fold($0) == folded }) else { return nil }
            return Mismatch(table: comparison.table, column: columnName, value: comparison.value, stored: values.sorted(),
                            holders: holders(comparison.value))
        }
    }

    // Simple word boundaries: Unicode's see no boundary inside `v.pedra`. Compiled once (not
    // Sendable; matching never mutates them): a computed regex is compiled on every use.
    nonisolated(unsafe) static let single: Regex<(Substring, Substring?, Substring, Substring)> = #/(?i)(?:\b([a-z_][a-z0-9_]*)\s*\.\s*)?\b([a-z_][a-z0-9_]*)\s*(?:=|<>|!=)\s*'((?:[^']|'')*)'/#.wordBoundaryKind(.simple)
    nonisolated(unsafe) static let list: Regex<(Substring, Substring?, Substring, Substring)> = #/(?i)(?:\b([a-z_][a-z0-9_]*)\s*\.\s*)?\b([a-z_][a-z0-9_]*)\s+(?:not\s+)?in\s*\(\s*('(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*)\s*\)/#.wordBoundaryKind(.simple)
    nonisolated(unsafe) static let item: Regex<(Substring, Substring)> = #/'((?:[^']|'')*)'/#

    /// The text comparisons of `sql` whose column resolves to a table: by its qualifier (an
    /// alias or a table name of the query), or, written bare, the one table of the query that has it.
    static func comparisons(in sql: String, schema: Schema) -> [Comparison] {
        let references = SQLRepair.tableReferences(in: sql)
        func table(_ qualifier: Substring?, _ column: Substring) -> String? {
            if let qualifier {
                let named = references.first { ($0.alias ?? $0.table).caseInsensitiveCompare(qualifier) == .orderedSame }
                    ?? references.first { $0.table.caseInsensitiveCompare(qualifier) == .orderedSame }
                return named.map(\.table)
            }
            let owners = Set(references.map { $0.table.lowercased() }).filter { schema.table(named: $0)?.column(named: String(column)) != nil }
            return owners.count == 1 ? owners.first : nil
        }
        func offsets(_ part: Substring) -> Range<Int> {
            sql.utf8.distance(from: sql.startIndex, to: part.startIndex)..<sql.utf8.distance(from: sql.startIndex, to: part.endIndex)
        }
        // The quotes around a literal go with it when it is replaced.
        func quotedOffsets(_ part: Substring) -> Range<Int> {
            let inner = offsets(part)
            return (inner.lowerBound - 1)..<(inner.upperBound + 1)
        }
        var found: [Comparison] = []
        for match in sql.matches(of: single) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            guard let owner = table(match.1, match.2) else { continue }
            found.append(Comparison(table: owner, column: offsets(match.2), literal: quotedOffsets(match.3), value: unquoted(match.3), single: true))
        }
        for match in sql.matches(of: list) where !SQLRepair.insideQuotes(sql, at: match.range.lowerBound) {
            guard let owner = table(match.1, match.2) else { continue }
            for entry in match.3.matches(of: item) {
                found.append(Comparison(table: owner, column: offsets(match.2), literal: quotedOffsets(entry.1), value: unquoted(entry.1), single: false))
            }
        }
        return found.sorted { $0.literal.lowerBound < $1.literal.lowerBound }
    }

    static func slice(_ text: String, _ range: Range<Int>) -> String {
        let utf8 = Array(text.utf8)
        return String(decoding: utf8[range], as: UTF8.self)
    }

    static func replace(_ range: Range<Int>, with replacement: String, in text: inout String) {
        var utf8 = Array(text.utf8)
        utf8.replaceSubrange(range, with: Array(replacement.utf8))
        text = String(decoding: utf8, as: UTF8.self)
    }

    static func unquoted(_ text: Substring) -> String { text.replacingOccurrences(of: "''", with: "'") }
    static func quoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
    static func fold(_ text: String) -> String { SQLValidator.fold(text) }
}
