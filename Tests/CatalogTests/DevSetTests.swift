import Catalog
import Database
import Foundation
import MiniLM
import Testing
import Yams

/// One question of eval/dev.yaml, with its reference SQL.
struct DevQuestion: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let difficulty: String
    let question: String
    let goldSQL: String
    /// Other accepted answers: one query or a list of them in the file.
    let altSQL: [String]
    let orderMatters: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, difficulty, question
        case goldSQL = "gold_sql"
        case altSQL = "alt_sql"
        case orderMatters = "order_matters"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        difficulty = try container.decode(String.self, forKey: .difficulty)
        question = try container.decode(String.self, forKey: .question)
        goldSQL = try container.decode(String.self, forKey: .goldSQL)
        if let list = try? container.decodeIfPresent([String].self, forKey: .altSQL) {
            altSQL = list
        } else {
            altSQL = try container.decodeIfPresent(String.self, forKey: .altSQL).map { [$0] } ?? []
        }
        orderMatters = try container.decodeIfPresent(Bool.self, forKey: .orderMatters) ?? false
    }

    /// The gold query and the accepted alternatives, labelled for messages.
    var queries: [(label: String, sql: String)] {
        [("gold_sql", goldSQL)] + altSQL.enumerated().map { (altSQL.count == 1 ? "alt_sql" : "alt_sql \($0.offset + 1)", $0.element) }
    }

    var testDescription: String { id }
}

/// The public dev set, read once per test process.
enum DevSet {
    static let file = Bundled.metadataFolder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("eval/dev.yaml")
    static let modelFolder = Bundled.metadataFolder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/all-MiniLM-L6-v2")
    static let difficulties: Set<String> = ["easy", "medium", "hard"]
    /// Empty until `indaga scores` runs, so a question over them has no answer to compare.
    static let forbiddenTables = ["scores_risco", "scores_engajamento", "modelos"]

    private struct File: Decodable { let questions: [DevQuestion] }

    static let text: Result<String, Error> = Result { try String(contentsOf: file, encoding: .utf8) }
    static let loaded: Result<[DevQuestion], Error> = Result { try YAMLDecoder().decode(File.self, from: text.get()).questions }

    /// The questions, or none when the file does not load (the shape test reports why).
    static var questions: [DevQuestion] { (try? loaded.get()) ?? [] }

