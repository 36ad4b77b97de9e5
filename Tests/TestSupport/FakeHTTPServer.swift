import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A request as the fake server read it.
public struct FakeRequest: Sendable {
    public let method: String
    public let path: String
    public let headers: [String: String]
    public let body: Data

    /// The body as a JSON object, when it is one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}

/// One accepted connection; the test's handler writes the response byte by byte as it likes.
public final class FakeConnection: @unchecked Sendable {
    let descriptor: Int32
    private var closed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Writes raw bytes; false once the client has gone.
    @discardableResult
    public func write(_ data: Data) -> Bool {
        guard !closed else { return false }
        return data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    @discardableResult
    public func write(_ text: String) -> Bool {
        write(Data(text.utf8))
    }

    public func pause(_ seconds: Double) {
        Thread.sleep(forTimeInterval: seconds)
    }

    /// A complete response with Content-Length.
    public func respond(status: Int, contentType: String = "application/json; charset=utf-8", body: String) {
        let bytes = Data(body.utf8)
        write("HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n")
        write(bytes)
    }

    /// Status line and headers of a chunked (streamed) response.
    public func startChunked(status: Int = 200, contentType: String) {
        write("HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    }

    /// One chunk of a chunked body; how TCP splits it is up to the kernel.
    @discardableResult
    public func chunk(_ text: String) -> Bool {
        let bytes = Data(text.utf8)
        return write(String(bytes.count, radix: 16) + "\r\n") && write(bytes) && write("\r\n")
    }

    public func endChunks() {
        write("0\r\n\r\n")
    }

    /// Closes the socket now (a crash, a dropped connection).
    public func close() {
        guard !closed else { return }
        closed = true
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (a free port), one thread per connection, scripted by the test.
public final class FakeHTTPServer: @unchecked Sendable {
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let handler: @Sendable (FakeRequest, FakeConnection) -> Void
    private let lock = NSLock()
    private var received: [FakeRequest] = []

    /// Every request read so far, in order.
    public var requests: [FakeRequest] {
        lock.withLock { received }
    }

    public init(handler: @escaping @Sendable (FakeRequest, FakeConnection) -> Void) throws {
        self.handler = handler
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [listener, weak self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0, let server = self else { return }
                Thread.detachNewThread { server.serve(client) }
            }
        }
        thread.start()
    }

    deinit {
        stop()
    }

    /// Stops accepting connections (open ones end with their handlers).
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    /// A port on which nothing listens: bound, then closed again.
    public static func unusedPort() -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) }
        }
        Glibc.close(probe)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func serve(_ descriptor: Int32) {
        let connection = FakeConnection(descriptor: descriptor)
        defer { connection.close() }
        guard let request = Self.readRequest(descriptor) else { return }
        lock.withLock { received.append(request) }
        handler(request, connection)
    }

    /// Reads the head up to the blank line, then Content-Length bytes of body.
    private static func readRequest(_ descriptor: Int32) -> FakeRequest? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        while data.range(of: separator) == nil {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
        let headEnd = data.range(of: separator)!
        let head = String(decoding: data[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[headEnd.upperBound...])
        let expected = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < expected {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            body.append(contentsOf: buffer[0..<count])
        }
        return FakeRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }
}
