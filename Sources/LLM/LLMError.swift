import Foundation

/// Why a conversation with the model failed, in words a manager can act on.
public enum LLMError: Error, Sendable, Equatable {
    case unreachable(LLMEndpoint, detail: String)
    case invalidURL(String)
    case unknownAPI(String)
    case timedOut(LLMEndpoint, phase: HTTPError.TimeoutPhase)
    case cancelled
    case modelNotFound(model: String, available: [String], endpoint: LLMEndpoint)
    /// The server answered with an error status (or an error line inside a stream).
    case server(status: Int, message: String, endpoint: LLMEndpoint)
    /// The answer stopped before the server said it was done (crash, restart, dropped connection).
    case interrupted(LLMEndpoint, partial: String)
    /// Something came back that is not the protocol.
    case invalidResponse(String)
    /// The reply passed the byte cap (a server that never stops sending).
    case replyTooLarge(limit: Int)

    /// Maps transport errors to the user's terms; other errors pass through.
    static func from(_ error: Error, endpoint: LLMEndpoint) -> Error {
        guard let http = error as? HTTPError else { return error }
        switch http {
        case .invalidURL(let url): return LLMError.invalidURL(url)
        case .cannotConnect(_, let detail), .transport(_, _, let detail): return LLMError.unreachable(endpoint, detail: detail)
        case .timedOut(_, let phase): return LLMError.timedOut(endpoint, phase: phase)
        case .cancelled: return LLMError.cancelled
        case .interrupted: return LLMError.interrupted(endpoint, partial: "")
        case .tooLarge(_, let limit): return LLMError.replyTooLarge(limit: limit)
        }
    }
}

extension LLMError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .unreachable(let endpoint, _):
            return endpoint.api == .ollama
                ? "Não consegui falar com o Ollama em \(endpoint.baseURL). Ele está rodando? (ollama serve)"
                : "Não consegui falar com o servidor de LLM em \(endpoint.baseURL). Ele está rodando?"
        case .invalidURL(let url):
            return "o endereço do servidor de LLM '\(url)' não é uma URL válida; use algo como http://127.0.0.1:11434"
        case .unknownAPI(let name):
            return "a API de LLM '\(name)' não existe; use ollama ou openai (em --llm-api ou INDAGA_LLM_API)"
        case .timedOut(let endpoint, let phase):
            switch phase {
            case .connect: return "o servidor de LLM em \(endpoint.baseURL) não aceitou a conexão a tempo"
            case .firstByte: return "o servidor de LLM em \(endpoint.baseURL) não começou a responder a tempo (o modelo pode estar carregando); tente de novo"
            case .idle: return "o servidor de LLM em \(endpoint.baseURL) parou de responder no meio da resposta"
            case .total: return "o servidor de LLM em \(endpoint.baseURL) passou do tempo limite de uma resposta (--llm-timeout) e ela foi abandonada"
            }
        case .cancelled:
            return "pedido cancelado"
        case .modelNotFound(let model, let available, let endpoint):
            let listing = available.isEmpty ? "nenhum modelo baixado" : "modelos disponíveis: \(available.joined(separator: ", "))"
            return endpoint.api == .ollama
                ? "o modelo \(model) não está no Ollama; baixe-o com: ollama pull \(model) (\(listing))"
                : "o modelo \(model) não existe no servidor \(endpoint.baseURL) (\(listing)); escolha outro com --model"
        case .server(let status, let message, _):
            return "o servidor de LLM respondeu com erro \(status): \(message)"
        case .interrupted(let endpoint, _):
            return "a resposta do modelo em \(endpoint.baseURL) foi interrompida no meio (a conexão caiu ou o servidor reiniciou)"
        case .invalidResponse(let detail):
            return "o servidor de LLM respondeu algo fora do protocolo: \(detail)"
        case .replyTooLarge(let limit):
            return "resposta grande demais do servidor de LLM (passou de \(limit >> 20) MB) e foi abandonada; confira o modelo e o servidor"
        }
    }
}