    /// Lowercased, without accents, spaces collapsed and final punctuation dropped.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "pt_BR"))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: "?!. "))
    }

    /// What every question file must be: at least `minimum` questions and 12 of each difficulty,
    /// unique ids, no empty question, and only the keys the evaluator reads (a misspelt
    /// `order_mater` would be silently ignored).
    static func expectShape(_ questions: [DevQuestion], text: String, minimum: Int) throws {
        #expect(questions.count >= minimum, "só \(questions.count) perguntas; o mínimo é \(minimum)")
        let ids = questions.map(\.id)
        let repeated = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "ids repetidos: \(repeated.joined(separator: ", "))")
        for question in questions {
            #expect(difficulties.contains(question.difficulty),
                    "\(question.id): dificuldade '\(question.difficulty)' desconhecida (use easy, medium ou hard)")
            #expect(!question.question.trimmingCharacters(in: .whitespaces).isEmpty, "\(question.id): pergunta vazia")
        }
        for difficulty in difficulties.sorted() {
            let count = questions.filter { $0.difficulty == difficulty }.count
            #expect(count >= 12, "só \(count) perguntas '\(difficulty)'; o mínimo é 12")
        }
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let entries = try #require(root["questions"] as? [[String: Any]], "falta a lista 'questions'")
        let known = Set(DevQuestion.CodingKeys.allCases.map(\.rawValue))
        for (index, entry) in entries.enumerated() {
            let unknown = Set(entry.keys).subtracting(known).sorted()
            let name = entry["id"].map { "\($0)" } ?? "nº \(index + 1)"
            #expect(unknown.isEmpty, "pergunta \(name): chaves desconhecidas \(unknown)")
        }
        let unknownTop = Set(root.keys).subtracting(["questions", "database"]).sorted()
        #expect(unknownTop.isEmpty, "chaves desconhecidas no arquivo: \(unknownTop)")
    }

    /// Breaks the ORDER BY's ties both ways (by every column ascending, then descending):
    /// if the answer changes, a LIMIT cuts through a tie, or the order asked for is not one.
    static func expectNoTies(question: DevQuestion, label: String, sql: String, columns: Int, in db: Connection) throws {
        guard let parts = orderedParts(of: sql), !parts.limit.isEmpty || question.orderMatters, columns > 0 else { return }
        func rows(_ direction: String) throws -> [[DatabaseValue]] {
            let tieBreak = (1...columns).map { ", \($0) \(direction)" }.joined()
            return try db.prepare(parts.ordered + tieBreak + parts.limit).all().map(\.values)
        }
        var ascending = try rows("ASC"), descending = try rows("DESC")
        if !question.orderMatters {
            ascending.sort { "\($0)" < "\($1)" }
            descending.sort { "\($0)" < "\($1)" }
        }
        #expect(ascending == descending,
                "\(question.id): \(label) depende de empates na ordenação (\(parts.limit.isEmpty ? "a ordem pedida" : "o corte do LIMIT") muda conforme o desempate)")
    }

    /// Runs every query of `question` on `db` and checks what any gold answer must be: it
    /// compiles, only reads, returns 1 to 200 rows that are not a lone NULL or a lone 0, and no
    /// tie decides what a LIMIT keeps or the order asked for.
    static func expectGoldAnswers(_ question: DevQuestion, in db: Connection) throws {
        for (label, sql) in question.queries {
            let statement: Statement
            do {
                statement = try db.prepare(sql)
            } catch {
                Issue.record("\(question.id): \(label) não compila: \(error)")
                continue
            }
            #expect(statement.isReadOnly, "\(question.id): \(label) não é só leitura")
            let rows = try statement.all()
            #expect(!rows.isEmpty, "\(question.id): \(label) não devolve nenhuma linha")
            #expect(rows.count <= 200, "\(question.id): \(label) devolve \(rows.count) linhas; o máximo é 200")
            if rows.count == 1 {
                #expect(rows[0].values.contains { !$0.isNull }, "\(question.id): \(label) devolve só NULL")
                // A lone zero is what many wrong queries return too: it tells them from right ones poorly.
                #expect(rows[0].values != [.integer(0)], "\(question.id): \(label) devolve só 0")
            }
            try expectNoTies(question: question, label: label, sql: sql, columns: rows.first?.count ?? 0, in: db)
        }
        if question.orderMatters {
            #expect(orderedParts(of: question.goldSQL) != nil, "\(question.id): order_matters, mas o gold_sql não tem ORDER BY no nível de fora")
        }
    }

    /// The query cut after its last top-level ORDER BY terms, and its trailing LIMIT clause ("" when none).
    ///
    /// nil when the outermost query has no ORDER BY. A lexical look: enough for the gold
    /// queries, whose string literals hold no parentheses.
    static func orderedParts(of sql: String) -> (ordered: String, limit: String)? {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let orderBy = trimmed.ranges(of: #/(?i)\border\s+by\b/#).last else { return nil }
        var depth = 0
        for character in trimmed[orderBy.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth < 0 { return nil }  // the ORDER BY sits inside a subquery
        }
        if let limit = trimmed.firstMatch(of: #/(?i)\s+limit\s+\d+$/#), limit.range.lowerBound > orderBy.upperBound {
            return (String(trimmed[..<limit.range.lowerBound]), String(trimmed[limit.range]))
        }
        return (trimmed, "")
    }
}

