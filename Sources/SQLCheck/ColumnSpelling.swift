import Database
import Foundation

/// A column of the query's tables written with other case or underscores: `name_first` for
/// `nameFirst` (the model's snake_case habit on a CamelCase schema), `dataNascimento` for
/// `data_nascimento`. Spaces, accents and signs are `SpacedNames`' part.
///
/// Needs from the catalog: the schema's column names.
extension SQLRepair {
    /// `name` (`T1.name_first`, or bare) with its column replaced by the one real column of the
    /// query's tables (of the qualifier's table, when there is one) that differs from it only in
    /// case and underscores; nil when there is none, or more than one.
    func columnSpelling(_ name: String, in sql: String) -> (sql: String, note: String)? {
        guard let written = name.split(separator: ".").last.map(String.init) else { return nil }
        let key = foldedName(written)
        guard let real = soleColumn(for: name, in: sql, offered: { table in
                  table.columns.first { foldedName($0.name) == key && $0.name != written }.map { [$0.name] } ?? []
              }),
              real.caseInsensitiveCompare(written) != .orderedSame,
              let fixed = renamed(name, to: real, in: sql)
        else { return nil }
        return (fixed.sql, "\(name) lido como \(fixed.replacement) (a coluna se escreve assim)")
    }

    /// The one column name that the query's tables offer for `name` (only the qualifier's table,
    /// when `name` has one); nil when they offer none or several, or `name` is not a column reference.
    func soleColumn(for name: String, in sql: String, offered: (Schema.Table) -> [String]) -> String? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count <= 2 else { return nil }
        var references = Self.tableReferences(in: sql)
        if parts.count == 2 {
            references = references.filter { ($0.alias ?? $0.table).caseInsensitiveCompare(parts[0]) == .orderedSame }
        }
        let matches = Set(references.flatMap { reference in catalog.schema.table(named: reference.table).map(offered) ?? [] })
        return matches.count == 1 ? matches.first : nil
    }

    /// `sql` with `name` written as `real`, under the same qualifier; nil when nothing changed.
    func renamed(_ name: String, to real: String, in sql: String) -> (sql: String, replacement: String)? {
        let parts = name.split(separator: ".").map(String.init)
        let replacement = (parts.count == 2 ? parts[0] + "." : "") + sqlName(real)
        let fixed = Self.replaceName(name, with: replacement, in: sql)
        return fixed == sql ? nil : (fixed, replacement)
    }
}
