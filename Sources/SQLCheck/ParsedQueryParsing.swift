import Database
import Foundation

/// How `ParsedQuery` reads a statement: common tables, then the SELECTs a set operation joins,
/// then each one's clauses by the keywords at its own depth, and the tables of its FROM.
extension ParsedQuery {
    /// Words that end the clause before them.
    static let clauseWords: Set<String> = ["select", "from", "where", "group", "having", "window", "order", "limit", "union", "intersect", "except"]
    /// Keywords SQLFormatter does not list that are never a column.
    static let otherKeywords: Set<String> = ["TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "ESCAPE", "GLOB", "REGEXP",
                                             "COLLATE", "NOCASE", "FILTER", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "CURRENT", "ROW",
                                             "NULLS", "FIRST", "LAST", "INTEGER", "REAL", "TEXT", "NUMERIC", "ISNULL", "NOTNULL", "DISTINCT", "OFFSET"]

    mutating func parse() {
        var index = range.lowerBound
        if index < range.upperBound, tokens[index].isKeyword("with") {
            index = parseCommonTables(from: index + 1)
        }
        let outerIndices = outer(index..<range.upperBound)
        var coreStart = index
        var cores: [Range<Int>] = []
        var position = 0
        while position < outerIndices.count {
            let at = outerIndices[position]
            let token = tokens[at]
            if token.isKeyword("union") || token.isKeyword("intersect") || token.isKeyword("except") {
                cores.append(coreStart..<at)
                var name = token.uppercased()
                if at + 1 < range.upperBound, tokens[at + 1].isKeyword("all") {
                    name += " ALL"
                    position += 1
                }
                setOperators.append(name)
                coreStart = (position + 1 < outerIndices.count) ? outerIndices[position + 1] : range.upperBound
            }
            position += 1
        }
        cores.append(coreStart..<range.upperBound)
        selects = cores.compactMap(parseSelect)
    }

    mutating func parseCommonTables(from start: Int) -> Int {
        var index = start
        if index < range.upperBound, tokens[index].isKeyword("recursive") { index += 1 }
        while index < range.upperBound, let name = tokens[index].name {
            index += 1
            // Column names: `nome (a, b) AS (…)`.
            if index < range.upperBound, tokens[index].text == "(", let close = closing(index) { index = close + 1 }
            guard index < range.upperBound, tokens[index].isKeyword("as") else { return index }
            index += 1
            if index < range.upperBound, tokens[index].isKeyword("materialized") { index += 1 }
            if index < range.upperBound, tokens[index].isKeyword("not") { index += 2 }
            guard index < range.upperBound, tokens[index].text == "(", let close = closing(index) else { return index }
            commonTables.append(CommonTable(name: name, body: (index + 1)..<close))
            index = close + 1
            guard index < range.upperBound, tokens[index].text == "," else { return index }
            index += 1
        }
        return index
    }

    func parseSelect(_ core: Range<Int>) -> Select? {
        guard !core.isEmpty, tokens[core.lowerBound].isKeyword("select") else { return nil }
        var select = Select(range: core)
        // Where each clause starts, at this query's own depth.
        var starts: [(name: String, index: Int)] = []
        for index in outer(core) where tokens[index].kind == .word {
            let lower = tokens[index].text.lowercased()
            guard Self.clauseWords.contains(lower), index > core.lowerBound || lower == "select" else { continue }
            if lower == "group" || lower == "order" {
                guard index + 1 < core.upperBound, tokens[index + 1].isKeyword("by") else { continue }
            }
            starts.append((lower, index))
            select.clauseStarts[lower] = index
        }
        func body(_ name: String) -> Range<Int>? {
            guard let position = starts.firstIndex(where: { $0.name == name }) else { return nil }
            let start = starts[position].index + (name == "group" || name == "order" ? 2 : 1)
            let end = position + 1 < starts.count ? starts[position + 1].index : core.upperBound
            return start..<max(start, end)
        }
        if var list = body("select") {
            if list.lowerBound < list.upperBound, tokens[list.lowerBound].isKeyword("distinct") {
                select.distinct = true
                list = (list.lowerBound + 1)..<list.upperBound
            } else if list.lowerBound < list.upperBound, tokens[list.lowerBound].isKeyword("all") {
                list = (list.lowerBound + 1)..<list.upperBound
            }
            select.items = split(list).map(selectItem)
        }
        if let from = body("from") { select.from = tableItems(from) }
        select.whereClause = body("where")
        select.groupBy = body("group").map(split) ?? []
        select.having = body("having")
        select.orderBy = body("order").map(split) ?? []
        select.limit = body("limit")
        return select
    }

