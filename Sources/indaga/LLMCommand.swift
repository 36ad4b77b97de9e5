import ArgumentParser
import Foundation
import LLM
import Render

struct LLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "Confere o servidor do modelo: se responde, a versão, se o modelo está lá e uma ida e volta de 1 token.",
        discussion: "Com --chat, manda um texto ao modelo e mostra a resposta enquanto chega, com tokens e tempos."
    )

    @OptionGroup var llm: LLMOptions

    @OptionGroup var homeOption: HomeOption

    @Option(help: ArgumentHelp("Texto a mandar ao modelo depois da verificação.", valueName: "texto"))
    var chat: String?

    func run() throws {
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
