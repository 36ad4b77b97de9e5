import ArgumentParser
import Foundation
import LLM

/// `--llm-url`, `--llm-api` and `--model`, shared by every command that talks to the model.
struct LLMOptions: ParsableArguments {
    @Option(name: .customLong("llm-url"), help: ArgumentHelp("Endereço do servidor do modelo (padrão: OLLAMA_HOST, ou http://127.0.0.1:11434).", valueName: "url"))
    var url: String?

    @Option(name: .customLong("llm-api"), help: ArgumentHelp("Protocolo do servidor: ollama ou openai (padrão: INDAGA_LLM_API, ou ollama).", valueName: "api"))
    var api: String?

    @Option(help: ArgumentHelp("Modelo (padrão: INDAGA_MODEL, ou \(LLMEndpoint.defaultModel)).", valueName: "nome"))
    var model: String?

    func resolve() throws -> LLMEndpoint {
        try LLMEndpoint.resolve(url: url, api: api, model: model, environment: ProcessInfo.processInfo.environment)
    }
}
