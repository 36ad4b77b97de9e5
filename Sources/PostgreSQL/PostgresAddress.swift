import Foundation

/// A PostgreSQL server address as a user writes it (`postgresql://user@host:5432/rede`), turned
/// into what libpq reads. Whatever the address leaves out, libpq takes from the `PG*`
/// environment and `~/.pgpass`, as `psql` does: `postgresql://` alone is "as psql would connect".
///
/// One addition to libpq's own parameters: `?schema=nome` reads that schema instead of
/// `public` (given to the server as the connection's `search_path`).
public struct PostgresAddress: Sendable, Equatable {
    /// The address as written, which may hold a password: never printed.
    let written: String
    /// The schema asked for with `?schema=`, or nil for the server's default.
    public let schema: String?
    /// What libpq connects with: the address without `schema`, with indaga's name and a connect timeout.
    let connectionString: String

    public init(_ text: String) {
        written = text
        var components = URLComponents(string: text)
        var items = components?.queryItems ?? []
        schema = items.first { $0.name == "schema" }?.value.flatMap { $0.isEmpty ? nil : $0 }
        items.removeAll { $0.name == "schema" }
        if let schema {
            // libpq's `options` passes server settings; a space or backslash in the name must be escaped for it.
            let escaped = schema.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
            let quoted = "\"" + escaped.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            items.append(URLQueryItem(name: "options", value: "-c search_path=\(quoted)"))
        }
        if !items.contains(where: { $0.name == "application_name" }) { items.append(URLQueryItem(name: "application_name", value: "indaga")) }
        if !items.contains(where: { $0.name == "connect_timeout" }) { items.append(URLQueryItem(name: "connect_timeout", value: "10")) }
        components?.queryItems = items
        // `+`, `=` and `&` inside a value must reach libpq percent-encoded.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        connectionString = components?.string ?? text
    }

    /// The address without its password, for messages and logs.
    public var display: String {
        guard var components = URLComponents(string: written) else { return "postgresql://…" }
        if components.password != nil { components.password = nil }
        return components.string ?? "postgresql://…"
    }
}
