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

    @Option(name: .customLong("llm-timeout"), help: ArgumentHelp("Tempo máximo de uma resposta do modelo, do pedido ao fim, em segundos (padrão: 300).", valueName: "s"))
    var timeout: Double = 300

    static let timeoutRange = 1...3_600.0

    func validate() throws {
        try OptionRange.check(timeout, Self.timeoutRange, option: "--llm-timeout")
    }

    func resolve() throws -> LLMEndpoint {
        try LLMEndpoint.resolve(url: url, api: api, model: model, environment: ProcessInfo.processInfo.environment)
    }

    /// The endpoint's client, with `--llm-timeout` as the deadline of each answer.
    func client(for endpoint: LLMEndpoint) -> ChatClient {
        var timeouts = LLMTimeouts()
        timeouts.total = .milliseconds(Int(OptionRange.clamped(timeout, Self.timeoutRange) * 1000))
        return endpoint.client(timeouts: timeouts)
    }
}
