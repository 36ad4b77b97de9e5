import Database
import Foundation

extension SQLRepair {
    /// `FROM avaliacoes_anuais WHERE turma_id IN (SELECT id FROM turmas WHERE ano_letivo = 2024)`:
    /// the rows of 2024 looked for through the classes of 2024, by a key the table does not have.
    /// The table keeps a year of its own: the subquery becomes that condition
    /// (`avaliacoes_anuais.ano_letivo = 2024`). `name` is the key SQLite stopped at (`turma_id`);
    /// the subquery may hold the year column of its table to years and nothing else.
    func parentYearSubquery(_ name: String, in sql: String) -> (sql: String, note: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard let key = parts.last, parts.count <= 2 else { return nil }
        let references = Self.tableReferences(in: sql)
        // The table the key was read from: its qualifier, or the query's only table outside the subquery.
        let owners = references.filter { reference in
            parts.count == 2 ? (reference.alias ?? reference.table).caseInsensitiveCompare(parts[0]) == .orderedSame : true
        }
        let schema = catalog.schema
        let parents = Set(keyTargets(key).map(\.name))
        let outside = owners.filter { owner in
            schema.table(named: owner.table).map { !parents.contains($0.name) && $0.column(named: key) == nil && !schema.yearColumns(of: $0).isEmpty } ?? false
        }
        guard let owner = outside.first, Set(outside.map { ($0.alias ?? $0.table).lowercased() }).count == 1,
            let table = schema.table(named: owner.table)
        else { return nil }
        let qualifier = parts.count == 2 ? parts[0] : owner.sqlQualifier
        let escapedKey = NSRegularExpression.escapedPattern(for: name)
        let pattern = try! Regex("(?i)(^|[^A-Za-z0-9_.])\(escapedKey)\\s+in\\s*\\(\\s*select\\s+(?:[a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)\\s+from\\s+([a-z_][a-z0-9_]*)(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?\\s+where\\s+(?:([a-z_][a-z0-9_]*)\\.)?([a-z_][a-z0-9_]*)\\s*(=\\s*\\d{4}|in\\s*\\(\\s*\\d{4}(?:\\s*,\\s*\\d{4})*\\s*\\)|between\\s+\\d{4}\\s+and\\s+\\d{4})\\s*\\)")
        for match in sql.matches(of: pattern) where !Self.insideQuotes(sql, at: match.range.lowerBound) {
            guard let before = match[1].substring, let selected = match[2].substring, let parentName = match[3].substring,
                let yearName = match[6].substring, let condition = match[7].substring, let parent = schema.table(named: String(parentName))
            else { continue }
            // The subquery picks the parent's own key, the one `key` points at, by the parent's year.
            let written = match[5].substring.map(String.init)
            if let written, ![String(parentName), match[4].substring.map(String.init) ?? ""].contains(where: { $0.caseInsensitiveCompare(written) == .orderedSame }) { continue }
            guard parent.primaryKey.count == 1, parent.primaryKey[0].caseInsensitiveCompare(String(selected)) == .orderedSame,
                parents.contains(parent.name),
                let year = schema.yearColumns(of: parent).first(where: { $0.caseInsensitiveCompare(String(yearName)) == .orderedSame }),
                let own = schema.yearColumns(of: table).first(where: { $0.caseInsensitiveCompare(year) == .orderedSame })
            else { continue }
            let replacement = "\(qualifier).\(sqlName(own)) \(condition)"
            var fixed = sql
            fixed.replaceSubrange(match.range, with: before + replacement)
            return (fixed, "\(key) IN (SELECT … FROM \(sqlName(parent.name)) WHERE \(sqlName(year)) …) trocado por \(replacement): \(table.name) não tem \(key), e tem \(own)")
        }
        return nil
    }
}