@Suite("eval/dev.yaml: the public dev set")
struct DevSetTests {
    @Test("the file parses, has enough questions of each difficulty, unique ids, known keys and no score tables")
    func shape() throws {
        let questions = try DevSet.loaded.get()
        try DevSet.expectShape(questions, text: DevSet.text.get(), minimum: 60)

        let forbidden = try Regex("(?i)\\b(" + DevSet.forbiddenTables.joined(separator: "|") + ")\\b")
        for question in questions {
            for query in question.queries {
                let found = query.sql.firstMatch(of: forbidden).map { String($0.output[0].substring ?? "") }
                #expect(found == nil, "\(question.id): \(query.label) usa a tabela \(found ?? ""), que fica vazia até `indaga scores`")
            }
        }
    }

    @Test("the gold queries read every table and the view, except the score tables")
    func coverage() throws {
        let schema = try Bundled.open().introspect(samplesPerColumn: 0)
        let expected = Set(schema.tables.map(\.name)).subtracting(DevSet.forbiddenTables)
        let covered = try DevSet.loaded.get().reduce(into: Set<String>()) { $0.formUnion(Bundled.tables(in: $1.goldSQL)) }
        #expect(expected.subtracting(covered).isEmpty,
                "nenhuma pergunta usa: \(expected.subtracting(covered).sorted().joined(separator: ", "))")
    }

    @Test("every gold and alternative query runs read-only and answers", arguments: DevSet.questions)
    func goldRuns(question: DevQuestion) throws {
        try DevSet.expectGoldAnswers(question, in: try Bundled.open())
    }

    @Test("no dev question is within cosine 0.90 of a verified example (real MiniLM)")
    func farFromExamples() throws {
        let questions = try DevSet.loaded.get()
        let examples = try CatalogMetadata.load(from: Bundled.metadataFolder).examples
        #expect(!examples.isEmpty)
        let encoder: MiniLMEncoder
        do {
            encoder = try MiniLMEncoder(folder: DevSet.modelFolder)
        } catch {
            Issue.record("não foi possível carregar o MiniLM de \(DevSet.modelFolder.path) (rode scripts/setup.sh): \(error)")
            return
        }
        let exampleVectors = encoder.embed(examples.map(\.question))
        let questionVectors = encoder.embed(questions.map(\.question))
        var highest = (similarity: -1.0, question: "", example: "")
        for (question, vector) in zip(questions, questionVectors) {
            for (example, exampleVector) in zip(examples, exampleVectors) {
                let similarity = cosineSimilarity(vector, exampleVector)
                if similarity > highest.similarity { highest = (similarity, question.id, example.question) }
                #expect(similarity < 0.90,
                        "\(question.id) \"\(question.question)\" está perto demais (cosseno \(String(format: "%.3f", similarity))) do exemplo \"\(example.question)\"")
            }
        }
        // A broken encoder (zero vectors, NaN) would pass the check above vacuously.
        #expect(highest.similarity > 0.5, "a maior similaridade foi \(highest.similarity): o codificador parece quebrado")
    }

    @Test("no dev question repeats a verified example's text (ignoring case and accents)")
    func notAnExample() throws {
        let examples = try CatalogMetadata.load(from: Bundled.metadataFolder).examples
        let folded = Dictionary(examples.map { (DevSet.fold($0.question), $0.question) }, uniquingKeysWith: { first, _ in first })
        for question in try DevSet.loaded.get() {
            let match = folded[DevSet.fold(question.question)]
            #expect(match == nil, "\(question.id) repete o exemplo verificado \"\(match ?? "")\"")
        }
        #expect(DevSet.fold("  Qual a MÉDIA  do INDE? ") == DevSet.fold("qual a media do inde"))
    }
}

private func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, normA = 0.0, normB = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        normA += Double(x) * Double(x)
        normB += Double(y) * Double(y)
    }
    guard normA > 0, normB > 0 else { return 0 }
    return dot / (normA.squareRoot() * normB.squareRoot())
}
