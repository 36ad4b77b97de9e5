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
        let parts = name.split(separator: ".").map(String.init)
        guard let written = parts.last, parts.count <= 2 else { return nil }
        let key = foldedName(written)
        var references = Self.tableReferences(in: sql)
        if parts.count == 2 {
            references = references.filter { ($0.alias ?? $0.table).caseInsensitiveCompare(parts[0]) == .orderedSame }
        }
        let matches = Set(references.compactMap { reference in
            catalog.schema.table(named: reference.table)?.columns.first { foldedName($0.name) == key && $0.name != written }?.name
        })
        guard matches.count == 1, let real = matches.first, real.caseInsensitiveCompare(written) != .orderedSame else { return nil }
        let replacement = (parts.count == 2 ? parts[0] + "." : "") + sqlName(real)
        let fixed = Self.replaceName(name, with: replacement, in: sql)
        return fixed == sql ? nil : (fixed, "\(name) lido como \(replacement) (a coluna se escreve assim)")
    }
}
