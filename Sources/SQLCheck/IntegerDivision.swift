import Database
import Foundation

/// `sum(presencas) / sum(aulas_previstas)`: in SQLite an integer divided by an integer is an
/// integer, so a rate of 0.87 comes out as 0, and `HAVING sum(p) / sum(a) < 0.75` keeps every
/// group. Small models write it all the time; nothing fails, the numbers are just wrong. The
/// product or quotient the division ends is made real from its first factor (`100` becomes
/// `100.0`, anything else gets `1.0 *` in front).
public enum IntegerDivision {
    /// `sql` with each division of an integer by an integer made real, and a note per division;
    /// nil when there is none. Only when both sides read the data (a column or an aggregate) and
    /// their type is known to be integer (declared INTEGER columns, counts, comparisons, CASE with
    /// integer results); `x / 2`, a CAST and columns of unknown type are left as written.
    public static func fixed(_ sql: String, schema: Schema) -> (sql: String, notes: [String])? {
        let tokens = SQLFormatter.tokenize(sql).filter { $0.kind != .comment }
        let reader = Reader(tokens: tokens, types: columnTypes(in: sql, schema: schema))
        // The first factor of each product to make real, and what the note shows.
        var starts: [Int: (end: Int, text: String)] = [:]
        for index in tokens.indices where tokens[index].text == "/" && tokens[index].kind == .symbol {
            guard let first = reader.chainStart(before: index), let divisor = reader.operand(at: index + 1) else { continue }
            let left = reader.number(first ..< index), right = reader.number(divisor)
            guard left.kind == .integer, right.kind == .integer, left.readsData, right.readsData else { continue }
            let end = tokens[divisor.upperBound - 1].start + tokens[divisor.upperBound - 1].text.count
            if let known = starts[first], known.end >= end { continue }
            starts[first] = (end, reader.source(first ..< divisor.upperBound, in: sql))
        }
        guard !starts.isEmpty else { return nil }
        var text = sql
        var notes: [String] = []
        for (first, division) in starts.sorted(by: { $0.key > $1.key }) {
            let token = tokens[first]
            let position = text.index(text.startIndex, offsetBy: token.start)
            if token.kind == .number, token.text.allSatisfy(\.isNumber) {
                text.insert(contentsOf: ".0", at: text.index(position, offsetBy: token.text.count))
            } else {
                text.insert(contentsOf: "1.0 * ", at: position)
            }
            notes.insert("\(division.text) calculado com decimais: no SQLite, inteiro dividido por inteiro dá inteiro (0,87 vira 0)", at: 0)
        }
        return (text, notes)
    }

    enum Kind { case integer, real, unknown }

    struct Number {
        var kind: Kind
        var readsData: Bool
    }

    /// The type of each name the query can give a column (`alias.column`, `table.column`, and
    /// `column` when every table of the query that has it agrees): integer or real.
    static func columnTypes(in sql: String, schema: Schema) -> [String: Kind] {
        var types: [String: Kind] = [:]
        var bare: [String: Kind] = [:]
        for reference in SQLRepair.tableReferences(in: sql) {
            guard let table = schema.table(named: reference.table) else { continue }
            for column in table.columns {
                let kind: Kind = switch column.affinity {
                case .integer: .integer
                case .real: .real
                default: .unknown
                }
                let name = column.name.lowercased()
                types["\(reference.table.lowercased()).\(name)"] = kind
                if let alias = reference.alias { types["\(alias.lowercased()).\(name)"] = kind }
                bare[name] = bare[name].map { $0 == kind ? kind : .unknown } ?? kind
            }
        }
        return types.merging(bare) { qualified, _ in qualified }
    }

    /// Reads operands and their number types off the query's tokens.
    struct Reader {
        let tokens: [SQLFormatter.Token]
        let types: [String: Kind]

        static let comparisons: Set<String> = ["=", "==", "<>", "!=", "<", ">", "<=", ">="]
        static let logicalWords: Set<String> = ["and", "or", "not", "is", "in", "like", "between", "exists", "glob"]
        static let realFunctions: Set<String> = ["avg", "total", "round", "julianday", "random"]

