import LLM
import Testing

@Suite("Which model, when none is asked for")
struct ModelChoiceTests {
    @Test("the first of the preference the server has, then a model that says it writes code or SQL, else none")
    func pick() {
        let order = ModelChoice.defaultPreference
        #expect(ModelChoice.pick(available: ["llama3:8b", "qwen2.5-coder:1.5b", "qwen2.5-coder:3b"], preference: order) == "qwen2.5-coder:3b")
        #expect(ModelChoice.pick(available: ["qwen2.5-coder:1.5b", "qwen2.5-coder:7b"], preference: order) == "qwen2.5-coder:7b")
        // "modelo" and "modelo:latest" are one model, as Ollama names them.
        #expect(ModelChoice.pick(available: ["sqlcoder:latest"], preference: ["sqlcoder"]) == "sqlcoder:latest")
        #expect(ModelChoice.pick(available: ["llama3:8b", "deepseek-coder:6.7b"], preference: order) == "deepseek-coder:6.7b")
        #expect(ModelChoice.pick(available: ["llama3:8b", "phi3:mini"], preference: order) == nil)
        #expect(ModelChoice.pick(available: [], preference: order) == nil)
    }
}
