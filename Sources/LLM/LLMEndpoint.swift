import Foundation

/// Where the model is served, which protocol it speaks, and which model to ask.
public struct LLMEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum API: String, Sendable, CaseIterable {
        case ollama, openai
    }

    /// Scheme, host and port (and a path prefix, if any), without a trailing slash.
    public var baseURL: String
    public var api: API
    public var model: String
    /// Sent as a bearer token to OpenAI-compatible servers that want one.
    public var apiKey: String?

    public static let defaultModel = "qwen2.5-coder:7b"

    public init(baseURL: String, api: API, model: String, apiKey: String? = nil) {
        self.baseURL = baseURL
        self.api = api
        self.model = model
        self.apiKey = apiKey
    }

    public var description: String { "\(baseURL) (API \(api.rawValue), modelo \(model))" }

    /// Resolves the endpoint: flags, then environment, then defaults.
    ///
    /// - `--llm-url`, else `OLLAMA_HOST` (read as Ollama reads it) for the Ollama API or
    ///   `OPENAI_BASE_URL` for the OpenAI one, else Ollama's http://127.0.0.1:11434.
    /// - `--llm-api`, else `INDAGA_LLM_API`, else ollama.
    /// - `--model`, else `INDAGA_MODEL`, else qwen2.5-coder:7b.
    /// - Throws: `LLMError.invalidURL` or `.unknownAPI` for values that cannot be used.
    public static func resolve(url urlFlag: String?, api apiFlag: String?, model modelFlag: String?, environment: [String: String]) throws -> LLMEndpoint {
        func value(_ flag: String?, _ variable: String) -> String? { setting(flag, variable, environment) }
        let apiName = (value(apiFlag, "INDAGA_LLM_API") ?? "ollama").lowercased()
        guard let api = API(rawValue: apiName) else {
            throw LLMError.unknownAPI(apiName)
        }
        let model = value(modelFlag, "INDAGA_MODEL") ?? defaultModel
        var base: String
        if let url = value(urlFlag, "INDAGA_LLM_URL") {
            base = try normalise(url)
        } else if api == .openai, let openAI = value(nil, "OPENAI_BASE_URL") {
            base = try normalise(openAI)
        } else {
            base = try ollamaHost(environment["OLLAMA_HOST"] ?? "")
        }
        // OpenAI-style base URLs often end in /v1; the client adds it itself.
        if api == .openai, base.hasSuffix("/v1") { base.removeLast(3) }
        return LLMEndpoint(baseURL: base, api: api, model: model, apiKey: value(nil, "OPENAI_API_KEY"))
    }

    /// A flag's value, else the environment variable's, trimmed; nil when neither says anything.
    public static func setting(_ flag: String?, _ variable: String, _ environment: [String: String]) -> String? {
        if let flag, !flag.trimmingCharacters(in: .whitespaces).isEmpty { return flag.trimmingCharacters(in: .whitespaces) }
        if let env = environment[variable], !env.trimmingCharacters(in: .whitespaces).isEmpty { return env.trimmingCharacters(in: .whitespaces) }
        return nil
    }

    /// OLLAMA_HOST as Ollama's envconfig.Host reads it: scheme http by default, host
    /// 127.0.0.1, port 11434 (80 or 443 when a scheme is given without a port), an
    /// optional path. An unspecified bind address (0.0.0.0, ::) is reached at loopback.
    public static func ollamaHost(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        var scheme = "http"
        var rest = text
        var defaultPort = "11434"
        if let range = text.range(of: "://") {
            scheme = String(text[..<range.lowerBound]).lowercased()
            rest = String(text[range.upperBound...])
            switch scheme {
            case "http": defaultPort = "80"
            case "https": defaultPort = "443"
            default: throw LLMError.invalidURL(raw)
            }
        }
        let pathStart = rest.firstIndex(of: "/")
        let hostPort = pathStart.map { String(rest[..<$0]) } ?? rest
        let path = pathStart.map { String(rest[$0...]) } ?? ""
        var host = hostPort
        var port = defaultPort
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if hostPort.filter({ $0 == ":" }).count == 1, let colon = hostPort.firstIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = String(hostPort[hostPort.index(after: colon)...])
        }
        if let number = Int(port), !(0...65535).contains(number) || port.isEmpty { port = defaultPort }
        if Int(port) == nil { port = defaultPort }
        if host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(where: { " ?#@".contains($0) }) { throw LLMError.invalidURL(raw) }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let base = "\(scheme)://\(shownHost):\(port)\(path)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// A user-given URL: a scheme is required unless it is host:port, which means http.
    static func normalise(_ raw: String) throws -> String {
        let text = raw.contains("://") ? raw : "http://\(raw)"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            throw LLMError.invalidURL(raw)
        }
        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The right client for this endpoint's protocol.
    public func client(retry: RetryPolicy = RetryPolicy(), timeouts: LLMTimeouts = LLMTimeouts()) -> ChatClient {
        switch api {
        case .ollama: return OllamaClient(endpoint: self, retry: retry, timeouts: timeouts)
        case .openai: return OpenAIClient(endpoint: self, retry: retry, timeouts: timeouts)
        }
    }

    /// Model names compared as Ollama does: a missing tag means ":latest".
    public static func sameModel(_ a: String, _ b: String) -> Bool {
        func full(_ name: String) -> String { name.contains(":") ? name : name + ":latest" }
        return full(a) == full(b)
    }
}
