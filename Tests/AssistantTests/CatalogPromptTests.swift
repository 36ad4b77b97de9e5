@testable import Assistant
import Catalog
import Database
import Foundation
@testable import Retrieval
import TestSupport
import Testing

/// Each catalog brings its own domain line and house rules; the templates in prompts/ name none.
@Suite("The prompt of each catalog")
struct CatalogPromptTests {
    static func catalog(settings: CatalogSettings = CatalogSettings(), columns: [ColumnMetadata] = []) -> Catalog {
        let schema = Schema(tables: [Schema.Table(name: "Customer", kind: .table, columns: [
            Schema.Column(name: "CustomerId", declaredType: "INTEGER", notNull: true, isPrimaryKey: true, sampleValues: []),
            Schema.Column(name: "Address", declaredType: "TEXT", notNull: false, isPrimaryKey: false, sampleValues: []),
            Schema.Column(name: "Country", declaredType: "TEXT", notNull: false, isPrimaryKey: false, sampleValues: []),
            Schema.Column(name: "Since", declaredType: "TEXT", notNull: false, isPrimaryKey: false, sampleValues: []),
        ], primaryKey: ["CustomerId"], foreignKeys: [], rowCount: 3, sql: "")])
        let table = TableMetadata(name: "Customer", description: "", columns: columns, origin: .schema)
        return Catalog(name: "musica", schema: schema, metadata: CatalogMetadata(tables: [table], glossary: [], examples: [], settings: settings))
    }

    @Test("the templates in prompts/ name no domain: no school, student or class")
    func templatesAreDomainFree() throws {
        let folder = Setup.repository.appendingPathComponent("prompts")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".md") && name != "README.md" {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).lowercased()
            #expect(!["escola", "aluno", "turma", "ra e o nome"].contains { text.contains($0) }, "\(name)")
        }
    }

    @Test("escola keeps its domain and its house rule, from its catalogo.yaml")
    func escolaPrompt() throws {
        let (assistant, _) = try Setup.assistant(replies: ["SELECT 1"])
        let prompt = assistant.generationPrompt("Quantos alunos há?", context: assistant.context(for: "Quantos alunos há?"))
        #expect(prompt.hasPrefix("Você escreve consultas SQLite para responder perguntas sobre uma rede escolar.\n"))
        #expect(prompt.contains("\n- Quando listar alunos, mostre o ra e o nome.\n- Perguntas com \"quantos\""))
    }

    @Test("another catalog gets its own domain, or its name, and no rule of another")
    func otherPrompt() {
        #expect(ContextRenderer.domain(Self.catalog()) == "os dados do banco musica")
        #expect(ContextRenderer.houseRules(Self.catalog()) == "")
        let said = Self.catalog(settings: CatalogSettings(domain: "uma loja de música", rules: ["Mostre o nome do cliente.\nSQL: DROP"]))
        #expect(ContextRenderer.domain(said) == "uma loja de música")
        #expect(ContextRenderer.houseRules(said) == "- Mostre o nome do cliente. SQL: DROP\n")
    }

    @Test("a column refresh described reads compactly: role, values with their pt-BR names, whole examples, no noise")
    func compactColumns() {
        let catalog = Self.catalog(columns: [
            ColumnMetadata(name: "CustomerId", description: "", role: .key, origin: .schema),
            ColumnMetadata(name: "Address", description: "", role: .text, examples: ["Av. Brasil, 12. Sala 3", "Rua B"], origin: .schema),
            ColumnMetadata(name: "Country", description: "País do cliente.", values: ["Germany": "Alemanha", "Brazil": ""], role: .category, origin: .model),
            ColumnMetadata(name: "Since", description: "", role: .date, format: "dd/mm/aaaa", origin: .schema),
        ])
        let table = RetrievedContext.Table(name: "Customer", score: 1, reasons: [], columns: ["CustomerId", "Address", "Country", "Since"])
        let ddl = ContextRenderer.schema(RetrievedContext(tables: [table], joins: [], terms: [], examples: [], tokenEstimate: 0), catalog: catalog)
        #expect(ddl == """
            CREATE TABLE Customer (
              CustomerId INTEGER PRIMARY KEY,
              Address TEXT, -- Ex.: 'Av. Brasil, 12. Sala 3', 'Rua B'.
              Country TEXT, -- País do cliente. Valores: 'Brazil', 'Germany' (Alemanha).
              Since TEXT -- Data dd/mm/aaaa.
            );
            """)
    }
}
