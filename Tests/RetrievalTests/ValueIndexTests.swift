import Catalog
import Database
import Foundation
import Retrieval
import TestSupport
import Testing

/// Values a question names, found in the bundled database however they are typed.
@Suite("Values named in a question")
struct ValueIndexTests {
    static let index: Result<ValueIndex, Error> = Result {
        let retriever = try Fixture.retriever.get()
        let connection = try Connection(path: Fixture.folder.path("escola.sqlite"), mode: .readOnly)
        return ValueIndex.build(connection: connection, schema: retriever.catalog.schema, metadata: retriever.catalog.metadata)
    }

    func links(_ question: String) throws -> [String] {
        try Self.index.get().links(in: question).map { "\($0.table).\($0.column)=\($0.value)" }
    }

    @Test("without accents or capitals, the exact stored value comes back")
    func accentsAndCase() throws {
        #expect(try links("lista dos alunos da turma 4A do colegio passo a passo em 2024")
            == ["escolas.nome=Colégio Passo a Passo", "turmas.codigo=4A"])
        #expect(try links("qtd de alunos classificados como agata em 2024") == ["avaliacoes_anuais.pedra=Ágata"])
        #expect(try links("qts turmas funcionam de manha") == ["turmas.turno=manhã"])
        #expect(try links("quantas provas de historia em 2023") == ["atividades.tipo=prova", "disciplinas.nome=História"])
        // A column says it better: nota_matematica, not the subject.
        #expect(try links("quantos alunos tiraram menos de 5 em matematica").isEmpty)
    }

    @Test("a value said in the plural: acessos, curtidas, materiais, atividades nao entregues")
    func plurals() throws {
        #expect(try links("total de acessos por escola") == ["interacoes.tipo=acesso"])
        #expect(try links("quantas curtidas e quantos materiais em 2024") == ["interacoes.tipo=curtida", "interacoes.tipo=material"])
        #expect(try links("alunos com atividades nao entregues") == ["entregas.status=nao_entregue"])
        // A plural that only looks like one names nothing.
        #expect(try links("quantos alunos tem cada turma").isEmpty)
        #expect(PortugueseTerms.singulars(of: "evasoes").contains("evasao") && PortugueseTerms.singulars(of: "materiais").contains("material"))
        #expect(PortugueseTerms.singulars(of: "2023s").isEmpty && PortugueseTerms.singulars(of: "mes").isEmpty)
    }

    @Test("a one-word name the metadata gives a value names it: meninas is 'F'; a table's name names nothing")
    func describedValues() throws {
        #expect(try links("quantos meninos e quantas meninas largaram a escola") == ["alunos.genero=F", "alunos.genero=M"])
        #expect(try links("quantas alunas entraram em 2023") == ["alunos.genero=F"])
        // "M: masculino (alunos, meninos)": "alunos" is the table, said of every student.
        #expect(try links("quantos alunos entraram em 2023").isEmpty)
    }

    @Test("several values of one column, named or by glossary terms, make a group; one value does not")
    func valueGroups() throws {
        let index = try Self.index.get()
        var options = Retriever.Options()
        options.values = index.links(in: "quantos meninos e quantas meninas evadiram")
        let genders = try Fixture.context("quantos meninos e quantas meninas evadiram", options: options)
        #expect(ValueGroup.named(in: genders) == [ValueGroup(table: "alunos", column: "genero", values: ["F", "M"])])
        // "concluíram", "transferidos" and "evadidos" are glossary terms, each `matriculas.situacao = '…'`.
        let statuses = try Fixture.context("em 2022, quantos alunos foram transferidos e quantos evadiram")
        #expect(ValueGroup.named(in: statuses).first { $0.column == "situacao" }.map { Set($0.values) } == ["transferida", "evadida"])
        options.values = index.links(in: "quantas turmas de manha em 2024")
        #expect(ValueGroup.named(in: try Fixture.context("quantas turmas de manha em 2024", options: options)).isEmpty)
    }

    @Test("one word that matches two stored values names one thing, not a group; two words naming two values do")
    func oneWordTwoValues() {
        // A registry of animals whose city is stored twice over ('Belém' and 'BELEM'): "em belem" is one city.
        let city = RetrievedContext(values: [
            ValueLink(table: "SinPatinhas 2025", column: "no_municipio", value: "Belém", spoken: "belem"),
            ValueLink(table: "SinPatinhas 2025", column: "no_municipio", value: "BELEM", spoken: "belem"),
        ])
        #expect(ValueGroup.named(in: city).isEmpty)
        // Flights from JFK and from LGA: two airports said, one row each.
        let airports = RetrievedContext(values: [
            ValueLink(table: "flights", column: "origin", value: "JFK", spoken: "jfk"),
            ValueLink(table: "flights", column: "origin", value: "LGA", spoken: "lga"),
        ])
        #expect(ValueGroup.named(in: airports) == [ValueGroup(table: "flights", column: "origin", values: ["JFK", "LGA"])])
    }

    @Test("the end of a school's name is enough; a tail many names share, or one common word, is not")
    func partialNames() throws {
        #expect(try links("frequencia da monteiro lobato em 2023") == ["escolas.nome=EMEF Monteiro Lobato"])
        #expect(try links("quantos alunos tem cada turma").isEmpty)
        #expect(try links("alunos do sexo M ou F").isEmpty)
    }

    @Test("the value and the reason reach the retrieved context")
    func context() throws {
        var options = Retriever.Options()
        options.values = try Self.index.get().links(in: "notas do 6A da EMEF Monteiro Lobato")
        let context = try Fixture.context("notas do 6A da EMEF Monteiro Lobato", options: options)
        #expect(context.values.map(\.value) == ["EMEF Monteiro Lobato", "6A"])
        let escolas = context.tables.first { $0.name == "escolas" }
        #expect(escolas?.reasons.contains("a pergunta cita o valor 'EMEF Monteiro Lobato' (coluna nome)") == true)
        #expect(context.tables.contains { $0.name == "turmas" && $0.columns.contains("codigo") })
    }

    @Test("every value of a code column is known, in a large table too; where a value is stored is found without accents")
    func storedValues() throws {
        let index = try Self.index.get()
        #expect(index.storedValues(of: "matriculas", column: "situacao").map(Set.init) == ["ativa", "concluida", "evadida", "transferida"])
        // interacoes has far more rows than the first read covers.
        #expect(index.storedValues(of: "interacoes", column: "tipo").map(Set.init)
            == ["acesso", "material", "curtida", "resposta", "comentario", "postagem"])
        // A date column, a number column and a column that is not there: nothing to check against.
        #expect(index.storedValues(of: "matriculas", column: "data_matricula") == nil)
        #expect(index.storedValues(of: "turmas", column: "fase") == nil)
        #expect(index.storedValues(of: "turmas", column: "cor") == nil)
        #expect(index.columns(storing: "agata").map { "\($0.table).\($0.column)=\($0.value)" } == ["avaliacoes_anuais.pedra=Ágata"])
        #expect(index.columns(storing: "F").map { "\($0.table).\($0.column)" } == ["alunos.genero"])
        #expect(index.columns(storing: "nada disso").isEmpty)
    }
}

