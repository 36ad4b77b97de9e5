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
        guard let written = name.split(separator: ".").last.map(String.init),
              !catalog.schema.tables.contains(where: { $0.column(named: written) != nil })
        else { return nil }
        let key = foldedName(written)
        guard let real = soleColumn(for: name, in: sql, offered: { table in table.columns.map(\.name).filter { Self.isCognate(key, foldedName($0)) } }),
              let fixed = renamed(name, to: real, in: sql)
        else { return nil }
        return (fixed.sql, "\(name) lido como \(fixed.replacement) (a coluna da tabela que começa como ela)")
    }

    /// Whether two folded names share a beginning long enough to be one word in two spellings.
    static func isCognate(_ written: String, _ column: String) -> Bool {
        guard written != column else { return false }
        let shared = zip(written, column).prefix { $0 == $1 }.count
        return shared >= cognatePrefix.letters && Double(shared) >= cognatePrefix.share * Double(min(written.count, column.count))
    }
}
