import ArgumentParser
import Engine
import Foundation
import LLM
import Render

struct LLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "Confere o servidor do modelo: se responde, a versão, se o modelo está lá e uma ida e volta de 1 token.",
        discussion: """
            Com --chat, manda um texto ao modelo e mostra a resposta enquanto chega, com tokens e tempos.

            start, stop e status cuidam do motor local (um llama-server do llama.cpp, em INDAGA_ENGINE, com o modelo em \
            INDAGA_ENGINE_MODEL, ou instalados em ~/.local/share/indaga/motor), que o indaga também inicia sozinho quando \
            nenhum servidor do modelo responde.
            """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable { case start, stop, status }

    @Argument(help: ArgumentHelp("start, stop ou status do motor local; sem ação, confere o servidor do modelo.", valueName: "ação"))
    var action: Action?

    @Option(help: ArgumentHelp("Porta do motor local com start, se estiver livre (padrão: 8080; ocupada, outra).", valueName: "n"))
    var port = 8080

    func validate() throws {
        try OptionRange.check(port, 1...65_535, option: "--port")
    }

    @OptionGroup var llm: LLMOptions

    @OptionGroup var homeOption: HomeOption

    @Option(help: ArgumentHelp("Texto a mandar ao modelo depois da verificação.", valueName: "texto"))
    var chat: String?

    func run() throws {
        if let action {
            try manageEngine(action)
            return
        }
        let (endpoint, note) = try llm.resolve(choosingIn: homeOption.resolve().home)
        let client = llm.client(for: endpoint)
        print("Servidor: \(endpoint.baseURL) (API \(endpoint.api.rawValue))")
        if let version = try client.version(cancellation: nil) {
            print("  ✓ respondeu; versão \(version)")
        }
        let models = try client.models(cancellation: nil)
        print("  ✓ \(models.count == 1 ? "1 modelo disponível" : "\(models.count) modelos disponíveis")")
        print("Modelo: \(endpoint.model)")
        if let note { print("  ! \(note)") }
        if models.contains(where: { LLMEndpoint.sameModel($0, endpoint.model) }) {
            print("  ✓ disponível")
        } else if endpoint.api == .ollama {
            throw LLMError.modelNotFound(model: endpoint.model, available: models, endpoint: endpoint)
        } else {
            // llama.cpp's server lists its model by file path and answers to any name.
            print("  ! o servidor não lista este nome (lista: \(models.joined(separator: ", "))); testando assim mesmo")
        }

        let ping = try client.chat(
            ChatRequest(model: endpoint.model, messages: [ChatMessage(.user, "Responda apenas: ok")], options: GenerationOptions(maxTokens: 1)),
            cancellation: nil, onDelta: { _ in }
        )
        var line = "  ✓ ida e volta de 1 token em \(BrazilianFormat.duration(ping.wallTime))"
        if let load = ping.loadDuration, load > .milliseconds(100) {
            line += " (\(BrazilianFormat.duration(load)) para carregar o modelo)"
        }
        print(line)

        if let chat {
            print("Resposta (Ctrl-C interrompe):")
            let interrupt = InterruptCancellation()
            let reply = try client.chat(ChatRequest(model: endpoint.model, messages: [ChatMessage(.user, chat)]), cancellation: interrupt.flag) { delta in
                if case .content(let text) = delta {
                    // Flushed (all stdio streams: nil) so each piece shows as it arrives.
                    print(text, terminator: "")
                    fflush(nil)
                }
            }
            print()
            print(Self.summary(of: reply))
        } else {
            print("Tudo certo.")
        }
    }

    /// start, stop, status: the engine and where its files are.
    func manageEngine(_ action: Action) throws {
        let engine = LocalEngine.configured()
        switch action {
        case .start:
            standardError.write("Iniciando o motor local com \(engine.modelName)…\n")
            let running = try engine.start(preferredPort: port) { standardError.write($0 + "\n") }
            print("\(running.reused ? "O motor local já estava rodando" : "Motor local pronto") em http://127.0.0.1:\(running.port) "
                + "(pid \(running.pid)), modelo \(engine.modelName).")
            print("O indaga o usa sozinho quando nenhum servidor do modelo responde; para pedir: --llm-api openai --llm-url http://127.0.0.1:\(running.port)")
        case .stop:
            if let pid = engine.stop() {
                print("Motor local parado (pid \(pid)).")
            } else {
                print("O motor local não estava rodando.")
            }
        case .status:
            switch engine.state() {
            case .running(let pid, let port): print("Motor local: rodando em http://127.0.0.1:\(port) (pid \(pid)), modelo \(engine.modelName)")
            case .stopped: print("Motor local: parado")
            case .stale(let pid): print("Motor local: parado (o pid \(pid) anotado já não é ele; o próximo start limpa)")
            }
            let found = { (url: URL) in FileManager.default.fileExists(atPath: url.path) ? url.path : "\(url.path) (não encontrado)" }
            print("  servidor: \(found(engine.server))")
            print("  modelo: \(found(engine.model))")
            print("  registro: \(engine.logFile.path)")
        }
    }

    /// "32 tokens em 1,2 s (27,5 tokens/s); primeiro token em 180 ms; fim: stop".
    static func summary(of reply: ChatReply) -> String {
        var parts: [String] = []
        if let tokens = reply.completionTokens {
            var text = "\(tokens) tokens gerados"
            if let rate = reply.tokensPerSecond { text += " (\(BrazilianFormat.decimal(rate, fractionDigits: 1)) tokens/s)" }
            parts.append(text)
        }
        if let prompt = reply.promptTokens {
            parts.append("\(prompt) tokens de entrada" + (reply.cachedPromptTokens.map { " (\($0) do cache do servidor)" } ?? ""))
        }
        if let first = reply.timeToFirstToken { parts.append("primeiro token em \(BrazilianFormat.duration(first))") }
        parts.append("total \(BrazilianFormat.duration(reply.wallTime))")
        if let reason = reply.finishReason { parts.append("fim: \(reason)") }
        if !reply.thinking.isEmpty { parts.append("\(reply.thinking.count) caracteres de raciocínio à parte") }
        return parts.joined(separator: "; ")
    }
}
