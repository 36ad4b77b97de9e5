import ArgumentParser
import Engine
import Foundation
import LLM
import Yams

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

    /// The endpoint, its model chosen from what the server has when none was asked for: with no
    /// `--model` and no `INDAGA_MODEL`, an Ollama that lacks the default model but has one of
    /// `config/modelos.yaml`'s gets that one, and `note` says so. When the server does not answer
    /// at all and none was named by `--llm-url` or `INDAGA_LLM_URL`, the local engine, if this
    /// machine has one, is started (or found running) and used. A model asked for stays as asked.
    func resolve(choosingIn home: URL, progress: (String) -> Void = { standardError.write($0 + "\n") }) throws -> (endpoint: LLMEndpoint, note: String?) {
        let endpoint = try resolve()
        let environment = ProcessInfo.processInfo.environment
        func said(_ variable: String) -> Bool { LLMEndpoint.setting(nil, variable, environment) != nil }
        guard model == nil, !said("INDAGA_MODEL") else { return (endpoint, nil) }
        // Quick: a server that is down is said later, where the question fails.
        let probe = endpoint.client(retry: .none, timeouts: .probe)
        guard let available = try? probe.models(cancellation: nil) else {
            let engine = LocalEngine.configured(environment: environment)
            guard url == nil, !said("INDAGA_LLM_URL"), engine.isInstalled else { return (endpoint, nil) }
            if case .running = engine.state() {} else {
                progress("nenhum servidor do modelo em \(endpoint.baseURL); iniciando o motor local com \(engine.modelName)…")
            }
            do {
                let running = try engine.start { progress($0) }
                return (engine.endpoint(port: running.port),
                        "o motor local (llama.cpp) com \(engine.modelName) em 127.0.0.1:\(running.port)\(running.reused ? "" : ", iniciado agora"); indaga llm stop o para")
            } catch {
                // What works without a model (verified examples, commands) still does.
                progress("aviso: \(error.localizedDescription)")
                return (endpoint, nil)
            }
        }
        guard endpoint.api == .ollama, !available.contains(where: { LLMEndpoint.sameModel($0, endpoint.model) }),
            let chosen = ModelChoice.pick(available: available, preference: try Self.preference(in: home))
        else { return (endpoint, nil) }
        let note = "o modelo padrão, \(endpoint.model), não está no servidor; usando \(chosen) (a ordem de preferência está em config/modelos.yaml)"
        return (LLMEndpoint(baseURL: endpoint.baseURL, api: endpoint.api, model: chosen, apiKey: endpoint.apiKey), note)
    }

    /// `preferencia` of `config/modelos.yaml`, or the built-in order when the file is not there.
    static func preference(in home: URL) throws -> [String] {
        let file = home.appendingPathComponent("config/modelos.yaml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return ModelChoice.defaultPreference }
        struct Preference: Decodable { let preferencia: [String] }
        guard let read = try? YAMLDecoder().decode(Preference.self, from: text), !read.preferencia.isEmpty else {
            throw CommandFailure(message: "\(file.path) não é uma lista de modelos; escreva 'preferencia:' e um modelo por linha, como '  - qwen2.5-coder:7b'")
        }
        return read.preferencia
    }

    /// The endpoint's client, with `--llm-timeout` as the deadline of each answer.
    func client(for endpoint: LLMEndpoint) -> ChatClient {
        var timeouts = LLMTimeouts()
        timeouts.total = .milliseconds(Int(OptionRange.clamped(timeout, Self.timeoutRange) * 1000))
        return endpoint.client(timeouts: timeouts)
    }
}
