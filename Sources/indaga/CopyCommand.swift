import ArgumentParser
import Database
import Foundation
import PostgreSQL
import Render
import Workspace

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copia um banco SQLite para um PostgreSQL: tabelas, chaves, índices, visões e todas as linhas.",
        discussion: """
            O tipo de cada coluna vem dos valores (números inteiros, números, datas ISO, texto) e os nomes ficam como estão. \
            Tudo numa transação: se algo falha, o servidor fica como estava. Tabelas de mesmo nome só são substituídas com --force.
            """
    )

    @Argument(help: ArgumentHelp("O arquivo SQLite a copiar.", valueName: "origem"))
    var source: String

    @Option(name: .customLong("db"), help: ArgumentHelp("Endereço do PostgreSQL de destino (postgresql://usuário@servidor:5432/banco[?schema=nome]).", valueName: "endereço"))
    var address: String

    @Flag(help: "Substitui as tabelas de mesmo nome que o destino já tenha.")
    var force = false

    func validate() throws {
        guard Workspace.isServerAddress(address) else {
            throw ValidationError("--db precisa ser um endereço postgresql://…; para uma cópia SQLite, copie o arquivo")
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw CommandFailure(message: "o arquivo '\(source)' não existe")
        }
        try Self.copy(from: try Connection(path: source, mode: .readOnly), to: address, replace: force)
    }

    /// Copies `source` into the server at `address`, with progress and a summary on stderr and stdout.
    static func copy(from source: Connection, to address: String, replace: Bool) throws {
        let summary: SQLiteCopy.Summary
        let target: PostgresDatabase
        do {
            target = try PostgresDatabase(address: PostgresAddress(address), readOnly: false)
            standardError.write("Copiando \(source.path) para \(target.location)…\n")
            summary = try SQLiteCopy(from: source, to: target).run(replace: replace) { standardError.write("\($0)\n") }
        } catch let error as PostgresError {
            throw CommandFailure(message: error.message)
        }
        for note in summary.notes {
            standardError.write("aviso: \(note)\n")
        }
        print("Copiado para \(target.location): \(BrazilianFormat.integer(summary.tables)) tabelas, \(BrazilianFormat.integer(summary.views)) visões, "
            + "\(BrazilianFormat.integer(summary.rows)) linhas, em \(BrazilianFormat.duration(summary.duration)).")
    }
}
