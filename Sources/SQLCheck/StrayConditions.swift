import Foundation

/// Period conditions the prompt offered for tables the query never reads. Shown one per table,
/// they get written all together ("AND matriculas.ano_letivo = 2024" on a query of atividades
/// alone), and the query cannot run; its own table's condition says the period, so these go.
public enum StrayConditions {
    /// `sql` without each (table, condition) whose table no FROM or JOIN reads, and what went;
    /// nil when nothing did. Only whole conditions joined by AND are taken out, never one under OR.
    public static func removed(from sql: String, conditions: [(table: String, condition: String)]) -> (sql: String, removed: [String])? {
        let read = Set(SQLRepair.tableReferences(in: sql).map { $0.table.lowercased() })
        var text = sql
        var removed: [String] = []
        for (table, condition) in conditions where !read.contains(table.lowercased()) {
            guard let without = removing(condition, from: text) else { continue }
            text = without
            removed.append(condition)
        }
        return removed.isEmpty ? nil : (text, removed)
    }

    /// `sql` with `condition` taken out where AND joins it: after an AND; first after WHERE, with
    /// an AND after it; alone after WHERE. Nil when it is nowhere like that (under OR, in a CASE).
    static func removing(_ condition: String, from sql: String) -> String? {
        let escaped = NSRegularExpression.escapedPattern(for: condition)
        let end = #"(?![\w.])"#
        let forms = [(#"(?i)\s+and\s+"# + escaped + end + #"(?!\s+or\b)"#, ""),
                     (#"(?i)\bwhere\s+"# + escaped + #"\s+and\s+"#, "WHERE "),
                     (#"(?i)\s+where\s+"# + escaped + end + #"(?!\s+(and|or)\b)"#, "")]
        for (pattern, replacement) in forms {
            guard let regex = RegexCache.shared.regex(pattern), sql.contains(regex) else { continue }
            return sql.replacing(regex, with: replacement, maxReplacements: 1)
        }
        return nil
    }
}
