import CSQLite
import Foundation

/// How a table or column name is written in SQL: as it is when SQLite reads it so
/// (`alunos`, `playerID`), in double quotes otherwise (`"Nota 2024"`, `"Nº Turma"`, `"order"`).
/// Every writer of SQL or prompt text uses it, so the model copies names that run.
public func sqlName(_ name: String) -> String {
    isPlainIdentifier(name) ? name : quoteIdentifier(name)
}

/// A column of a table as SQL writes it, each part through `sqlName`: `alunos.nome`,
/// `"Notas 2024"."Nota 2024"`. The table may be an alias or a table's name.
public func qualifiedName(_ table: String, _ column: String) -> String {
    sqlName(table) + "." + sqlName(column)
}

/// ASCII letters, digits and `_`, not starting with a digit, and not an SQL keyword.
public func isPlainIdentifier(_ name: String) -> Bool {
    guard hasPlainSpelling(name), let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return sqlite3_keyword_check(name, Int32(name.utf8.count)) == 0
}

/// ASCII letters, digits and `_` only (and not empty): a name nobody misspells by spacing or accents.
public func hasPlainSpelling(_ name: String) -> Bool {
    !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
}

/// Lowercase with accents removed ("Evasão" → "evasao"): how values, names and questions are
/// compared everywhere, so a value found by retrieval is the one a rule looks for.
public func foldedText(_ text: String) -> String {
    // ASCII has no accents to take off and lowercases alone: most names and questions.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
        return String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }
    var scalars = String.UnicodeScalarView()
    for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
        scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
    }
    return String(scalars)
}

/// A name reduced to what a model keeps of it when it writes it unquoted: lowercase letters
/// and digits, accents, spaces, underscores and signs gone (`"Nota 2024"`, `Nota_2024`,
/// `nota2024` → `nota2024`; `"Data Matrícula"` → `datamatricula`).
public func foldedName(_ name: String) -> String {
    String(name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).unicodeScalars
        .filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.map(Character.init))
}

/// The words of a table or column name, lowercased, as a person would say them: split at
/// spaces, underscores and signs, at a lower-to-upper case change (`InvoiceLine` → invoice line,
/// `playerID` → player id, `HTTPServer` → http server) and where digits follow letters
/// (`censo2024` → censo 2024, `"Nota 2024"` → nota 2024). Accents stay (`"Nº Turma"` → nº turma).
public func nameParts(_ name: String) -> [String] {
    var parts: [String] = []
    var current: [Character] = []
    let characters = Array(name)
    func flush() {
        if !current.isEmpty { parts.append(String(current).lowercased()) }
        current.removeAll()
    }
    for (index, character) in characters.enumerated() {
        guard character.isLetter || character.isNumber else {
            flush()
            continue
        }
        if let previous = current.last {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let upperAfterLower = character.isUppercase && previous.isLowercase
            let wordAfterAcronym = character.isUppercase && previous.isUppercase && next?.isLowercase == true
            let digitsAfterLetters = character.isNumber && previous.isLetter
            if upperAfterLower || wordAfterAcronym || digitsAfterLetters { flush() }
        }
        current.append(character)
    }
    flush()
    return parts
}
