import Catalog
import DemoDatabase
import Foundation
import MiniLM
@testable import Retrieval
import TestSupport
import Testing

/// The bundled database, the repository's metadata and committed store, and the real encoder.
enum Fixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = try! TemporaryFolder()
    static let retriever: Result<Retriever, Error> = Result {
        let database = try DemoDatabase.write(to: folder.path("escola.sqlite")).path
        return try Retriever.load(
            database: database, catalogName: "escola",
            metadataFolder: repository.appendingPathComponent("metadata/escola"),
            embeddingsFolder: repository.appendingPathComponent("embeddings/escola"))
    }
    static let encoder: Result<MiniLMEncoder, Error> = Result {
        try MiniLMEncoder(folder: repository.appendingPathComponent("models/all-MiniLM-L6-v2"))
    }

    static func context(_ question: String, options: Retriever.Options = Retriever.Options()) throws -> RetrievedContext {
        try retriever.get().retrieve(question: question, vector: encoder.get().encode(question), options: options)
    }
}

@Suite("Retrieval on the bundled catalog")
struct RetrievalTests {
    @Test("the manager's question gets the risk, class, student and enrolment tables, with reasons and joins")
    func riskQuestion() throws {
        let context = try Fixture.context("Quais alunos da turma 5B correm mais risco de evasão?")
        let names = Set(context.tables.map(\.name))
        #expect(names.isSuperset(of: ["scores_risco", "turmas", "alunos", "matriculas"]))
        #expect(context.tables.allSatisfy { !$0.reasons.isEmpty })
        #expect(context.terms.map(\.term).contains("risco de evasão"))
        // "evasão" is said only inside "risco de evasão": the risk is asked, not the dropouts.
        #expect(!context.terms.contains { $0.term == "evasão" && $0.spoken != nil })
        // The joins connect every chosen table.
        var reached: Set<String> = [context.tables[0].name]
        var changed = true
        while changed {
            changed = false
            for step in context.joins.flatMap(\.steps) {
                let tables = Set(step.split(whereSeparator: { " =".contains($0) }).compactMap { $0.split(separator: ".").first.map(String.init) })
                if !tables.isDisjoint(with: reached), !tables.isSubset(of: reached) {
                    reached.formUnion(tables)
                    changed = true
                }
            }
        }
        #expect(reached.isSuperset(of: names))
        #expect(context.examples.count >= 2)
        #expect(context.tokenEstimate <= Retriever.Options().tokenBudget)
    }

    @Test("every example shown reads only tables the context shows: one that needs another table answers another question")
    func examplesFitTheContext() throws {
        for question in ["escolas em ordem de evasão em 2022, da que mais perdeu aluno pra que menos perdeu",
                         "qts alunos melhoraram o inde todo ano de 2022 ate 2024", "Quais alunos da turma 5B correm mais risco de evasão?"] {
            let context = try Fixture.context(question)
            let shown = Set(context.tables.map(\.name))
            for example in context.examples {
                #expect(Retriever.tables(in: example.sql).isSubset(of: shown), "\(question): \(example.question)")
            }
        }
        // The one that reads avaliacoes_anuais, a table this question does not need, stays out.
        let evasion = try Fixture.context("escolas em ordem de evasão em 2022, da que mais perdeu aluno pra que menos perdeu")
        #expect(evasion.examples.first?.question == "Quantas evasões houve em cada escola em 2024?")
        #expect(!evasion.examples.contains { $0.sql.contains("avaliacoes_anuais") })
    }

    @Test("two tables of one student and one year get their direct join by both keys, kept for advice; one shared parent alone gets none")
    func sameGrainJoins() throws {
        let context = try Fixture.context("inde medio dos alunos da manha comparado com os da tarde em 2022")
        #expect(context.sameGrainJoins == ["avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo"])
        // The prompt's joins are the foreign keys.
        #expect(context.joins.flatMap(\.steps).allSatisfy { !$0.contains(" AND ") })
        let retriever = try Fixture.retriever.get()
        // Student and class: an interaction meets the enrolment of its class.
        #expect(retriever.sameGrainJoins(among: ["interacoes", "matriculas"]) == ["interacoes.aluno_id = matriculas.aluno_id AND interacoes.turma_id = matriculas.turma_id"])
        // The student alone, a month against a year, or a table and its parent: no direct join.
        #expect(retriever.sameGrainJoins(among: ["entregas", "matriculas", "frequencia_mensal", "turmas", "alunos"]).isEmpty)
        #expect(retriever.sameGrainJoins(among: ["avaliacoes_anuais", "scores_risco"]) == ["avaliacoes_anuais.aluno_id = scores_risco.aluno_id AND avaliacoes_anuais.ano_letivo = scores_risco.ano_letivo"])
    }

