import CCurl
import Foundation
import Synchronization

/// A flag another thread sets to stop a request (Ctrl-C in the REPL); polled every 50 ms.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .releasing) }
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }
}

/// One HTTP request as the LLM clients need it: JSON in, JSON or lines out.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: String
    public var headers: [String]
    public var body: Data?
    /// Time to open the TCP connection.
    public var connectTimeout: Duration = .seconds(5)
    /// Time from sending to the first response byte: a model may be loading.
    public var firstByteTimeout: Duration = .seconds(300)
    /// Longest silence once bytes have started arriving.
    public var idleTimeout: Duration = .seconds(120)
    /// The whole exchange, however steadily bytes trickle in; nil for none.
    public var totalTimeout: Duration?
    /// Bytes of body accepted before the transfer is stopped: a reply that never ends must
    /// not take the machine's memory with it.
    public var maxBodyBytes = 16 << 20

    public init(method: Method, url: String, headers: [String] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    /// The whole body, or for a streamed 2xx response only what was not handed out as lines.
    public let body: Data
}

/// What went wrong below HTTP semantics.
public enum HTTPError: Error, Sendable, Equatable {
    case invalidURL(String)
    /// Nothing accepted the connection (server down, wrong port).
    case cannotConnect(url: String, detail: String)
    case timedOut(url: String, phase: TimeoutPhase)
    case cancelled
    /// The connection broke after the response started.
    case interrupted(url: String, detail: String)
    case transport(url: String, code: Int, detail: String)
    /// The body passed `HTTPRequest.maxBodyBytes`.
    case tooLarge(url: String, limit: Int)

    public enum TimeoutPhase: String, Sendable, Equatable {
        case connect, firstByte, idle, total
    }
}

/// libcurl, one easy handle per request, driven through a multi handle so the
/// waiting loop can notice cancellation and our own timeouts every 50 ms.
public struct HTTPTransport: Sendable {
    /// `curl_global_init` must run once, before any other thread uses libcurl.
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        // A peer that closes mid-write must not kill the process.
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    public init() {
        _ = Self.initialised
    }

    /// Sends `request` once. With `onLine`, a 2xx body is handed out line by line as it arrives.
    ///
    /// - Parameter onLine: receives each complete line (without "\n"); throwing stops the transfer.
    public func send(
        _ request: HTTPRequest, cancellation: CancellationFlag? = nil, onLine: ((Data) throws -> Void)? = nil
    ) throws -> HTTPResponse {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), components.host?.isEmpty == false
        else {
            throw HTTPError.invalidURL(request.url)
        }
        let transfer = try Transfer(request: request, onLine: onLine)
        return try transfer.run(cancellation: cancellation)
    }
}

/// One request's C handles and the state the write callback fills.
///
/// Not Sendable: it lives on the calling thread; libcurl calls back on that thread too.
private final class Transfer {
    let request: HTTPRequest
    // CURL and CURLM are void typedefs in C, so they arrive as raw pointers.
    let easy: UnsafeMutableRawPointer
    let multi: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    var onLine: ((Data) throws -> Void)?
    var pending: [UInt8] = []
    var body = Data()
    var status = 0
    var receivedAny = false
    var receivedBytes = 0
    var lastByte = ContinuousClock.now
    var callbackError: Error?