        /// The matching close of the parenthesis at `open`.
        func closing(_ open: Int) -> Int? { SQLFormatter.closing(tokens, from: open) }

        /// The matching open of the parenthesis at `close`.
        func opening(_ close: Int) -> Int? {
            var depth = 0
            for index in stride(from: close, through: 0, by: -1) {
                if tokens[index].text == ")" { depth += 1 }
                if tokens[index].text == "(" { depth -= 1; if depth == 0 { return index } }
            }
            return nil
        }

        /// The operand that starts at `index`: a name or number, a call, a parenthesised
        /// expression, or a CASE … END.
        func operand(at index: Int) -> Range<Int>? {
            guard index < tokens.count else { return nil }
            let token = tokens[index]
            if token.text == "(" { return closing(index).map { index ..< $0 + 1 } }
            if [.string, .quotedName, .number].contains(token.kind) { return index ..< index + 1 }
            guard token.kind == .word else { return nil }
            if token.text.lowercased() == "case" {
                var depth = 0
                for position in index..<tokens.count where tokens[position].kind == .word {
                    switch tokens[position].text.lowercased() {
                    case "case": depth += 1
                    case "end":
                        depth -= 1
                        if depth == 0 { return index ..< position + 1 }
                    default: break
                    }
                }
                return nil
            }
            if index + 1 < tokens.count, tokens[index + 1].text == "(" { return closing(index + 1).map { index ..< $0 + 1 } }
            return index ..< index + 1
        }

        /// The operand that ends just before `end`.
        func operand(endingBefore end: Int) -> Range<Int>? {
            let last = end - 1
            guard last >= 0 else { return nil }
            let token = tokens[last]
            if token.text == ")", let open = opening(last) {
                if open > 0, tokens[open - 1].kind == .word, !SQLFormatter.keywords.contains(tokens[open - 1].uppercased()) {
                    return open - 1 ..< end
                }
                return open ..< end
            }
            if token.kind == .word, token.text.lowercased() == "end" {
                var depth = 0
                for position in stride(from: last, through: 0, by: -1) where tokens[position].kind == .word {
                    switch tokens[position].text.lowercased() {
                    case "end": depth += 1
                    case "case":
                        depth -= 1
                        if depth == 0 { return position ..< end }
                    default: break
                    }
                }
                return nil
            }
            guard [.string, .quotedName, .number].contains(token.kind) || token.kind == .word && !SQLFormatter.keywords.contains(token.uppercased()) else { return nil }
            return last ..< end
        }

        /// Where the factors multiplied and divided before the `/` at `index` start.
        func chainStart(before index: Int) -> Int? {
            guard var current = operand(endingBefore: index) else { return nil }
            while current.lowerBound > 0, ["*", "/"].contains(tokens[current.lowerBound - 1].text),
                let previous = operand(endingBefore: current.lowerBound - 1)
            {
                current = previous
            }
            return current.lowerBound
        }

        /// The number type of the tokens in `range`, an expression.
        func number(_ range: Range<Int>) -> Number {
            // Operands at this level, and whether a comparison makes it a truth value (0 or 1).
            var operands: [Number] = []
            var index = range.lowerBound
            var truth = false
            while index < range.upperBound {
                let token = tokens[index]
                if token.kind == .symbol, ["+", "-", "*", "/", "%", "||"].contains(token.text) || Self.comparisons.contains(token.text) {
                    truth = truth || Self.comparisons.contains(token.text)
                    index += 1
                    continue
                }
                if token.kind == .word, Self.logicalWords.contains(token.text.lowercased()) {
                    truth = true
                    index += 1
                    continue
                }
                guard let found = operand(at: index), found.upperBound <= range.upperBound else { return Number(kind: .unknown, readsData: false) }
                operands.append(single(found))
                index = found.upperBound
            }
            let readsData = operands.contains(where: \.readsData)
            if truth { return Number(kind: .integer, readsData: readsData) }
            if operands.isEmpty || operands.contains(where: { $0.kind == .unknown }) { return Number(kind: .unknown, readsData: readsData) }
            return Number(kind: operands.allSatisfy { $0.kind == .integer } ? .integer : .real, readsData: readsData)
        }

