import Catalog
import Database
import Foundation

/// A value of the database the question names: "colegio passo a passo" is
/// `escolas.nome = 'Colégio Passo a Passo'`, "agata" is `avaliacoes_anuais.pedra = 'Ágata'`.
public struct ValueLink: Sendable, Encodable, Equatable {
    public let table: String
    public let column: String
    /// As stored, with its case and accents: what the query must compare with.
    public let value: String
    /// The words of the question it was found in.
    public let spoken: String

    public init(table: String, column: String, value: String, spoken: String) {
        self.table = table
        self.column = column
        self.value = value
        self.spoken = spoken
    }
}

/// The text values of a database's columns that questions name — schools, classes, subjects,
/// shifts, student names — folded for matching, so a question typed without accents or
/// capitals still finds the exact value its query must use.
public struct ValueIndex: Sendable {
    struct Entry: Sendable {
        let table: String
        let column: String
        let value: String
        let words: [String]
        /// From the table's label column: a name or title, what a question calls a row by.
        var isLabel = false
    }

    let entries: [Entry]
    /// Entries by each of their significant words, to look up only the values a question could name.
    let byWord: [String: [Int]]
    /// Words of column names ("matematica" of nota_matematica): a question saying one more
    /// likely means the column than a row whose value is that word.
    let columnWords: Set<String>
    /// Words the catalog describes things with ("cidade", "nome"): the question describing, not
    /// naming, when it says one alone.
    let describingWords: Set<String>
    /// Every stored value of each column read in full ("table.column", folded to lower case):
    /// what a query's literal can be checked against.
    let stored: [String: [String]]
    /// The same values by their folded spelling, to find the columns that store a literal.
    let storing: [String: [(table: String, column: String, value: String)]]
    /// Codes in capitals ('SP', 'JFK', 'UA') by their spelling: too short to match as a word, a
    /// code the question writes in the same capitals still names the value.
    let byCode: [String: [Int]]
    /// How many values of several words start with each word: a first word only one name has
    /// ("united" of 'United Air Lines Inc.') names that value.
    let firstWords: [String: Int]

    /// Columns with more distinct values than this (codes, timestamps) are left out.
    public static let maxDistinct = 2_000
    /// Names and texts (the label column and the other text columns refresh found: surnames,
    /// cities, titles) are what a question calls a row by, and have many values: they are read
    /// up to this many values, and this many rows.
    static let textDistinct = 100_000
    static let textScan = 200_000
    /// Rows read per column of a large table: enough to see every value of a code column.
    static let scanLimit = 60_000
    /// A column of a larger table with this few values in its first rows is read to the end.
    static let codeLimit = 64
    public static let maxLinks = 6

