import Database
import Foundation

/// Names a model cannot write unquoted (`"Nota 2024"`, `"Data Matrícula"`, `"SinPatinhas 2025"`)
/// written unquoted anyway: `Nota 2024`, `Nota_2024`, `nota2024`, `DataMatricula`. Each becomes
/// the real name, quoted, before validation; left alone, the correction loop spends its tries on
/// the spelling and gives up.
///
/// Needs from the catalog: the schema's table and column names only.
enum SpacedNames {
    /// Real names that hold something other than ASCII letters, digits and `_`, by their folded
    /// form. Left out: a folded form two names share, or that a plain name also has (`municipio`
    /// beside `"Município"`), or that is only digits (a column `"2024"` beside the number 2024).
    static func index(_ schema: Schema) -> [String: String] {
        let all = schema.tables.flatMap { [$0.name] + $0.columns.map(\.name) }
        let plain = Set(all.filter(hasPlainSpelling).map(foldedName))
        var byFolded: [String: Set<String>] = [:]
        for name in all where !hasPlainSpelling(name) {
            byFolded[foldedName(name), default: []].insert(name)
        }
        return byFolded.filter { key, names in
            names.count == 1 && !key.isEmpty && !plain.contains(key) && !key.allSatisfy(\.isNumber)
        }.compactMapValues(\.first)
    }

    /// `sql` with each unquoted spelling of such a name replaced by the quoted name, and a note;
    /// nil when there is none.
    static func repaired(_ sql: String, schema: Schema) -> (sql: String, note: String)? {
        let names = index(schema)
        guard !names.isEmpty else { return nil }
        let longest = names.values.map { $0.split(whereSeparator: { !isWordCharacter($0) }).count }.max() ?? 1
        let (characters, words) = unquotedWords(sql)
        var replacements: [(range: Range<Int>, name: String)] = []
        var word = 0
        while word < words.count {
            // The longest run of words, joined by spaces only, that spells a name.
            let runs = (1...min(longest, words.count - word)).prefix { count in
                count == 1 || words[word + count - 1].joinedToPrevious
            }.reversed()
            guard let (count, real) = runs.lazy.compactMap({ count -> (count: Int, real: String)? in
                let text = String(characters[words[word].range.lowerBound..<words[word + count - 1].range.upperBound])
                return names[foldedName(text)].map { (count, $0) }
            }).first.map({ ($0.count, $0.real) }) else {
                word += 1
                continue
            }
            let range = words[word].range.lowerBound..<words[word + count - 1].range.upperBound
            // A word SQLite already reads as the name (`Região` unquoted) stays.
            let readsBare = real.allSatisfy(isWordCharacter) && !(real.first?.isNumber ?? true)
            if !(readsBare && String(characters[range]) == real) { replacements.append((range, real)) }
            word += count
        }
        guard !replacements.isEmpty else { return nil }
        var result = characters
        for replacement in replacements.reversed() {
            result.replaceSubrange(replacement.range, with: Array(sqlName(replacement.name)))
        }
        let said = Set(replacements.map { "\(String(characters[$0.range])) → \(sqlName($0.name))" })
        return (String(result), "nome escrito sem aspas: " + said.sorted().joined(separator: ", "))
    }

    /// The words of `sql` outside literals and quoted names, each with whether only spaces
    /// separate it from the word before (so the two can be one spaced name).
    static func unquotedWords(_ sql: String) -> (characters: [Character], words: [(range: Range<Int>, joinedToPrevious: Bool)]) {
        let characters = Array(sql)
        var words: [(range: Range<Int>, joinedToPrevious: Bool)] = []
        var joined = false
        var index = 0
        let closers: [Character: Character] = ["'": "'", "\"": "\"", "`": "`", "[": "]"]
        while index < characters.count {
            let character = characters[index]
            if let closer = closers[character] {
                index += 1
                while index < characters.count, characters[index] != closer { index += 1 }
                index += 1
                joined = false
            } else if isWordCharacter(character) {
                let start = index
                while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
                words.append((start..<index, joined))
                joined = true
            } else {
                if character != " " { joined = false }
                index += 1
            }
        }
        return (characters, words)
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
