import Database
import Foundation

/// A join of two tables on several columns that a person wrote in `relacoes`:
/// `"scores_risco.aluno_id = matriculas.aluno_id AND scores_risco.ano_letivo = matriculas.ano_letivo: …"`.
/// Two tables that share a parent and a period column are not always of one grain (a player's
/// college years and his Hall of Fame vote share `yearID` and mean different years), so only a
/// person who knows the data can say they are; the rules hold a join to what was said.
public struct DeclaredRelation: Sendable, Equatable {
    public let first: String
    public let second: String
    /// Column of `first`, column of `second`, in the order written.
    public let pairs: [(first: String, second: String)]

    public static func == (lhs: DeclaredRelation, rhs: DeclaredRelation) -> Bool {
        lhs.first == rhs.first && lhs.second == rhs.second && lhs.pairs.elementsEqual(rhs.pairs) { $0 == $1 }
    }

    /// The relation a line of `relacoes` states; nil for a line in words, a single equality
    /// (foreign keys say those), or equalities between more than two tables.
    public init?(_ line: String) {
        // What follows ": " is the description.
        let statement = line.range(of: ": ").map { String(line[..<$0.lowerBound]) } ?? line
        let equalities = statement.components(separatedBy: " AND ")
        var pairs: [(String, String, String, String)] = []
        for equality in equalities {
            let sides = equality.components(separatedBy: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, let left = Self.qualified(sides[0]), let right = Self.qualified(sides[1]) else { return nil }
            pairs.append((left.table, left.column, right.table, right.column))
        }
        guard pairs.count >= 2, let head = pairs.first else { return nil }
        let (first, second) = (head.0, head.2)
        guard first.caseInsensitiveCompare(second) != .orderedSame else { return nil }
        var ordered: [(first: String, second: String)] = []
        for pair in pairs {
            if pair.0.caseInsensitiveCompare(first) == .orderedSame, pair.2.caseInsensitiveCompare(second) == .orderedSame {
                ordered.append((pair.1, pair.3))
            } else if pair.0.caseInsensitiveCompare(second) == .orderedSame, pair.2.caseInsensitiveCompare(first) == .orderedSame {
                ordered.append((pair.3, pair.1))
            } else {
                return nil
            }
        }
        self.first = first
        self.second = second
        self.pairs = ordered
    }

    /// `tabela.coluna`, either part bare or in double quotes.
    static func qualified(_ text: String) -> (table: String, column: String)? {
        guard let match = text.wholeMatch(of: /("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\.("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)/) else { return nil }
        return (SQLLexer.unquoted(String(match.1)), SQLLexer.unquoted(String(match.2)))
    }
}

extension CatalogMetadata {
    /// Every join of several columns the tables' `relacoes` declare.
    public var declaredRelations: [DeclaredRelation] {
        tables.flatMap { $0.relations.compactMap(DeclaredRelation.init) }
    }
}