    init(entries: [Entry], columnWords: Set<String> = [], describingWords: Set<String> = [], stored: [String: [String]] = [:]) {
        self.entries = entries
        self.columnWords = columnWords
        self.describingWords = describingWords
        self.stored = stored
        var storing: [String: [(table: String, column: String, value: String)]] = [:]
        // A value the metadata names by other words has an entry for each: it goes in once.
        var seen: Set<String> = []
        for entry in entries where stored[Self.key(entry.table, entry.column)] != nil
            && seen.insert(Self.key(entry.table, entry.column) + "=" + entry.value).inserted {
            storing[PortugueseTerms.fold(entry.value), default: []].append((entry.table, entry.column, entry.value))
        }
        self.storing = storing
        var byWord: [String: [Int]] = [:]
        var byCode: [String: [Int]] = [:]
        var firstWords: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            for word in Set(entry.words) where Self.isSignificant(word) { byWord[word, default: []].append(index) }
            if Self.isCapitalCode(entry.value) { byCode[entry.value, default: []].append(index) }
            if entry.words.count > 1, entry.isLabel { firstWords[entry.words[0], default: 0] += 1 }
        }
        self.byWord = byWord
        self.byCode = byCode
        self.firstWords = firstWords
    }

    /// Two to five capitals or digits, a letter among them: 'SP', 'JFK', 'B6'.
    static func isCapitalCode(_ text: String) -> Bool {
        (2...5).contains(text.count) && text.allSatisfy { ($0.isLetter && $0.isUppercase && $0.isASCII) || $0.isNumber } && text.contains(where: \.isLetter)
    }

    /// Reads the distinct text values of each table's text columns, skipping dates, numbers
    /// and columns with too many values; with `metadata`, the one-word names it gives a value
    /// ("F: feminino (alunas, meninas)") name that value too.
    public static func build(connection: any SQLDatabase, schema: Schema, metadata: CatalogMetadata? = nil) -> ValueIndex {
        var entries: [Entry] = []
        var stored: [String: [String]] = [:]
        // The words the catalog describes things with ("nome do jogador"): among thousands of
        // cities and surnames, a one-word value that is one of them ('Nome', Alaska) is the
        // question describing, not naming.
        let describing = metadata.map(describingWords) ?? []
        for table in schema.tables where table.kind == .table {
            for column in table.columns where isIndexed(column) {
                guard let sample = column.sampleValues.first, !looksLikeDateOrNumber(sample) else { continue }
                let (distinctLimit, scan) = [.label, .text].contains(column.role) ? (textDistinct, textScan) : (maxDistinct, scanLimit)
                let dialect = connection.dialect
                let name = quoteIdentifier(column.name)
                let isText = dialect.holds(.text, name, declaredType: column.declaredType) + " = 1"
                let value = dialect.asText(name, declaredType: column.declaredType)
                let source = (table.rowCount ?? 0) > scan
                    ? "(SELECT \(value) AS v FROM \(quoteIdentifier(table.name)) LIMIT \(scan)) AS scanned"
                    : "(SELECT \(value) AS v FROM \(quoteIdentifier(table.name))) AS scanned"
                let scannedIsText = dialect.holds(.text, "v", declaredType: column.declaredType) + " = 1"
                guard var rows = try? connection.query("SELECT DISTINCT v FROM \(source) WHERE \(scannedIsText) LIMIT \(distinctLimit + 1)"),
                    rows.count <= distinctLimit
                else { continue }
                if (table.rowCount ?? .max) <= scanLimit {
                    stored[Self.key(table.name, column.name)] = rows.compactMap { $0[0].text }
                } else if rows.count <= codeLimit, let all = try? connection.query(
                    "SELECT DISTINCT \(value) FROM \(quoteIdentifier(table.name)) WHERE \(isText) LIMIT \(codeLimit + 1)"),
                    all.count <= codeLimit
                {
                    // A code column of a large table ('acesso', 'nao_entregue'): one more scan, to the end, knows them all.
                    stored[Self.key(table.name, column.name)] = all.compactMap { $0[0].text }
                    rows = all  // a table sorted by the code ('AC', 'AM'…) shows few in its first rows
                }
                for row in rows {
                    guard let value = row[0].text, value.count <= 80 else { continue }
                    let words = PortugueseTerms.words(value)
                    guard !words.isEmpty, rows.count <= maxDistinct || words.count > 1 || !describing.contains(words[0]) else { continue }
                    entries.append(Entry(table: table.name, column: column.name, value: value, words: words, isLabel: column.role == .label))
                }
            }
        }
        // Stopwords among them would change nothing: a one-word value that is a stopword never matches.
        let columnWords = Set(schema.tables.flatMap { $0.columns.flatMap { PortugueseTerms.nameWords($0.name) } })
        if let metadata { entries += aliasEntries(metadata, stored: entries, columnWords: columnWords) }
        return ValueIndex(entries: entries, columnWords: columnWords, describingWords: describing, stored: stored)
    }

    /// The folded words of the catalog's descriptions and synonyms, of tables, columns and terms.
    static func describingWords(_ metadata: CatalogMetadata) -> Set<String> {
        var texts: [String] = []
        for table in metadata.tables {
            texts += [table.description] + table.synonyms
            for column in table.columns { texts += [column.description] + column.synonyms }
        }
        for term in metadata.glossary { texts += [term.term, term.description] + term.synonyms }
        return Set(texts.flatMap(PortugueseTerms.words))
    }

    /// The text columns whose values a question may name. Without a role from the catalog, any
    /// text column but the key; with one, the columns that name or classify a row, the key
    /// among them when it is a code ('JFK'), and never a date or a measure.
    static func isIndexed(_ column: Schema.Column) -> Bool {
        guard column.affinity == .text || column.role != nil else { return false }
        guard let role = column.role else { return !column.isPrimaryKey }
        return [.label, .category, .text, .identifier, .key, .reference].contains(role)
    }

    /// All the values `table.column` stores, when the index read the column in full (a text
    /// column of a table of at most `scanLimit` rows, with at most `maxDistinct` values); nil
    /// otherwise, and for columns it does not index.
    public func storedValues(of table: String, column: String) -> [String]? {
        stored[Self.key(table, column)]
    }

    /// The columns read in full that store `value`, compared without case or accents, with the
    /// value as each stores it.
    public func columns(storing value: String) -> [(table: String, column: String, value: String)] {
        storing[PortugueseTerms.fold(value)] ?? []
    }

    static func key(_ table: String, _ column: String) -> String {
        "\(table).\(column)".lowercased()
    }

    /// The one-word names the metadata gives a stored value, before or inside parentheses
    /// ("F: feminino (alunas, meninas)"): "quantas meninas" names 'F', which no word of 'F' says.
    /// A word that names a table or a column ("M: masculino (alunos, meninos)") is said of
    /// everything, and is left out.
    static func aliasEntries(_ metadata: CatalogMetadata, stored: [Entry], columnWords: Set<String>) -> [Entry] {
        let storedValues = Set(stored.map { "\($0.table).\($0.column)=\($0.value)" })
        var reserved = columnWords
        for table in metadata.tables {
            for word in ([table.name] + table.synonyms).flatMap(PortugueseTerms.words) {
                reserved.insert(word)
                reserved.formUnion(PortugueseTerms.singulars(of: word))
            }
        }
        var aliases: [Entry] = []
        for table in metadata.tables {
            for column in table.columns {
                for (value, description) in column.values.sorted(by: { $0.key < $1.key })
                where storedValues.contains("\(table.name).\(column.name)=\(value)") {
                    let phrases = description.split(whereSeparator: { "(),;".contains($0) }).map { PortugueseTerms.words(String($0)) }
                    for phrase in phrases where phrase.count == 1 {
                        let word = phrase[0]
                        guard word.count >= 4, word.allSatisfy(\.isLetter), !PortugueseTerms.stopwords.contains(word),
                            !reserved.contains(word), !PortugueseTerms.singulars(of: word).contains(where: reserved.contains),
                            word != PortugueseTerms.fold(value)
                        else { continue }
                        aliases.append(Entry(table: table.name, column: column.name, value: value, words: [word]))
                    }
                }
            }
        }
        return aliases
    }

    /// The values `question` names, longest match first, at most `maxLinks`.
    ///
    /// A value matches when all its words appear in a row in the question, or — for names of
    /// several words — when its last words do, two of them real words ("monteiro lobato" for
    /// "EMEF Monteiro Lobato"), and few values end that way. One-word values must be distinctive: four letters
    /// or more, or a code with a digit ("5B").
    /// - Parameter typed: the question as typed, where a code keeps its capitals ('SP'); the
    ///   question itself when nil.
    public func links(in question: String, typed: String? = nil) -> [ValueLink] {
        let spoken = PortugueseTerms.words(question)
        guard !spoken.isEmpty else { return [] }
        // A value is often said in the plural: "acessos" names 'acesso', "nao entregues" 'nao_entregue'.
        let forms = spoken.filter(Self.isSignificant).flatMap { [$0] + PortugueseTerms.singulars(of: $0) }
        let codes = (typed ?? question).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init).filter(Self.isCapitalCode)
        let coded = Set(codes.flatMap { byCode[$0] ?? [] })
        let candidates = Set(forms.flatMap { byWord[$0] ?? [] }).union(coded).sorted()
        var found: [(link: ValueLink, length: Int, full: Bool)] = []
        var partialBySpan: [String: Int] = [:]
        for index in candidates {
            let entry = entries[index]
            let words = entry.words
            if coded.contains(index) {
                found.append((ValueLink(table: entry.table, column: entry.column, value: entry.value, spoken: words.joined(separator: " ")), 1, true))
                continue
            }
            if words.count == 1 {
                guard Self.isDistinctive(words[0]), let said = spoken.first(where: { Self.names($0, words[0]) }),
                    !columnWords.contains(words[0])
                else { continue }
                found.append((ValueLink(table: entry.table, column: entry.column, value: entry.value, spoken: said), 1, true))
                continue
            }
            if Self.occurs(words, in: spoken) {
                found.append((ValueLink(table: entry.table, column: entry.column, value: entry.value, spoken: words.joined(separator: " ")), words.count, true))
                continue
            }
            // A first word no other name starts with, long and no common word: "United" names
            // 'United Air Lines Inc.'. Only in a column of names: the first word of a long category
            // text is an ordinary word ("do maior pro menor" is no 'Menor que R$1.045,00 por mês').
            let head = words[0]
            if entry.isLabel, firstWords[head] == 1, head.count >= 5, !PortugueseTerms.stopwords.contains(head), !columnWords.contains(head),
               !describingWords.contains(head),
               spoken.contains(head) {
                found.append((ValueLink(table: entry.table, column: entry.column, value: entry.value, spoken: head), 1, false))
                continue
            }
            // The longest tail of the name that the question says.
            for start in 1..<(words.count - 1) {
                let tail = Array(words[start...])
                // Two real words at least: "monteiro lobato", not "da turma".
                guard tail.count(where: { $0.count >= 3 && !PortugueseTerms.stopwords.contains($0) }) >= 2, Self.occurs(tail, in: spoken) else { continue }
                let span = tail.joined(separator: " ")
                found.append((ValueLink(table: entry.table, column: entry.column, value: entry.value, spoken: span), tail.count, false))
                partialBySpan[span, default: 0] += 1
                break
            }
        }
        // A tail many values share ("Pereira Lima") names none of them.
        found.removeAll { !$0.full && (partialBySpan[$0.link.spoken] ?? 0) > 2 }
        // A match inside a longer one ("passo" in "colegio passo a passo") is the longer one's.
        let spans = found.map(\.link.spoken)
        found.removeAll { item in spans.contains { $0 != item.link.spoken && $0.count > item.link.spoken.count && " \($0) ".contains(" \(item.link.spoken) ") } }
        found.sort { ($0.full ? 0 : 1, -$0.length, $0.link.table, $0.link.column, $0.link.value) < ($1.full ? 0 : 1, -$1.length, $1.link.table, $1.link.column, $1.link.value) }
        var seen: Set<String> = []
        return found.map(\.link).filter { seen.insert("\($0.table).\($0.column)=\($0.value)").inserted }.prefix(Self.maxLinks).map { $0 }
    }

    static func occurs(_ words: [String], in spoken: [String]) -> Bool {
        guard words.count <= spoken.count else { return false }
        return (0...(spoken.count - words.count)).contains { start in
            words.indices.allSatisfy { names(spoken[start + $0], words[$0]) }
        }
    }

    /// A word of the question names a word of a value: the same, or its plural.
    static func names(_ spoken: String, _ word: String) -> Bool {
        spoken == word || (spoken.count > word.count && PortugueseTerms.singulars(of: spoken).contains(word))
    }

    static func isSignificant(_ word: String) -> Bool {
        !PortugueseTerms.stopwords.contains(word) && (word.count >= 3 || isCode(word))
    }

    /// Safe to match alone: a longer word, or a code mixing digits and letters.
    static func isDistinctive(_ word: String) -> Bool {
        (word.count >= 4 && !PortugueseTerms.stopwords.contains(word)) || isCode(word)
    }

    static func isCode(_ word: String) -> Bool {
        word.contains(where: \.isNumber) && word.contains(where: \.isLetter)
    }

    static func looksLikeDateOrNumber(_ text: String) -> Bool {
        text.first?.isNumber == true && text.allSatisfy { $0.isNumber || "-:. /".contains($0) }
    }
}