        /// The number type of one operand.
        func single(_ range: Range<Int>) -> Number {
            let first = tokens[range.lowerBound]
            if first.text == "(" {
                if range.count > 2, tokens[range.lowerBound + 1].text.lowercased() == "select" { return Number(kind: .unknown, readsData: true) }
                return number(range.lowerBound + 1 ..< range.upperBound - 1)
            }
            if first.kind == .string { return Number(kind: .unknown, readsData: false) }
            let word = (first.name ?? first.text).lowercased()
            if range.count == 1 {
                if word.allSatisfy(\.isNumber) { return Number(kind: .integer, readsData: false) }
                if Double(word) != nil { return Number(kind: .real, readsData: false) }
                return Number(kind: types[word] ?? .unknown, readsData: true)
            }
            if word == "case" { return caseResults(range) }
            // A call: its arguments, after the parenthesis and an optional DISTINCT.
            var arguments = range.lowerBound + 2 ..< range.upperBound - 1
            if arguments.first.map({ tokens[$0].text.lowercased() == "distinct" }) == true { arguments = arguments.dropFirst() }
            switch word {
            case "count": return Number(kind: .integer, readsData: true)
            case _ where Self.realFunctions.contains(word): return Number(kind: .real, readsData: true)
            case "sum", "min", "max", "abs":
                let inner = number(arguments)
                return Number(kind: inner.kind, readsData: true)
            case "nullif", "coalesce", "ifnull":
                // nullif(x, 0) is x; coalesce(x, 0) is x or the fallback.
                let parts = split(arguments)
                let numbers = (word == "nullif" ? Array(parts.prefix(1)) : parts).map(number)
                let kind: Kind = numbers.isEmpty || numbers.contains { $0.kind == .unknown } ? .unknown
                    : numbers.allSatisfy { $0.kind == .integer } ? .integer : .real
                return Number(kind: kind, readsData: numbers.contains(where: \.readsData))
            default:
                return Number(kind: .unknown, readsData: true)
            }
        }

        /// CASE … END: integer when every THEN and ELSE gives an integer number.
        func caseResults(_ range: Range<Int>) -> Number {
            var kinds: [Kind] = []
            for index in range where ["then", "else"].contains(tokens[index].text.lowercased()) {
                let value = index + 1
                guard value < range.upperBound, let found = operand(at: value), found.upperBound < range.upperBound,
                    ["when", "else", "end"].contains(tokens[found.upperBound].text.lowercased())
                else { return Number(kind: .unknown, readsData: true) }
                kinds.append(single(found).kind)
            }
            let kind: Kind = kinds.isEmpty || kinds.contains(.unknown) ? .unknown : kinds.allSatisfy { $0 == .integer } ? .integer : .real
            return Number(kind: kind, readsData: true)
        }

        /// A call's arguments, split at the commas of its own level.
        func split(_ range: Range<Int>) -> [Range<Int>] {
            var parts: [Range<Int>] = []
            var depth = 0
            var start = range.lowerBound
            for index in range {
                switch tokens[index].text {
                case "(": depth += 1
                case ")": depth -= 1
                case "," where depth == 0:
                    parts.append(start ..< index)
                    start = index + 1
                default: break
                }
            }
            if start < range.upperBound { parts.append(start ..< range.upperBound) }
            return parts
        }

        /// The query's own text for the tokens in `range`.
        func source(_ range: Range<Int>, in sql: String) -> String {
            let characters = Array(sql)
            let last = tokens[range.upperBound - 1]
            return String(characters[tokens[range.lowerBound].start ..< last.start + last.text.count])
        }
    }
}
