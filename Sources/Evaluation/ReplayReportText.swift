import Foundation
import Render
import RuleBook
import SQLCheck

/// The replay as people read it: per database, how many queries and how many came out as in the
/// run; then every rule that acted, in the order a query meets them, and those that never did.
public enum ReplayReportText {
    public static func render(_ report: ReplayReport) -> String {
        var out = "Regras medidas de novo sobre as consultas de \(report.source), sem o modelo:\n"
        var databases = TextTable(columns: [
            .init("banco"), .init("consultas", alignment: .right), .init("iguais à rodada", alignment: .right),
            .init("certas com todas as regras", alignment: .right),
        ])
        for database in report.databases {
            databases.append([database.catalog, "\(database.queries)", "\(database.reproduced)", "\(database.right)"])
        }
        out += databases.render() + "\n"
        let catalogs = report.databases.map(\.catalog)
        var columns: [TextTable.Column] = [
            .init("regra"), .init("etapa"), .init("agiu", alignment: .right), .init("ajudou", alignment: .right), .init("atrapalhou", alignment: .right),
        ]
        columns += catalogs.map { TextTable.Column($0, alignment: .right) }
        var table = TextTable(columns: columns)
        var silent: [String] = []
        for rule in RuleRegistry.all {
            let total = report.total(rule.id)
            guard total.acted > 0 else {
                silent.append(rule.id)
                continue
            }
            var row = [rule.id, rule.stage.rawValue, "\(total.acted)", "\(total.helped)", "\(total.hurt)"]
            row += catalogs.map { catalog in
                guard let here = report.rules[rule.id]?[catalog], here.acted > 0 else { return "–" }
                return "\(here.acted) +\(here.helped) −\(here.hurt)"
            }
            table.append(row)
        }
        out += "\nRegras que agiram (por banco: agiu +ajudou −atrapalhou). Numa regra que reescreve, ajudou é certa com ela e "
            + "errada sem ela; numa olhada, ajudou é ver algo numa resposta errada e atrapalhou é ver algo numa certa:\n"
        out += table.render() + "\n"
        if !report.hurts.isEmpty {
            out += "\nOnde uma regra atrapalhou (\(report.hurts.count)):\n"
            for hurt in report.hurts {
                out += "- \(hurt.rule) · \(hurt.catalog) · \(hurt.question)\n  modelo: \(hurt.written)\n  rodou:  \(hurt.ran)\n"
            }
        }
        if !silent.isEmpty {
            out += "\nNão agiram em nenhuma consulta (\(silent.count)); as etapas de nova tentativa só agem com o modelo:\n"
                + silent.joined(separator: ", ") + "\n"
        }
        return out
    }
}
