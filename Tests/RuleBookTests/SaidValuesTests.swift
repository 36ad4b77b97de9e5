import Catalog
import Database
import Foundation
import Retrieval
import RuleBook
import Testing

/// What the question says in other words than the schema's: glued spreadsheet headers, and
/// values a glossary term stands for, said in any inflection.
@Suite("o que a pergunta diz com outras palavras")
struct SaidValuesTests {
    @Test("a header of words glued together is said by those words, in the singular or not; one word alone is not a glued name")
    func gluedNames() {
        // A registry of animals, as its spreadsheet names the columns.
        #expect(PortugueseTerms.saysGlued("corpelagem", in: "quais as 3 cores de pelagem mais comuns nos gatos"))
        #expect(PortugueseTerms.saysGlued("datacadastro", in: "animais por data do cadastro"))
        // A school's export with the same habit.
        #expect(PortugueseTerms.saysGlued("AnoIngresso", in: "alunos por ano de ingresso"))
        #expect(!PortugueseTerms.saysGlued("corpelagem", in: "quantos gatos pretos há"))
        #expect(!PortugueseTerms.saysGlued("pelagem", in: "qual a pelagem mais comum"))
        #expect(!PortugueseTerms.saysGlued("tailnum", in: "quantos aviões voaram"))
    }

    /// The book's example catalog of `database`, with `glossary` as a person would write it.
    static func input(_ database: ExampleDatabase, glossary: String?, listed: TableMetadata? = nil, question: String, sql: String) throws -> RuleInput {
        let (_, catalog, values) = try ExampleDatabases.built[database]!.get()
        var metadata = catalog.metadata
        if let glossary { metadata.glossary = [try JSONDecoder().decode(GlossaryTerm.self, from: Data(glossary.utf8))] }
        if let listed {
            metadata = CatalogMetadata(tables: metadata.tables.filter { $0.name != listed.name } + [listed], glossary: metadata.glossary, examples: metadata.examples)
        }
        return RuleInput(sql: sql, reading: QuestionReading(question), context: RetrievedContext(), catalog: Catalog(name: catalog.name, schema: catalog.schema, metadata: metadata),
                         values: values)
    }

    @Test("a listed value a glossary term stands for is named when the question says the term, even in another inflection and outside the context")
    func valuesSaidByTerms() throws {
        let baseball = (question: "Quantos jogadores usam a mão esquerda?", sql: "SELECT count(*) FROM People WHERE bats = 'L'")
        let lefty = #"{"termo": "jogador da mão esquerda", "sinonimos": ["mão esquerda"], "sql": "People.bats = 'L'"}"#
        let bare = try Self.input(.beisebol, glossary: nil, question: baseball.question, sql: baseball.sql).unnamedLiterals(in: baseball.sql)
        #expect(bare == ["L"], "\(bare)")
        #expect(try Self.input(.beisebol, glossary: lefty, question: baseball.question, sql: baseball.sql).unnamedLiterals(in: baseball.sql).isEmpty)
        // In the school, the deliveries' status listed by a person, and a term said in other words.
        let school = (question: "Quantas vezes os alunos entregaram fora do prazo?", sql: "SELECT count(*) FROM entregas WHERE status = 'atrasada'")
        let late = #"{"termo": "entrega atrasada", "sinonimos": ["fora do prazo", "entregou atrasado"], "sql": "entregas.status = 'atrasada'"}"#
        let listed = TableMetadata(name: "entregas", description: "entregas", synonyms: [], columns: [
            ColumnMetadata(name: "status", description: "status", synonyms: [], values: ["entregue": "entregou no prazo", "atrasada": "entregou depois do prazo"]),
        ])
        #expect(try Self.input(.escola, glossary: nil, listed: listed, question: school.question, sql: school.sql).unnamedLiterals(in: school.sql) == ["atrasada"])
        #expect(try Self.input(.escola, glossary: late, listed: listed, question: school.question, sql: school.sql).unnamedLiterals(in: school.sql).isEmpty)
    }
}