    @Test("a column the question names by a word of its name is shown, in a table of many columns")
    func namedColumn() throws {
        let context = try Fixture.context("qntos alunos tiraram menos de 5 em matematica em 2023?")
        let grades = try #require(context.tables.first { $0.name == "avaliacoes_anuais" })
        #expect(grades.columns.contains("nota_matematica") && !grades.columns.contains("nota_ingles"))
    }

    @Test("a synonym a manager uses finds its table", arguments: [
        ("Quais alunos sumiram em 2023?", "matriculas"),
        ("Qual a assiduidade da turma 3A?", "frequencia_mensal"),
        ("Quantos estudantes acessaram a plataforma em maio?", "interacoes"),
        ("Quem entregou tarefa atrasada em matemática?", "entregas"),
        ("Qual a pedra dos alunos da escola Monteiro Lobato?", "avaliacoes_anuais"),
    ])
    func synonyms(question: String, table: String) throws {
        #expect(try Fixture.context(question).tables.map(\.name).contains(table))
    }

    @Test("leave-one-out over the verified examples: at least 95% get all their tables")
    func leaveOneOutRecall() throws {
        let retriever = try Fixture.retriever.get()
        let names = Set(retriever.catalog.schema.tables.map(\.name))
        var covered = 0
        for example in retriever.catalog.metadata.examples {
            var options = Retriever.Options()
            options.excludedQuestion = example.question
            let context = try Fixture.context(example.question, options: options)
            #expect(!context.examples.contains { $0.question == example.question })
            if Retriever.tables(in: example.sql).intersection(names).isSubset(of: context.tables.map(\.name)) { covered += 1 }
        }
        #expect(Double(covered) / Double(retriever.catalog.metadata.examples.count) >= 0.95)
    }

    @Test("a store that does not match the metadata asks for a refresh")
    func staleStore() throws {
        let retriever = try Fixture.retriever.get()
        let store = EmbeddingStore(encoder: "sentence-transformers/all-MiniLM-L6-v2", dimension: 384,
                                   documents: [("tabela:escolas", "outro-hash")], vectors: [Float](repeating: 0, count: 384))
        let error = #expect(throws: RetrievalError.self) { try Retriever(catalog: retriever.catalog, store: store) }
        #expect(error?.errorDescription?.contains("rode indaga refresh") == true)
    }
}

@Suite("Portuguese terms for the lexical index")
struct PortugueseTermsTests {
    @Test("accents, case, plurals and verb forms meet at one stem", arguments: [
        ["evasão", "evasões", "Evasao"], ["aluno", "alunos", "ALUNOS"], ["evadiram", "evadiu", "evadida"],
        ["matrícula", "matriculas"], ["frequência", "frequencias"],
    ])
    func sameStem(words: [String]) {
        let stems = Set(words.map { PortugueseTerms.terms($0) })
        #expect(stems.count == 1, "\(words) → \(stems)")
    }

    @Test("identifiers are split and kept whole; stopwords go")
    func identifiers() {
        #expect(PortugueseTerms.terms("nota_matematica") == ["not", "matematic", "nota_matematica"])
        #expect(PortugueseTerms.terms("Quais são os alunos da turma") == ["alun", "turm"])
        #expect(PortugueseTerms.terms("ano de 2023") == ["ano", "2023"])
    }

    @Test("a phrase is said by its stems in a row, or word for word when one common word is all its stems keep")
    func phrases() {
        func says(_ phrase: String, _ question: String) -> Bool {
            PortugueseTerms.says(phrase, questionTerms: " " + PortugueseTerms.terms(question).joined(separator: " ") + " ",
                                 questionWords: " " + PortugueseTerms.words(question).joined(separator: " ") + " ")
        }
        #expect(says("largou a escola", "quantos largaram a escola em 2023"))
        #expect(says("este ano", "quantos alunos estudam este ano"))
        #expect(!says("este ano", "no ano letivo de 2023"))
        #expect(says("novato", "qts alunos novatos de 2024"))
    }
}

@Suite("Glossary terms a question says")
struct SaidTermsTests {
    @Test("a name said inside a longer name of another term is that term's; a term fixing another year than the question's is not shown")
    func overlapAndYear() throws {
        let context = try Fixture.context("dos nascidos em 2010, qts largaram os estudos no ano letivo de 2023")
        #expect(context.terms.map(\.term) == ["evasão"])
        #expect(context.terms.first?.spoken == "largou os estudos")
        // Said in so many words, the current year's term stays.
        #expect(try Fixture.context("quantos alunos estudam este ano").terms.contains { $0.term == "ano em andamento" && $0.spoken == "este ano" })
    }
}
