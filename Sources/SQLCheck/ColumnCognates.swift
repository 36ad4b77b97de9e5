import Database
import Foundation

/// A column the model wrote as the word it knows best, sharing most of its beginning with the
/// real one: `r.probability` for `probabilidade`, `T.franchiseID` for `franchID`,
/// `Municipality` for `Municipio`. Small models trained mostly on English write the English
/// cognate of a Portuguese column, or spell out an abbreviation, and repeat it after being
/// told, so the correction loop alone does not cure it.
///
/// Only a name no table of the schema has (a real column of another table calls for a join,
/// which other repairs and the correction handle), and only when exactly one column of the
/// qualifier's table (of the query's tables, when bare) shares a long beginning with it.
///
/// Needs from the catalog: the schema's column names.
extension SQLRepair {
    /// The shortest shared beginning that counts, in letters of the folded names, and its
    /// least share of the shorter name: `probabili` is 9 of `probability`'s 11, `franchi` 7 of
    /// `franchid`'s 8; `namef` (`name_full`, `nameFirst`) and `data_` (`data_saida`,
    /// `data_matricula`) are too short to say the same word.
    static let cognatePrefix = (letters: 6, share: 2.0 / 3.0)

    /// `name` (`r.probability`, or bare) with its column replaced by the one column of the
    /// query's tables (of the qualifier's table, when there is one) that starts like it; nil
    /// when some table has the name as written, or no column or more than one starts like it.
    func columnCognate(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard let written = parts.last, parts.count <= 2,
            !catalog.schema.tables.contains(where: { $0.column(named: written) != nil })
        else { return nil }
        var references = Self.tableReferences(in: sql)
        if parts.count == 2 {
            references = references.filter { ($0.alias ?? $0.table).caseInsensitiveCompare(parts[0]) == .orderedSame }
        }
        let key = foldedName(written)
        let matches = Set(references.flatMap { reference in
            (catalog.schema.table(named: reference.table)?.columns ?? []).filter { Self.isCognate(key, foldedName($0.name)) }.map(\.name)
        })
        guard matches.count == 1, let real = matches.first else { return nil }
        let replacement = (parts.count == 2 ? parts[0] + "." : "") + sqlName(real)
        let fixed = Self.replaceName(name, with: replacement, in: sql)
        return fixed == sql ? nil : (fixed, "\(name) lido como \(replacement) (a coluna da tabela que começa como ela)")
    }

    /// Whether two folded names share a beginning long enough to be one word in two spellings.
    static func isCognate(_ written: String, _ column: String) -> Bool {
        guard written != column else { return false }
        let shared = zip(written, column).prefix { $0 == $1 }.count
        return shared >= cognatePrefix.letters && Double(shared) >= cognatePrefix.share * Double(min(written.count, column.count))
    }
}
