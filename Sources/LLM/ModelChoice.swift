/// Which model to use when none was asked for (no `--model`, no `INDAGA_MODEL`): the first of a
/// preference order that the server has, so that a machine with only a small coder model pulled
/// answers with it rather than failing with "não está baixado".
public enum ModelChoice {
    /// The built-in order: the recommended 7B first, then the others a laptop runs at a usable
    /// speed, the slowest last. `config/modelos.yaml` replaces it.
    public static let defaultPreference = [
        "qwen2.5-coder:7b", "qwen2.5-coder:14b", "qwen2.5-coder:3b", "qwen2.5-coder:1.5b", "qwen2.5-coder:32b", "qwen2.5-coder:0.5b",
    ]

    /// The first of `preference` among `available` (as the server names it), else the first
    /// available model whose name says it writes code or SQL, else nil.
    public static func pick(available: [String], preference: [String]) -> String? {
        for wanted in preference {
            if let found = available.first(where: { LLMEndpoint.sameModel($0, wanted) }) { return found }
        }
        return available.first { name in ["coder", "sql"].contains { name.lowercased().contains($0) } }
    }
}
