import SQLCheck

/// The rule directory in the docs (`docs/regras.md`), written from the registry and the book:
/// what each rule addresses, what it needs from the catalog, and the examples it is tested on.
/// `indaga eval --list-rules --format md` prints it; a test keeps the committed file equal to it.
public enum RuleDirectory {
    public static func markdown() -> String {
        var lines = [
            "# As regras do indaga",
            "",
            "Gerado de `Sources/RuleBook` por `indaga eval --list-rules --format md`; não edite à mão.",
            "Cada regra tem um id estável (o do relatório de `indaga eval` e de `--without`), diz o erro",
            "de modelo que trata e, quando precisa, o que o catálogo do banco tem de dar: sem isso ela não age.",
            "",
            "\(RuleRegistry.all.count) regras, na ordem em que uma consulta as encontra.",
        ]
        for stage in RuleDescription.Stage.allCases {
            let rules = RuleRegistry.all.filter { $0.stage == stage }
            guard !rules.isEmpty else { continue }
            lines += ["", "## \(heading(stage)) (\(rules.count))", "", "| regra | o erro que ela trata | precisa do catálogo |", "| --- | --- | --- |"]
            for rule in rules {
                let needs = (RuleBook.rewrite(rule.id)?.needs ?? RuleBook.check(rule.id)?.needs ?? []).map(\.rawValue).joined(separator: ", ")
                lines.append("| `\(rule.id)` | \(cell(rule.summary)) | \(needs.isEmpty ? "—" : needs) |")
            }
        }
        lines += ["", "## Exemplos dos ajustes e dos ajustes finais", "",
                  "Cada ajuste (e ajuste final) é testado nestes exemplos (`Tests/RuleBookTests`), em bancos pequenos de quatro convenções:",
                  "uma rede de escolas, uma loja de música, beisebol e voos."]
        for rewrite in RuleBook.rewrites + RuleBook.late {
            lines += ["", "### `\(rewrite.id)`", ""]
            for example in rewrite.examples {
                lines.append("- \(example.database.rawValue), \"\(example.question)\": `\(example.sql)`")
                lines.append(example.fixed.map { "  → `\($0)`" } ?? "  → fica como está")
            }
        }
        lines += ["", "## Exemplos das olhadas", "", "Cada olhada é testada nestes exemplos: a consulta roda no banco do exemplo, e a olhada vê a resposta."]
        for check in RuleBook.checks {
            lines += ["", "### `\(check.id)`", ""]
            for example in RuleBook.checkExamples[check.id] ?? [] {
                lines.append("- \(example.database.rawValue), \"\(example.question)\": `\(example.sql)`")
                lines.append(example.sees.map { "  → diz \"…\($0)…\"" } ?? "  → não diz nada")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func heading(_ stage: RuleDescription.Stage) -> String {
        switch stage {
        case .validation: return "Validação: recusa o que o SQLite rodaria errado"
        case .repair: return "Conserto: refaz uma consulta que falhou, sem perguntar ao modelo"
        case .fix: return "Ajuste: reescreve uma consulta válida antes de rodar"
        case .check: return "Olhada: pede outra tentativa quando a resposta parece responder outra coisa"
        case .late: return "Ajuste final: mexe na última consulta do modelo, depois do aviso"
        case .retry: return "Nova tentativa: muda como o modelo é perguntado de novo"
        }
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