    /// `range` split at the commas outside parentheses, empty parts left out.
    public func split(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for index in outer(range) where tokens[index].kind == .symbol && tokens[index].text == "," {
            if start < index { parts.append(start..<index) }
            start = index + 1
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }

    func selectItem(_ item: Range<Int>) -> SelectItem {
        let last = item.upperBound - 1
        if item.count > 2, tokens[last - 1].isKeyword("as"), let name = tokens[last].name {
            return SelectItem(range: item, expression: item.lowerBound..<(last - 1), alias: name)
        }
        // `count(*) total`: a name right after a whole expression is its alias.
        if item.count > 1, isAliasName(tokens[last]), let name = tokens[last].name {
            let before = tokens[last - 1]
            let endsExpression = before.text == ")" || before.kind == .quotedName || before.kind == .number || before.kind == .string
                || before.kind == .word && !before.text.hasSuffix(".") && !SQLFormatter.keywords.contains(before.uppercased()) || before.isKeyword("end")
            if endsExpression { return SelectItem(range: item, expression: item.lowerBound..<last, alias: name) }
        }
        return SelectItem(range: item, expression: item, alias: nil)
    }

    func isAliasName(_ token: SQLToken) -> Bool {
        token.kind == .quotedName || token.kind == .word && !token.text.contains(".") && !SQLFormatter.keywords.contains(token.uppercased())
            && !Self.otherKeywords.contains(token.uppercased())
    }

    /// The tables of a FROM clause, split at commas and JOINs outside parentheses.
    func tableItems(_ from: Range<Int>) -> [TableItem] {
        let joinWords: Set<String> = ["join", "left", "right", "full", "inner", "cross", "natural", "outer"]
        var items: [TableItem] = []
        var itemStart = from.lowerBound
        // Where the item's join words (or comma) start: its range begins there.
        var joinStart = from.lowerBound
        var join: String?
        var index = from.lowerBound
        let outerIndices = Set(outer(from))
        func close(at end: Int) {
            guard itemStart < end else { return }
            items.append(tableItem(joinStart..<end, table: itemStart, join: join))
        }
        while index < from.upperBound {
            let token = tokens[index]
            guard outerIndices.contains(index) else { index += 1; continue }
            if token.kind == .symbol, token.text == "," {
                close(at: index)
                join = ","
                joinStart = index
                index += 1
                itemStart = index
            } else if token.kind == .word, joinWords.contains(token.text.lowercased()) {
                close(at: index)
                joinStart = index
                var words: [String] = []
                while index < from.upperBound, tokens[index].kind == .word, joinWords.contains(tokens[index].text.lowercased()) {
                    words.append(tokens[index].uppercased())
                    index += 1
                }
                join = words.joined(separator: " ")
                itemStart = index
            } else {
                index += 1
            }
        }
        close(at: from.upperBound)
        return items
    }

    /// The table item over `item` (join words included) whose table starts at `start`.
    func tableItem(_ item: Range<Int>, table start: Int, join: String?) -> TableItem {
        var result = TableItem(range: item, join: join)
        var index = start
        if tokens[index].text == "(", let close = closing(index), close < item.upperBound {
            result.subquery = (index + 1)..<close
            index = close + 1
        } else if tokens[index].kind == .word, tokens[index].text.hasSuffix("."), index + 1 < item.upperBound, tokens[index + 1].kind == .quotedName {
            result.table = tokens[index + 1].name
            index += 2
        } else if let name = tokens[index].name {
            result.table = String(name.split(separator: ".").last ?? Substring(name))
            index += 1
        }
        if index < item.upperBound, tokens[index].isKeyword("as") { index += 1 }
        if index < item.upperBound, isAliasName(tokens[index]), !tokens[index].isKeyword("on"), !tokens[index].isKeyword("using") {
            result.alias = tokens[index].name
            index += 1
        }
        if index < item.upperBound, tokens[index].isKeyword("on") {
            result.on = (index + 1)..<item.upperBound
        } else if index < item.upperBound, tokens[index].isKeyword("using"), index + 1 < item.upperBound, tokens[index + 1].text == "(",
            let close = closing(index + 1)
        {
            result.using = ((index + 2)..<close).compactMap { tokens[$0].name }
        }
        return result
    }
}
