import Catalog
import Render

/// `:tabelas`: one line per table or view, with its rows and what it holds.
public enum SchemaSummary {
    public static func render(_ catalog: Catalog, width: Int = 100) -> String {
        var grid = TextTable(columns: [
            .init("tabela"), .init("linhas", alignment: .right), .init("o que guarda", maxWidth: max(20, width - 40)),
        ])
        for table in catalog.schema.tables {
            let rows = table.kind == .view ? "visão" : BrazilianFormat.integer(table.rowCount ?? 0)
            let description = catalog.metadata.table(named: table.name)?.description ?? ""
            grid.append([table.name, rows, description.split(separator: "\n").first.map(String.init) ?? ""])
        }
        return grid.render() + "\nColunas e exemplos de valores: indaga schema"
    }
}