    init(request: HTTPRequest, onLine: ((Data) throws -> Void)?) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPError.transport(url: request.url, code: -1, detail: "curl_easy_init falhou")
        }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            throw HTTPError.transport(url: request.url, code: -1, detail: "curl_multi_init falhou")
        }
        self.request = request
        self.easy = easy
        self.multi = multi
        self.onLine = onLine
        try configure()
    }

    deinit {
        curl_multi_remove_handle(multi, easy)
        curl_multi_cleanup(multi)
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
    }

    private func check(_ code: CURLcode, _ call: String) throws {
        guard code == CURLE_OK else {
            throw HTTPError.transport(url: request.url, code: Int(code.rawValue), detail: "\(call): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func configure() throws {
        try check(indaga_curl_setopt_string(easy, CURLOPT_URL, request.url), "CURLOPT_URL")
        try check(indaga_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(indaga_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout.milliseconds)), "CURLOPT_CONNECTTIMEOUT_MS")
        try check(indaga_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        try check(indaga_curl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING")
        // An empty "Expect:" stops libcurl waiting a second for "100 Continue" on larger bodies.
        for header in request.headers + ["Expect:"] {
            headerList = curl_slist_append(headerList, header)
        }
        try check(indaga_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")
        if request.method == .post {
            let body = request.body ?? Data()
            try check(indaga_curl_setopt_long(easy, CURLOPT_POST, 1), "CURLOPT_POST")
            try check(indaga_curl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS copies the bytes: the Data need not outlive this call.
            try body.withUnsafeBytes { bytes in
                try check(indaga_curl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)), "CURLOPT_COPYPOSTFIELDS")
            }
        } else {
            try check(indaga_curl_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        }
        // The callback reaches this object through an unretained pointer; the object outlives the transfer.
        try check(indaga_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()), "CURLOPT_WRITEDATA")
        try check(indaga_curl_setopt_write_function(easy) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }, "CURLOPT_WRITEFUNCTION")
    }

    /// Called by libcurl with the next slice of the body; false aborts the transfer.
    private func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        receivedAny = true
        lastByte = ContinuousClock.now
        receivedBytes += bytes.count
        guard receivedBytes <= request.maxBodyBytes else {
            callbackError = HTTPError.tooLarge(url: request.url, limit: request.maxBodyBytes)
            return false
        }
        if status == 0 {
            var code = 0
            _ = indaga_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        guard let onLine, (200..<300).contains(status) else {
            body.append(contentsOf: bytes)
            return true
        }
        // Slices cut lines (and UTF-8 characters) anywhere: keep bytes until a newline.
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            pending.append(contentsOf: bytes[start..<index])
            start = index + 1
            let line = Data(pending)
            pending.removeAll(keepingCapacity: true)
            do {
                try onLine(line)
            } catch {
                callbackError = error
                return false
            }
        }
        pending.append(contentsOf: bytes[start...])
        return true
    }

    func run(cancellation: CancellationFlag?) throws -> HTTPResponse {
        let started = ContinuousClock.now
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            throw HTTPError.transport(url: request.url, code: Int(added.rawValue), detail: "curl_multi_add_handle")
        }
        var running: Int32 = 1
        while running > 0 {
            curl_multi_perform(multi, &running)
            if let callbackError { throw callbackError }
            guard running > 0 else { break }
            if cancellation?.isCancelled == true { throw HTTPError.cancelled }
            let now = ContinuousClock.now
            if !receivedAny, now - started > request.firstByteTimeout {
                throw HTTPError.timedOut(url: request.url, phase: .firstByte)
            }
            if receivedAny, now - lastByte > request.idleTimeout {
                throw HTTPError.timedOut(url: request.url, phase: .idle)
            }
            if let total = request.totalTimeout, now - started > total {
                throw HTTPError.timedOut(url: request.url, phase: .total)
            }
            curl_multi_poll(multi, nil, 0, 50, nil)
        }
        var queued: Int32 = 0
        var result = CURLE_OK
        while let message = curl_multi_info_read(multi, &queued) {
            if message.pointee.msg == CURLMSG_DONE {
                result = message.pointee.data.result
            }
        }
        if let callbackError { throw callbackError }
        if result != CURLE_OK {
            let detail = String(cString: curl_easy_strerror(result))
            switch result {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
                throw HTTPError.cannotConnect(url: request.url, detail: detail)
            case CURLE_OPERATION_TIMEDOUT where !receivedAny && status == 0:
                throw HTTPError.timedOut(url: request.url, phase: .connect)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
                throw HTTPError.invalidURL(request.url)
            case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2_STREAM:
                throw HTTPError.interrupted(url: request.url, detail: detail)
            default:
                throw HTTPError.transport(url: request.url, code: Int(result.rawValue), detail: detail)
            }
        }
        if status == 0 {
            var code = 0
            _ = indaga_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        // A last line without "\n" still counts.
        if let onLine, (200..<300).contains(status), !pending.isEmpty {
            try onLine(Data(pending))
            pending.removeAll()
        }
        return HTTPResponse(status: status, body: body)
    }
}

extension Duration {
    /// The duration in milliseconds, fractions kept (timings in records and benchmarks).
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) * 1e-15
    }
}
