import ArgumentParser
import Catalog
import Database
import Foundation
import Render

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Mostra as tabelas do banco, com o número de linhas e as colunas de cada uma."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: ArgumentHelp("Formato da saída: text ou json.", valueName: "formato"))
    var format: Format = .text

    func run() throws {
        let workspace = workspaceOptions.resolve()
        let connection = try workspaceOptions.openDatabase(workspace)
        let schema = try connection.introspect()
        let metadata = try CatalogMetadata.load(from: workspace.metadataFolder)
        for warning in metadata.warnings(against: schema) {
            standardError.write("aviso: \(warning)\n")
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let document = SchemaDocument(database: workspace.databaseLabel, schema: schema, metadata: metadata)
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        case .text:
            print(SchemaText.render(schema, metadata: metadata, database: workspace.databaseLabel))
        }
    }
}

/// The JSON shape of `indaga schema --format json`: the introspected schema with the descriptions merged in.
private struct SchemaDocument: Encodable {
    let database: String
    let tables: [TableEntry]

    struct TableEntry: Encodable {
        let name: String
        let kind: String
        let rowCount: Int?
        let description: String?
        let primaryKey: [String]
        let foreignKeys: [Schema.ForeignKey]
        let columns: [ColumnEntry]
    }

    struct ColumnEntry: Encodable {
        let name: String
        let declaredType: String
        let notNull: Bool
        let isPrimaryKey: Bool
        let description: String?
        let values: [String: String]?
        let sampleValues: [String]
    }

    init(database: String, schema: Schema, metadata: CatalogMetadata) {
        self.database = database
        tables = schema.tables.map { table in
            let described = metadata.table(named: table.name)
            return TableEntry(
                name: table.name, kind: table.kind.rawValue, rowCount: table.rowCount, description: described?.description,
                primaryKey: table.primaryKey, foreignKeys: table.foreignKeys,
                columns: table.columns.map { column in
                    let entry = described?.column(named: column.name)
                    return ColumnEntry(
                        name: column.name, declaredType: column.declaredType, notNull: column.notNull, isPrimaryKey: column.isPrimaryKey,
                        description: entry?.description, values: entry.flatMap { $0.values.isEmpty ? nil : $0.values },
                        sampleValues: column.sampleValues)
                })
        }
    }
}

/// The schema as a manager reads it: a title per table and a grid of its columns.
enum SchemaText {
    static func render(_ schema: Schema, metadata: CatalogMetadata, database: String) -> String {
        let tables = schema.tables.filter { $0.kind == .table }
        let views = schema.tables.filter { $0.kind == .view }
        guard !schema.tables.isEmpty else {
            return "Banco: \(database)\nO banco não tem tabelas."
        }
        let totalRows = tables.reduce(0) { $0 + ($1.rowCount ?? 0) }
        var sections = [
            "Banco: \(database)\n"
                + "\(count(tables.count, "tabela", "tabelas")) e \(count(views.count, "visão", "visões")), "
                + "\(BrazilianFormat.integer(totalRows)) linhas"
        ]
        for table in schema.tables {
            let heading = table.kind == .view
                ? "\(table.name) (visão, calculada a cada consulta)"
                : "\(table.name) (\(count(table.rowCount ?? 0, "linha", "linhas")))"
            let described = metadata.table(named: table.name)
            var grid = TextTable(columns: [
                .init("coluna"), .init("tipo"), .init("chave", maxWidth: 30), .init("descrição", maxWidth: 70), .init("exemplos", maxWidth: 36),
            ])
            for column in table.columns {
                grid.append([
                    column.name, typeName(column), keyLabel(column, in: table),
                    described?.column(named: column.name)?.description ?? "", column.sampleValues.joined(separator: ", "),
                ])
            }
            let summary = described.map { "\n" + $0.description } ?? ""
            sections.append(heading + summary + "\n" + grid.render())
        }
        return sections.joined(separator: "\n\n")
    }

    private static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(BrazilianFormat.integer(value)) \(value == 1 ? singular : plural)"
    }

    private static func typeName(_ column: Schema.Column) -> String {
        if column.declaredType.isEmpty { return "—" }
        switch column.affinity {
        case .integer: return "inteiro"
        case .real: return "decimal"
        case .text: return "texto"
        case .blob: return "binário"
        case .numeric: return "número"
        }
    }

    private static func keyLabel(_ column: Schema.Column, in table: Schema.Table) -> String {
        var labels: [String] = []
        if column.isPrimaryKey { labels.append("PK") }
        for key in table.foreignKeys {
            if let position = key.columns.firstIndex(of: column.name) {
                let target = position < key.referencedColumns.count ? ".\(key.referencedColumns[position])" : ""
                labels.append("→ \(key.referencedTable)\(target)")
            }
        }
        return labels.joined(separator: " ")
    }
}