/// Values named in a question on databases nobody described: the roles refresh found decide
/// which columns name rows.
@Suite("Values named in a question, by the columns' roles")
struct ValueRoleTests {
    static let folder = try! TemporaryFolder()

    /// Airlines named by their label column, and a spreadsheet whose income bands are long texts.
    /// Built once: tests run in parallel, and each writing the same file raced the others.
    static func index() throws -> ValueIndex {
        try built.get()
    }

    static let built: Result<ValueIndex, Error> = Result {
        let path = folder.path("valores.sqlite")
        let db = try Connection(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS airlines (carrier TEXT PRIMARY KEY, name TEXT);
            CREATE TABLE IF NOT EXISTS "Pescadores" ("UF" TEXT, "Faixa de Renda" TEXT);
            DELETE FROM airlines; DELETE FROM "Pescadores";
            INSERT INTO airlines VALUES ('UA', 'United Air Lines Inc.'), ('DL', 'Delta Air Lines Inc.'), ('AA', 'American Airlines Inc.'), ('PV', 'Primeiro Voo Linhas Aéreas');
            INSERT INTO "Pescadores" VALUES ('AP', 'Menor que R$1.045,00 por mês'), ('TO', 'De R$1.045,00 a R$2.000,00'), ('SP', 'Maior que R$2.000,00');
            CREATE TABLE IF NOT EXISTS People (playerID TEXT PRIMARY KEY, nameFirst TEXT, nameLast TEXT);
            DELETE FROM People;
            INSERT INTO People VALUES ('troutmi01', 'Mike', 'Trout'), ('gonzaad01', 'Adrián', 'González');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
            INSERT INTO People SELECT 'p' || i, 'Nome' || (i % 300), 'Sobrenome' || i FROM n;
            INSERT INTO People VALUES ('nomeal01', 'Al', 'Nome');
            """)
        var schema = try db.introspect()
        let roles: [String: ColumnRole] = ["carrier": .key, "name": .label, "UF": .category, "Faixa de Renda": .category,
                                           "playerID": .key, "nameFirst": .label, "nameLast": .text]
        for table in schema.tables.indices {
            for column in schema.tables[table].columns.indices {
                schema.tables[table].columns[column].role = roles[schema.tables[table].columns[column].name]
            }
        }
        let people = TableMetadata(name: "People", description: "Cada jogador.", columns: [
            ColumnMetadata(name: "nameFirst", description: "O primeiro nome do jogador.", origin: .model),
        ], origin: .model)
        return ValueIndex.build(connection: db, schema: schema, metadata: CatalogMetadata(tables: [people], glossary: [], examples: []))
    }

    func links(_ question: String, typed: String? = nil) throws -> [String] {
        try Self.index().links(in: question, typed: typed).map { "\($0.table).\($0.column)=\($0.value)" }
    }

    @Test("the first word of one name names it; the first word of a category's long text is an ordinary word")
    func firstWords() throws {
        #expect(try links("em qual mes a united teve mais voos cancelados") == ["airlines.name=United Air Lines Inc."])
        #expect(try links("ranking dos estados por numero de pescadores, do maior pro menor").isEmpty)
        // A first word the catalog describes things with ("o primeiro nome do jogador") describes.
        #expect(try links("qual o primeiro jogador a voar").isEmpty)
        // The whole band, said, still names it.
        #expect(try links("quantos pescadores ganham menor que R$1.045,00 por mês") == ["Pescadores.Faixa de Renda=Menor que R$1.045,00 por mês"])
    }

    @Test("a surname among thousands is still found, without its accent or capital; the key codes are not read as words")
    func manyTexts() throws {
        #expect(try links("quantas vezes o mike trout foi ao all star") == ["People.nameFirst=Mike", "People.nameLast=Trout"])
        #expect(try links("em que time jogou o gonzalez") == ["People.nameLast=González"])
        #expect(try links("quem é o troutmi01").isEmpty)
        // Among thousands of surnames, one that is a word the catalog describes with is that word.
        #expect(try links("qual o nome do jogador").isEmpty)
    }

    @Test("a code typed in capitals names its value; the same letters in lower case are a word")
    func codes() throws {
        #expect(try links("quantos pescadores no AP", typed: "quantos pescadores no AP") == ["Pescadores.UF=AP"])
        #expect(try links("quantos voos da UA", typed: "quantos voos da UA") == ["airlines.carrier=UA"])
    }
}
