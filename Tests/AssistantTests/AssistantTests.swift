@testable import Assistant
@testable import RuleBook
import Catalog
import Crypto
import Database
import DemoDatabase
import Foundation
import LLM
import MiniLM
import Retrieval
import SQLCheck
import TestSupport
import Testing

/// The bundled database, catalog, store, encoder and prompts, built once.
enum Setup {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = try! TemporaryFolder()
    static let parts: Result<(String, Retriever, MiniLMEncoder, PromptTemplates), Error> = Result {
        let database = try DemoDatabase.write(to: folder.path("escola.sqlite")).path
        let retriever = try Retriever.load(
            database: database, catalogName: "escola", metadataFolder: repository.appendingPathComponent("metadata/escola"),
            embeddingsFolder: repository.appendingPathComponent("embeddings/escola"))
        let encoder = try MiniLMEncoder(folder: repository.appendingPathComponent("models/all-MiniLM-L6-v2"))
        return (database, retriever, encoder, try PromptTemplates.load(from: repository.appendingPathComponent("prompts")))
    }

    /// An assistant whose model is a fake Ollama that answers with `replies` in turn (the last one repeats).
    static func assistant(replies: [String], options: Assistant.Options = Assistant.Options()) throws -> (Assistant, FakeHTTPServer) {
        let (database, retriever, _, _) = try parts.get()
        return try assistant(replies: replies, database: database, retriever: retriever, options: options)
    }

    /// The same, on another database and its catalog.
    static func assistant(replies: [String], database: String, retriever: Retriever,
                          options: Assistant.Options = Assistant.Options()) throws -> (Assistant, FakeHTTPServer) {
        let (_, _, encoder, prompts) = try parts.get()
        let counter = Counter()
        let server = try FakeHTTPServer { _, connection in
            let reply = replies[min(counter.next() - 1, replies.count - 1)]
            let body = try! JSONSerialization.data(withJSONObject: [
                "model": "fake", "message": ["role": "assistant", "content": reply], "done": true, "done_reason": "stop",
                "prompt_eval_count": 500, "eval_count": 30,
            ])
            connection.respond(status: 200, body: String(decoding: body, as: UTF8.self))
        }
        // Tests that ignore the server must not let it stop listening.
        keepAlive.lock.withLock { keepAlive.servers.append(server) }
        let client = OllamaClient(endpoint: LLMEndpoint(baseURL: server.baseURL, api: .ollama, model: "fake"), retry: .none)
        let assistant = Assistant(connection: try Connection(path: database, mode: .readOnly), retriever: retriever, encoder: encoder,
                                  client: client, prompts: prompts, options: options)
        return (assistant, server)
    }

    final class Servers: @unchecked Sendable {
        let lock = NSLock()
        var servers: [FakeHTTPServer] = []
    }

    static let keepAlive = Servers()

    /// The user message of the n-th request the fake model received (0-based).
    static func lastMessage(_ server: FakeHTTPServer, request index: Int) -> String {
        let messages = server.requests[index].json?["messages"] as? [[String: String]] ?? []
        return messages.last?["content"] ?? ""
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

@Suite("From a question to a checked answer")
struct AssistantTests {
    @Test("right the first time: one attempt, the rows, the timings")
    func firstTime() throws {
        let (assistant, server) = try Setup.assistant(replies: ["```sql\nSELECT count(*) AS total FROM escolas;\n```"])
        let answer = assistant.ask("Quantas unidades escolares existem?")
        #expect(answer.status == .ok && answer.source == .llm)
        #expect(answer.attempts.count == 1)
        #expect(answer.result?.rows == [[.integer(4)]])
        #expect(answer.timings.map(\.stage).contains("modelo"))
        // The prompt carries the retrieved schema and the question.
        let prompt = Setup.lastMessage(server, request: 0)
        #expect(prompt.contains("CREATE TABLE escolas") && prompt.contains("Pergunta: Quantas unidades escolares existem?"))
    }

    @Test("an unknown column is corrected, with the hint sent to the model")
    func unknownColumnFixed() throws {
        let (assistant, server) = try Setup.assistant(replies: ["SELECT nome_aluno FROM alunos LIMIT 3", "SELECT nome FROM alunos LIMIT 3"])
        var progress: [String] = []
        let answer = assistant.ask("Liste três nomes de alunos.") { progress.append($0) }
        #expect(answer.status == .ok)
        #expect(answer.attempts.count == 2)
        #expect(answer.attempts[0].error?.contains("a coluna nome_aluno não existe") == true)
        #expect(Setup.lastMessage(server, request: 1).contains("você quis dizer alunos.nome?"))
        #expect(progress == ["tentativa 2: a coluna nome_aluno não existe, corrigindo…"])
    }

    @Test("a correction is the next turn of the same conversation: a server with a prompt cache processes only that turn")
    func correctionContinues() throws {
        let replies = ["SELECT nome_aluno FROM alunos LIMIT 3", "SELECT nome FROM alunos LIMIT 3"]
        let counter = Counter()
        let model = try FakeOllama(caching: true) { _ in replies[min(counter.next() - 1, 1)] }
        let (database, retriever, encoder, prompts) = try Setup.parts.get()
        let client = OllamaClient(endpoint: LLMEndpoint(baseURL: model.baseURL, api: .ollama, model: "fake"), retry: .none)
        let assistant = Assistant(connection: try Connection(path: database, mode: .readOnly), retriever: retriever, encoder: encoder,
                                  client: client, prompts: prompts)
        let answer = assistant.ask("Liste três nomes de alunos.")
        #expect(answer.status == .ok && answer.attempts.count == 2)
        let sent = model.server.requests.map { $0.json?["messages"] as? [[String: String]] ?? [] }
        #expect(sent.count == 2 && sent[1].count == 3)
        #expect(sent[1].first == sent[0].first && sent[1][1] == ["role": "assistant", "content": replies[0]])
        let first = answer.attempts[0], second = answer.attempts[1]
        #expect(first.cachedPromptTokens == 0 && first.processedPromptTokens == first.promptTokens)
        let processed = try #require(second.processedPromptTokens), whole = try #require(second.promptTokens)
        #expect(processed > 0 && processed * 5 < whole, "\(processed) de \(whole)")
    }

    @Test("prose first, then SQL")
    func proseThenSQL() throws {
        let (assistant, _) = try Setup.assistant(replies: ["Para isso você precisa olhar a tabela de escolas.", "SELECT nome FROM escolas"])
        let answer = assistant.ask("Quais são as escolas?")
        #expect(answer.status == .ok && answer.attempts.count == 2)
        #expect(answer.attempts[0].error == "a resposta não tinha uma consulta SQL")
    }

    @Test("DROP TABLE is refused, the database file does not change, and the corrected query answers")
    func hostileRefused() throws {
        let (database, _, _, _) = try Setup.parts.get()
        let before = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: database)))
        let (assistant, _) = try Setup.assistant(replies: ["DROP TABLE alunos", "SELECT count(*) FROM alunos"])
        let answer = assistant.ask("Quantos alunos há?")
        #expect(answer.status == .ok && answer.attempts.count == 2)
        #expect(answer.attempts[0].error?.contains("só consultas de leitura") == true)
        #expect(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: database))) == before)
    }

    @Test("wrong every time: an honest failure after the tries, no table shown")
    func giveUp() throws {
        var options = Assistant.Options()
        options.maxTries = 3
        let (assistant, server) = try Setup.assistant(replies: ["SELECT coluna_que_nao_existe FROM alunos"], options: options)
        let answer = assistant.ask("Qual o apelido dos alunos?")
        #expect(answer.status == .invalid)
        #expect(answer.result == nil)
        #expect(answer.attempts.count == 3 && server.requests.count == 3)
        #expect(answer.message == "não consegui responder depois de 3 tentativa(s): a coluna coluna_que_nao_existe não existe")
    }

    @Test("the same wrong query sent again: the question goes afresh, with what was wrong under it, once")
    func repeatedQueryAskedAfresh() throws {
        let (assistant, server) = try Setup.assistant(replies: [
            "SELECT apelido FROM alunos LIMIT 3", "SELECT apelido FROM alunos LIMIT 3", "SELECT nome FROM alunos LIMIT 3",
        ])
        let answer = assistant.ask("Liste três apelidos de alunos.")
        #expect(answer.status == .ok && answer.sql == "SELECT nome FROM alunos LIMIT 3")
        #expect(answer.attempts.map { $0.error != nil } == [true, false, false])
        #expect(answer.attempts[1].observation?.note.hasPrefix("a mesma consulta de uma tentativa anterior") == true)
        // The third request is one message: the first prompt, with the problem under the question.
        let third = server.requests[2].json?["messages"] as? [[String: String]] ?? []
        #expect(third.count == 1)
        #expect(third.first?["content"]?.contains("Pergunta: Liste três apelidos de alunos.\n(Uma consulta anterior para esta pergunta não serviu: a coluna apelido não existe") == true)
    }

    @Test("a query that runs too long is stopped and corrected")
    func timeBudget() throws {
        var options = Assistant.Options()
        options.timeout = .milliseconds(300)
        let (assistant, _) = try Setup.assistant(replies: [
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n", "SELECT count(*) FROM turmas",
        ], options: options)
        let answer = assistant.ask("Quantas turmas existem?")
        #expect(answer.status == .ok && answer.attempts.count == 2)
        #expect(answer.attempts[0].error?.contains("tempo limite") == true)
    }

    @Test("model down: a verified example still answers; otherwise the clear message")
    func modelDown() throws {
        let (database, retriever, encoder, prompts) = try Setup.parts.get()
        let endpoint = LLMEndpoint(baseURL: "http://127.0.0.1:\(FakeHTTPServer.unusedPort())", api: .ollama, model: "qwen2.5-coder:7b")
        let assistant = Assistant(connection: try Connection(path: database, mode: .readOnly), retriever: retriever, encoder: encoder,
                                  client: OllamaClient(endpoint: endpoint, retry: .none), prompts: prompts)
        let verified = assistant.ask("quantos alunos evadiram em 2023")
        #expect(verified.status == .ok && verified.source == .verifiedExample)
        #expect(verified.result?.rows.count == 1)
        // A different year is not the same question, however close the embedding.
        let other = assistant.ask("quantos alunos evadiram em 2024")
        #expect(other.source == .llm && other.status == .error)
        #expect(other.message == "Não consegui falar com o Ollama em \(endpoint.baseURL). Ele está rodando? (ollama serve)")
    }

    @Test("a follow-up sends the conversation so far")
    func followUp() throws {
        let (assistant, server) = try Setup.assistant(replies: ["SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2023"])
        let answer = assistant.ask("e em 2023?", history: [Turn(question: "Quantos alunos evadiram em 2024?",
                                                                  sql: "SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2024")])
        #expect(answer.status == .ok)
        #expect(Setup.lastMessage(server, request: 0).contains("Pergunta: Quantos alunos evadiram em 2024?"))
    }

    @Test("the audit log gets one JSON line per question")
    func auditLog() throws {
        let folder = try TemporaryFolder()
        let (assistant, _) = try Setup.assistant(replies: ["SELECT nome FROM escolas"])
        let log = AuditLog(file: folder.url.appendingPathComponent("auditoria.jsonl"))
        try log.append(assistant.ask("Quais são as escolas?"), database: "escola.sqlite")
        try log.append(assistant.ask("Quais são as escolas?"), database: "escola.sqlite")
        let lines = try String(contentsOf: log.file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let record = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(record?["status"] as? String == "ok" && record?["row_count"] as? Int == 4)
        #expect((record?["attempts"] as? [[String: Any]])?.first?["sql"] as? String == "SELECT nome FROM escolas")
    }

    @Test("voting: the result most candidates agree on wins; a tie goes to the greedy one")
    func voting() throws {
        var options = Assistant.Options()
        options.samples = 3
        let (majority, server) = try Setup.assistant(replies: [
            "SELECT count(*) FROM turmas", "SELECT count(*) FROM escolas", "SELECT count(id) AS n FROM escolas",
        ], options: options)
        let answer = majority.ask("Quantas escolas há?")
        #expect(answer.status == .ok && answer.attempts.count == 3)
        #expect(answer.result?.rows == [[.integer(4)]])
        #expect(answer.message == "2 de 3 candidatos concordaram nesta resposta")
        // The greedy candidate at temperature 0, the others sampled.
        let temperatures = server.requests.map { ($0.json?["options"] as? [String: Any])?["temperature"] as? Double }
        #expect(temperatures == [0, 0.7, 0.7])

        let (tie, _) = try Setup.assistant(replies: ["SELECT count(*) FROM turmas", "SELECT count(*) FROM escolas", "SELECT 7"], options: options)
        #expect(tie.ask("Quantas turmas há?").sql == "SELECT count(*) FROM turmas")
    }

    @Test("voting with no valid candidate goes on correcting the greedy one")
    func votingFallsBackToCorrection() throws {
        var options = Assistant.Options()
        options.samples = 2
        options.maxTries = 2
        let (assistant, server) = try Setup.assistant(replies: ["SELECT apelido FROM alunos", "SELECT apelido FROM alunos", "SELECT nome FROM escolas"], options: options)
        let answer = assistant.ask("Quais são as escolas?")
        #expect(answer.status == .ok)
        #expect(answer.attempts.count == 3 && server.requests.count == 3)
        #expect(Setup.lastMessage(server, request: 2).contains("a coluna apelido não existe"))
    }

    @Test("a syntax error is corrected")
    func syntaxFixed() throws {
        let (assistant, server) = try Setup.assistant(replies: ["SELECT nome FROM escolas WHERE", "SELECT nome FROM escolas"])
        let answer = assistant.ask("Quais são as escolas?")
        #expect(answer.status == .ok && answer.attempts.count == 2)
        #expect(Setup.lastMessage(server, request: 1).contains("o SQL não é válido"))
    }

    @Test("suspicious results earn one more look (and a fresh ask when the model repeats itself), then a warning: no rows, tables no condition links")
    func suspicious() throws {
        let (empty, server) = try Setup.assistant(replies: ["SELECT nome FROM escolas WHERE id > 1000"])
        let answer = empty.ask("Quais escolas têm código acima de mil?")
        #expect(answer.status == .ok && answer.attempts.count == 3 && server.requests.count == 3)
        #expect(Setup.lastMessage(server, request: 1).contains("a consulta não devolveu nenhuma linha"))
        #expect(Setup.lastMessage(server, request: 2).contains("(Uma consulta anterior para esta pergunta não serviu: a consulta não devolveu nenhuma linha.)"))
        #expect(answer.message == "atenção: a consulta não devolveu nenhuma linha")
        #expect(answer.attempts.first?.observation?.note == "a consulta não devolveu nenhuma linha")

        // A comma list with no condition: every student meets every class, and the look says how to link them.
        let (cross, crossServer) = try Setup.assistant(replies: ["SELECT a.nome, t.codigo FROM alunos a, turmas t"])
        let multiplied = cross.ask("Liste alunos e turmas.")
        #expect(multiplied.message?.contains("nenhuma condição liga a a t") == true, "\(String(describing: multiplied.message))")
        // How to link them is for the model, after the problem; the user reads what is wrong.
        #expect(Setup.lastMessage(crossServer, request: 1).contains("; ligue-as por matriculas.aluno_id = alunos.id e matriculas.turma_id = turmas.id"))
        #expect(multiplied.message?.contains("ligue-as") == false)
    }

    @Test("each new observation earns a look while tries last; the same one twice ends the looking")
    func observations() throws {
        let (assistant, server) = try Setup.assistant(replies: [
            "SELECT nome FROM escolas WHERE cidade = 'Marte'", "SELECT nome FROM escolas WHERE id > 1000", "SELECT nome FROM escolas",
        ])
        let answer = assistant.ask("Quais escolas ficam em Marte?")
        #expect(server.requests.count == 3 && answer.sql == "SELECT nome FROM escolas" && answer.message == nil)
        #expect(answer.attempts.map(\.observation?.note) == [
            "'Marte' não é valor de escolas.cidade, que guarda 'Embu das Artes', 'Embu-Guaçu', 'Itapecerica da Serra', 'São Paulo'",
            "a consulta não devolveu nenhuma linha", nil,
        ])
        #expect(Setup.lastMessage(server, request: 1).contains("'Marte' não é valor de escolas.cidade"))
    }

    @Test("each attempt names the rules that acted; a rule switched off by id does not act")
    func ruleSwitches() throws {
        let written = "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND pedra = 'agata'"
        let (assistant, _) = try Setup.assistant(replies: [written])
        #expect(assistant.ask("quantos alunos ágata em 2024?").attempts.first?.rules == ["fix.value-spelling"])

        var options = Assistant.Options()
        options.rules = RuleSwitches(disabled: ["fix.value-spelling", "check.value-not-stored"])
        let (plain, server) = try Setup.assistant(replies: [written], options: options)
        let answer = plain.ask("quantos alunos ágata em 2024?")
        #expect(server.requests.count == 1 && answer.status == .ok)
        #expect(answer.sql == written)
        #expect(answer.attempts.first?.rules == [])
    }

    @Test("a value typed without its accent is written as stored; one of another table's column is the model's to join")
    func valueLiterals() throws {
        let (respelled, server) = try Setup.assistant(replies: ["SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND pedra = 'agata'"])
        let answer = respelled.ask("quantos alunos ágata em 2024?")
        #expect(server.requests.count == 1 && answer.status == .ok)
        #expect(answer.sql == "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND pedra = 'Ágata'")
        #expect(answer.attempts.first?.repairs.map(\.note) == ["valor escrito como está no banco: 'agata' → 'Ágata' (avaliacoes_anuais.pedra)"])

        // 'F' is a gender, compared with a class's phase: the look says where 'F' is and how to join it.
        let (gender, genderServer) = try Setup.assistant(replies: [
            "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE t.fase = 'F' AND m.ano_letivo = 2023",
            "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.genero = 'F' AND m.ano_letivo = 2023",
        ])
        let girls = gender.ask("quantas meninas matriculadas em 2023?")
        #expect(genderServer.requests.count == 2 && girls.status == .ok && girls.message == nil)
        let look = Setup.lastMessage(genderServer, request: 1)
        #expect(look.contains("'F' não é valor de turmas.fase, uma coluna de números"), "\(look)")
        #expect(look.contains("uma coluna de números; há 'F' em alunos.genero"), "\(look)")
    }

    @Test("a value nothing asked for, kept after the look that pointed it out and a fresh ask: the model's answer stays, with the look as a warning")
    func unaskedValue() throws {
        let invented = "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 AND pedra = 'Ametista' AND nota_matematica < 5"
        let (assistant, server) = try Setup.assistant(replies: [invented])
        let answer = assistant.ask("quantos alunos tiraram menos de 5 em matematica em 2023?")
        #expect(server.requests.count == 3 && answer.status == .ok)
        #expect(Setup.lastMessage(server, request: 1).contains("a consulta filtra 'Ametista', valor que a pergunta não cita"))
        #expect(answer.sql == invented && answer.attempts.last?.repairs.isEmpty == true)
        #expect(answer.message?.contains("a consulta filtra 'Ametista', valor que a pergunta não cita") == true, "\(String(describing: answer.message))")
    }

    @Test("a threshold held row by row, kept after the look that pointed it out and a fresh ask, is held by the group in HAVING, and said so")
    func rowThresholdMoved() throws {
        let perRow = "SELECT mes, 1.0 * sum(presencas) / sum(aulas_previstas) AS taxa FROM frequencia_mensal WHERE mes LIKE '2024-%' AND presencas < 0.9 * aulas_previstas GROUP BY mes"
        let (assistant, server) = try Setup.assistant(replies: [perRow])
        let answer = assistant.ask("quais meses de 2024 tiveram frequência abaixo de 90%")
        #expect(server.requests.count == 3 && answer.status == .ok)
        #expect(Setup.lastMessage(server, request: 1).contains("aplica esse limite a cada linha no WHERE"))
        #expect(answer.attempts.last?.repairs.map(\.note).contains { $0.hasPrefix("limite presencas < 0.9 * aulas_previstas passado do WHERE para o HAVING") } == true)
        let low = try Connection(path: Setup.folder.path("escola.sqlite"), mode: .readOnly)
            .query("SELECT mes FROM frequencia_mensal WHERE mes LIKE '2024-%' GROUP BY mes HAVING sum(presencas) < 0.9 * sum(aulas_previstas)")
        #expect(!low.isEmpty && answer.result?.totalRows == low.count)
    }

    @Test("a grouping nothing asked for, kept after the look that pointed it out and a fresh ask, is taken out, and said so")
    func unaskedGrouping() throws {
        let perPhase = "SELECT t.fase AS fase, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2024 GROUP BY t.fase ORDER BY t.fase"
        let (assistant, server) = try Setup.assistant(replies: [perPhase])
        let answer = assistant.ask("me passa a nota de mat da rede toda em 2024")
        #expect(server.requests.count == 3 && answer.status == .ok && answer.message == nil)
        #expect(Setup.lastMessage(server, request: 1).contains("a consulta agrupa por fase, que a pergunta não cita"))
        #expect(answer.result?.totalRows == 1 && answer.result?.columns.count == 1)
        #expect(answer.attempts.last?.repairs.map(\.note).last == "agrupamento por t.fase tirado: a pergunta não pede um resultado por t.fase")
    }

    @Test("grouped by the genders asked and by a phase never asked, kept after the look and a fresh ask: the phase goes, the genders stay")
    func unaskedGroupingBesideAnAskedOne() throws {
        let both = "SELECT a.genero, t.fase, round(avg(v.nota_matematica), 2) AS matematica FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN alunos a ON m.aluno_id = a.id JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2023 AND a.genero IN ('F', 'M') AND t.ano_letivo = 2023 GROUP BY t.fase, a.genero ORDER BY t.fase, a.genero"
        let (assistant, server) = try Setup.assistant(replies: [both])
        let answer = assistant.ask("nota media de matematica das meninas e dos meninos em 2023")
        #expect(server.requests.count == 3 && answer.status == .ok && answer.message == nil)
        #expect(answer.result?.totalRows == 2 && answer.result?.columns == ["genero", "matematica"])
        #expect(answer.attempts.last?.repairs.map(\.note).last == "agrupamento por t.fase tirado: a pergunta não pede um resultado por t.fase")
    }

    @Test("'nos dois anos' answered with anyone who passed in either year: the look says so, and how to require both")
    func allYearsAny() throws {
        let written = "SELECT a.ra, a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2023, 2024) AND v.nota_portugues > 7 ORDER BY a.nome"
        let both = "SELECT a.ra, a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2023, 2024) AND v.nota_portugues > 7 GROUP BY a.ra, a.nome HAVING count(DISTINCT v.ano_letivo) = 2 ORDER BY a.nome"
        let (assistant, server) = try Setup.assistant(replies: [written, both])
        let answer = assistant.ask("quais alunos tiveram nota de portugues acima de 7 nos dois anos, 2023 e 2024")
        #expect(server.requests.count == 2 && answer.status == .ok && answer.message == nil && answer.sql == both)
        #expect(answer.attempts.first?.observation?.note
            == "a pergunta pede quem cumpre nos 2 anos juntos (2023, 2024), mas a condição em v.ano_letivo aceita quem cumpre em qualquer um deles")
        #expect(Setup.lastMessage(server, request: 1).contains("exija HAVING count(DISTINCT v.ano_letivo) = 2"))
        let database = try Setup.parts.get().0
        let gold = try Connection(path: database, mode: .readOnly).query("SELECT a.ra FROM alunos a JOIN avaliacoes_anuais v23 ON v23.aluno_id = a.id AND v23.ano_letivo = 2023 JOIN avaliacoes_anuais v24 ON v24.aluno_id = a.id AND v24.ano_letivo = 2024 WHERE v23.nota_portugues > 7 AND v24.nota_portugues > 7 ORDER BY a.nome")
        #expect(!gold.isEmpty && answer.result?.rows.map { $0[0].text } == gold.map { $0[0].text })
    }

    @Test("'nos dois anos' answered for one of them: the look says which year is missing and how to require both")
    func allYearsLook() throws {
        let oneYear = "SELECT a.ra, a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo = 2023 AND v.nota_portugues > 7"
        let both = "SELECT a.ra, a.nome FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo IN (2023, 2024) AND v.nota_portugues > 7 GROUP BY a.id HAVING count(*) = 2"
        let (assistant, server) = try Setup.assistant(replies: [oneYear, both])
        let answer = assistant.ask("quais alunos tiveram nota de portugues acima de 7 nos dois anos, 2023 e 2024")
        #expect(server.requests.count == 2 && answer.status == .ok && answer.sql == both)
        #expect(answer.attempts.first?.observation?.note == "a pergunta pede quem cumpre nos 2 anos juntos (2023, 2024), mas a consulta não usa 2024")
        #expect(Setup.lastMessage(server, request: 1).contains("mas a consulta não usa 2024; filtre v.ano_letivo IN (2023, 2024), agrupe por quem a resposta mostra e exija HAVING count(DISTINCT v.ano_letivo) = 2 "
            + "(para contar, faça isso numa subconsulta e conte as linhas dela)"))
    }

    @Test("one date for every year where the question asks for the first of each year: the look asks for a row per year")
    func askedGrouping() throws {
        let grouped = "SELECT ano_letivo, min(data_saida) AS data_evasao FROM matriculas WHERE situacao = 'evadida' GROUP BY ano_letivo"
        let (assistant, server) = try Setup.assistant(replies: ["SELECT min(matriculas.data_saida) AS data_evasao FROM matriculas WHERE situacao = 'evadida'", grouped])
        let answer = assistant.ask("qual foi a data da primeira evasao de cada ano")
        #expect(server.requests.count == 2 && answer.status == .ok && answer.sql == grouped)
        #expect(answer.attempts.first?.observation?.note == "a pergunta pede um resultado por ano (matriculas.ano_letivo), mas a consulta não agrupa por ele")
        #expect(Setup.lastMessage(server, request: 1).contains("use GROUP BY matriculas.ano_letivo, uma linha por valor"))
    }

    @Test("'no ano anterior' names the year before the one said: a query that reads it is not told that year was never named, nor given the year said")
    func yearBefore() throws {
        let written = "SELECT count(*) FROM matriculas m JOIN avaliacoes_anuais v ON v.aluno_id = m.aluno_id AND v.ano_letivo = 2022 WHERE m.ano_letivo = 2023 AND m.situacao = 'evadida' AND v.inde < 6"
        let (assistant, server) = try Setup.assistant(replies: [written, "SELECT 1"])
        let answer = assistant.ask("quantos dos alunos que evadiram em 2023 tinham inde abaixo de 6 no ano anterior")
        #expect(server.requests.count == 1 && answer.status == .ok && answer.sql == written)
        #expect(answer.attempts.first?.observation?.note == nil && answer.message == nil)
        // A table left without a year is not given the one said: it may be the year before's.
        let unfiltered = "SELECT count(DISTINCT m.aluno_id) FROM matriculas m JOIN frequencia_mensal f ON f.aluno_id = m.aluno_id WHERE m.ano_letivo = 2024 AND m.situacao = 'evadida'"
        let (before, _) = try Setup.assistant(replies: [unfiltered])
        let kept = before.ask("quantos dos que evadiram em 2024 tiveram alguma frequencia registrada no ano anterior")
        #expect(kept.attempts.first?.sql == unfiltered)
        let (same, _) = try Setup.assistant(replies: [unfiltered])
        let dated = same.ask("quantos dos que evadiram em 2024 tiveram alguma frequencia registrada")
        #expect(dated.attempts.first?.repairs.map(\.note).contains { $0.hasPrefix("filtro do ano acrescentado: f.mes LIKE '2024-%'") } == true)
    }

    @Test("a school's name beside a count with no GROUP BY: dropped for 'quantos', grouped by for 'por escola'")
    func bareColumns() throws {
        let bare = "SELECT e.nome, count(*) FROM turmas t JOIN escolas e ON e.id = t.escola_id WHERE t.ano_letivo = 2024"
        let (total, _) = try Setup.assistant(replies: [bare])
        let counted = total.ask("quantas turmas havia em 2024?")
        #expect(counted.status == .ok && counted.result?.columns.count == 1 && counted.result?.totalRows == 1)
        #expect(counted.attempts.first?.repairs.map(\.note).first?.hasPrefix("e.nome tirado do resultado") == true)
        let (perSchool, _) = try Setup.assistant(replies: [bare])
        let grouped = perSchool.ask("turmas por escola em 2024")
        #expect(grouped.status == .ok && grouped.result?.totalRows == 4)
        #expect(grouped.sql?.hasSuffix("GROUP BY e.nome") == true)
    }

    @Test("the nearest example is the last thing before the question")
    func nearestExampleLast() throws {
        let (assistant, _) = try Setup.assistant(replies: ["SELECT 1"])
        let question = "Quais alunos da turma 5B correm mais risco de evasão?"
        let context = assistant.context(for: question)
        let prompt = assistant.generationPrompt(question, context: context)
        let positions = context.examples.compactMap { prompt.range(of: "Pergunta: \($0.question)\n")?.lowerBound }
        #expect(positions.count >= 2 && positions == positions.sorted(by: >))
    }

    @Test("an example's query written back for another question is asked again without that example")
    func copiedExample() throws {
        let evaded = "SELECT substr(data_saida, 1, 7) AS mes, count(*) AS evasoes FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2022 GROUP BY mes ORDER BY evasoes DESC LIMIT 1"
        let transferred = "SELECT substr(data_saida, 1, 7) AS mes, count(*) AS n FROM matriculas WHERE situacao = 'transferida' AND ano_letivo = 2022 GROUP BY mes ORDER BY n DESC LIMIT 1"
        let example = "Pergunta: Em que mês de 2023 mais alunos evadiram?"
        let (assistant, server) = try Setup.assistant(replies: [evaded, transferred])
        let answer = assistant.ask("Em que mês de 2022 mais alunos foram transferidos?")
        #expect(Setup.lastMessage(server, request: 0).contains(example))
        // A fresh prompt, the copied example left out, not a correction of the copy.
        let second = server.requests[1].json?["messages"] as? [[String: String]] ?? []
        #expect(second.count == 1 && second[0]["content"]?.contains(example) == false)
        #expect(answer.status == .ok && answer.sql == transferred && answer.message == nil)

        // When the fresh try fails, the copy stays as written, said to be one.
        let (failing, _) = try Setup.assistant(replies: [evaded, "SELECT nada FROM"])
        let kept = failing.ask("Em que mês de 2022 mais alunos foram transferidos?")
        #expect(kept.status == .ok && kept.sql == evaded)
        #expect(kept.message == "atenção: a consulta repete a do exemplo \"Em que mês de 2023 mais alunos evadiram?\", que pergunta outra coisa")

        // A year the question never names, found in a shown example's query: borrowed, asked again too.
        let (borrowing, borrowingServer) = try Setup.assistant(replies: [
            "SELECT count(*) FROM turmas WHERE turno = 'tarde' AND ano_letivo = 2023", "SELECT count(*) FROM turmas WHERE turno = 'tarde'",
        ])
        let lender = "Pergunta: Quantas turmas há no turno da tarde por fase em 2023?"
        let afternoon = borrowing.ask("quantas turmas do turno da tarde existem?")
        #expect(Setup.lastMessage(borrowingServer, request: 0).contains(lender))
        #expect(Setup.lastMessage(borrowingServer, request: 1).contains(lender) == false)
        #expect(afternoon.sql == "SELECT count(*) FROM turmas WHERE turno = 'tarde'" && afternoon.attempts.count == 2)

        // A month the question never names, the one a shown example filters: borrowed, asked again.
        let (monthly, monthlyServer) = try Setup.assistant(replies: [
            "SELECT count(*) AS entregas FROM entregas WHERE entregue_em >= '2024-10-01' AND entregue_em < '2024-11-01' AND status = 'atrasada'",
            "SELECT count(*) FROM entregas WHERE status = 'atrasada' AND entregue_em LIKE '2024-%'",
        ])
        let october = "Pergunta: Quantas entregas foram feitas em outubro de 2024?"
        let late = monthly.ask("qts entregas atrasadas rolaram em 2024")
        #expect(Setup.lastMessage(monthlyServer, request: 0).contains(october))
        #expect(Setup.lastMessage(monthlyServer, request: 1).contains(october) == false)
        #expect(late.sql == "SELECT count(*) FROM entregas WHERE status = 'atrasada' AND entregue_em LIKE '2024-%'" && late.attempts.count == 2)

        // The same question with another year is the example's query, literals swapped: kept at once.
        let (reworded, rewordedServer) = try Setup.assistant(replies: [evaded])
        #expect(reworded.ask("Em que mês de 2022 mais alunos evadiram?").sql == evaded && rewordedServer.requests.count == 1)
    }

    @Test("an odd answer earns one more look, told why, and the better query answers", arguments: [
        ("qts escolas tem a rede?", "SELECT nome FROM escolas", "SELECT count(*) AS escolas FROM escolas",
         "a pergunta pede quantos, mas a consulta lista"),
        // A year the question never names, from an example most likely.
        ("quantas escolas da rede municipal?",
         "SELECT count(*) FROM escolas e JOIN turmas t ON t.escola_id = e.id WHERE e.rede = 'municipal' AND t.ano_letivo = 2023",
         "SELECT count(*) FROM escolas WHERE rede = 'municipal'", "a consulta filtra 2023, um ano que a pergunta não cita"),
        // A value the question names ("acessos": interacoes.tipo = 'acesso') left out, its column read otherwise.
        ("quantos acessos a plataforma teve em 2024?", "SELECT count(*) FROM interacoes WHERE tipo IS NOT NULL AND ocorrido_em LIKE '2024-%'",
         "SELECT count(*) FROM interacoes WHERE tipo = 'acesso' AND ocorrido_em LIKE '2024-%'",
         "a pergunta cita 'acesso' (interacoes.tipo), mas a consulta não filtra por esse valor"),
        // Two values of one column named, one number for the first only.
        ("quantas escolas municipais e quantas estaduais?", "SELECT count(*) FROM escolas WHERE rede = 'municipal'",
         "SELECT rede, count(*) FROM escolas WHERE rede IN ('municipal', 'estadual') GROUP BY rede",
         "a pergunta cita 'estadual' e 'municipal' (escolas.rede), mas a consulta não agrupa por rede"),
        // A glossary term said in words ("largaram a escola": evasão) whose condition the query never writes.
        ("quantos meninos e quantas meninas largaram a escola em 2023",
         "SELECT genero, count(*) FROM alunos WHERE ano_ingresso = 2023 GROUP BY genero",
         "SELECT a.genero, count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE m.ano_letivo = 2023 AND m.situacao = 'evadida' GROUP BY a.genero",
         "a pergunta fala de evasão (matriculas.situacao = 'evadida'), mas a consulta não usa essa condição; junte matriculas: JOIN matriculas ON matriculas.aluno_id = alunos.id"),
        // One shift of the two the question compares: grouped by turno, and only 'tarde' kept (by
        // LIKE: an = is widened to both shifts without asking).
        ("inde medio dos alunos da manha comparado com os da tarde em 2022",
         "SELECT t.turno, avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE t.turno LIKE 'tarde' AND v.ano_letivo = 2022 AND t.ano_letivo = 2022 GROUP BY t.turno",
         "SELECT t.turno, avg(v.inde) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2022 AND t.ano_letivo = 2022 GROUP BY t.turno",
         "a pergunta cita 'manhã' (turmas.turno), mas a consulta não filtra por esse valor"),
        // Two years set against each other, one of them used: a copy of the table per year.
        ("dos alunos matriculados em 2022, quantos ainda estao ativos em 2024",
         "SELECT count(*) FROM matriculas WHERE situacao = 'ativa' AND ano_letivo = 2024",
         "SELECT count(*) FROM matriculas m22 JOIN matriculas m24 ON m24.aluno_id = m22.aluno_id AND m24.ano_letivo = 2024 WHERE m22.ano_letivo = 2022 AND m24.situacao = 'ativa'",
         "a pergunta compara 2024 com 2022, mas a consulta só usa 2024; leia cada ano numa cópia da tabela, juntadas pela mesma chave: FROM matriculas m2024 JOIN matriculas m2022 ON m2022.aluno_id = m2024.aluno_id AND m2022.ano_letivo = 2022 WHERE m2024.ano_letivo = 2024"),
        // Two years listed: the one left out is a filter dropped.
        ("quantas evasoes houve em 2022 e 2023?", "SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo = 2023",
         "SELECT count(*) FROM matriculas WHERE situacao = 'evadida' AND ano_letivo IN (2022, 2023)",
         "a pergunta fala de 2022, mas a consulta não usa esse ano; filtre por ele"),
        // A value of the schema's listing that nothing in the question asks for.
        ("qntos alunos tiraram menos de 5 em matematica em 2023?",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 AND pedra = 'Ametista' AND nota_matematica < 5",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 AND nota_matematica < 5",
         "a consulta filtra 'Ametista', valor que a pergunta não cita"),
        // A code the metadata explains ('F': alunas, meninas) is a value too; "alunos" names the
        // table, not a gender.
        ("quantos alunos tiraram 9 ou mais em ingles em 2024",
         "SELECT count(*) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2024 AND v.nota_ingles >= 9 AND a.genero = 'F'",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND nota_ingles >= 9",
         "a consulta filtra 'F', valor que a pergunta não cita"),
        // One word of a column's longer synonym ("inde" of "faixa do INDE") does not name the
        // column: its values are still the model's invention.
        ("qts alunos melhoraram o inde todo ano de 2022 ate 2024",
         "SELECT count(*) AS alunos FROM avaliacoes_anuais WHERE ano_letivo BETWEEN 2022 AND 2024 AND pedra = 'Topázio'",
         "SELECT count(*) FROM avaliacoes_anuais v22 JOIN avaliacoes_anuais v23 ON v23.aluno_id = v22.aluno_id AND v23.ano_letivo = 2023 JOIN avaliacoes_anuais v24 ON v24.aluno_id = v22.aluno_id AND v24.ano_letivo = 2024 WHERE v22.ano_letivo = 2022 AND v23.inde > v22.inde AND v24.inde > v23.inde",
         "a consulta filtra 'Topázio', valor que a pergunta não cita"),
        // A threshold the question says, and no such number in the query: the condition was dropped.
        ("qntos alunos tiraram menos de 5 em matematica em 2023?", "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 AND nota_matematica < 5",
         "a pergunta fala de \"menos de 5\", mas a consulta não compara com 5"),
        // A column the question names word for word, left unread: grades from the wrong table.
        ("qts alunos ficaram sem nota de ingles no boletim de 2024",
         "SELECT count(*) FROM entregas WHERE nota IS NULL AND entregue_em LIKE '2024-%'",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND nota_ingles IS NULL",
         "a pergunta fala de nota ingles (avaliacoes_anuais.nota_ingles), mas a consulta não usa essa coluna; a consulta lê entregas, de que a pergunta não fala, "
            + "e nem lê avaliacoes_anuais, de que ela fala: escreva a consulta a partir de avaliacoes_anuais (FROM avaliacoes_anuais)"),
        // Grouped by a column the question never mentions, by name, table or value.
        ("me passa a nota media de matematica da rede toda em 2024",
         "SELECT t.fase, round(avg(v.nota_matematica), 2) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2024 GROUP BY t.fase",
         "SELECT round(avg(nota_matematica), 2) FROM avaliacoes_anuais WHERE ano_letivo = 2024",
         "a consulta agrupa por fase, que a pergunta não cita"),
        // Grouped by the month of a table the question names ("frequência"), never by a month:
        // a class's attendance over the year is asked, not one per month.
        ("frequencia do 6A da EMEF Monteiro Lobato em 2023",
         "SELECT substr(f.mes, 6, 2) AS mes, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) FROM frequencia_mensal f JOIN matriculas m ON m.aluno_id = f.aluno_id AND m.ano_letivo = 2023 JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE e.nome = 'EMEF Monteiro Lobato' AND t.codigo = '6A' AND t.ano_letivo = 2023 AND f.mes LIKE '2023-%' GROUP BY substr(f.mes, 6, 2)",
         "SELECT round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) FROM frequencia_mensal f JOIN matriculas m ON m.aluno_id = f.aluno_id AND m.ano_letivo = 2023 JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE e.nome = 'EMEF Monteiro Lobato' AND t.codigo = '6A' AND t.ano_letivo = 2023 AND f.mes LIKE '2023-%'",
         "a consulta agrupa por mes, que a pergunta não cita"),
        // "Não tiveram nenhuma interação" counted among those who had one: nothing negates.
        ("quantos alunos nao tiveram nenhuma interacao em marco de 2024?",
         "SELECT count(DISTINCT aluno_id) FROM interacoes WHERE ocorrido_em LIKE '2024-03%'",
         "SELECT count(*) FROM cubo_engajamento WHERE mes = '2024-03' AND interacoes_total = 0",
         "a pergunta fala de \"nao tiveram\", mas a consulta não nega nada"),
        // "Quantas…" with no "cada" or "por", answered with a number per group.
        ("quantas disciplinas tem o curriculo?", "SELECT nome, count(*) FROM disciplinas GROUP BY nome",
         "SELECT count(*) FROM disciplinas", "a pergunta pede um número só, mas a consulta dá um por grupo (GROUP BY nome)"),
        // "Conforme a pedra": one rate for one stone, where a rate per stone was asked for.
        ("taxa de evasao em 2024 conforme a pedra que o aluno tinha em 2023",
         "SELECT avg(CASE WHEN v.pedra = 'Topázio' THEN 1 ELSE 0 END) FROM matriculas m JOIN avaliacoes_anuais v ON v.aluno_id = m.aluno_id WHERE m.ano_letivo = 2024 AND v.ano_letivo = 2023 AND m.situacao = 'evadida'",
         "SELECT v.pedra, round(100.0 * avg(m.situacao = 'evadida'), 1) FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = 2024 WHERE v.ano_letivo = 2023 GROUP BY v.pedra",
         "a pergunta pede um resultado por pedra (avaliacoes_anuais.pedra), mas a consulta não agrupa por ele; use GROUP BY avaliacoes_anuais.pedra"),
        // "De cada ano" with a "primeira": every exit listed, where the first of each year was asked for.
        ("qual foi a data da primeira evasao de cada ano",
         "SELECT data_saida FROM matriculas WHERE situacao = 'evadida' ORDER BY data_saida",
         "SELECT ano_letivo, min(data_saida) FROM matriculas WHERE situacao = 'evadida' GROUP BY ano_letivo",
         "a pergunta pede um resultado por ano (matriculas.ano_letivo), mas a consulta não agrupa por ele"),
        // Attendance and schools side by side, no condition between them: each row meets every
        // class of every school. The foreign keys between the two sides are spelled out.
        ("presenca media de cada escola em 2023",
         "SELECT e.nome, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) FROM frequencia_mensal f JOIN alunos a ON a.id = f.aluno_id JOIN escolas e ON e.id = t.escola_id JOIN turmas t ON t.escola_id = e.id WHERE f.mes LIKE '2023-%' AND t.ano_letivo = 2023 GROUP BY e.nome",
         "SELECT e.nome, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) FROM frequencia_mensal f JOIN matriculas m ON m.aluno_id = f.aluno_id AND m.ano_letivo = 2023 JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE f.mes LIKE '2023-%' AND t.ano_letivo = 2023 GROUP BY e.nome",
         "nenhuma condição liga f, a a e, t: cada linha de um lado encontra todas as do outro, e as contas saem multiplicadas; ligue-as por matriculas.aluno_id = alunos.id e matriculas.turma_id = turmas.id"),
        // "Abaixo de 90%" of each month, held by each row before grouping by month.
        ("em quais meses de 2023 a presença ficou abaixo de 90%",
         "SELECT f.mes, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) AS presenca_pct FROM frequencia_mensal f WHERE f.mes LIKE '2023-%' AND f.presencas < 0.9 * f.aulas_previstas GROUP BY f.mes",
         "SELECT mes, round(100.0 * sum(presencas) / sum(aulas_previstas), 1) AS presenca_pct FROM frequencia_mensal WHERE mes LIKE '2023-%' GROUP BY mes HAVING 1.0 * sum(presencas) / sum(aulas_previstas) < 0.9",
         "a pergunta fala de \"abaixo de 90%\", mas a consulta aplica esse limite a cada linha no WHERE (f.presencas < 0.9 * f.aulas_previstas), antes de agrupar; "
            + "se o limite é do grupo, tire essa condição do WHERE e compare a conta do grupo no HAVING (as mesmas somas do SELECT): HAVING sum(f.presencas) < 0.9 * sum(f.aulas_previstas)"),
        // Deliveries graded, where the question speaks of the report card ("boletim") and of no
        // table the query reads: start from the grades' table rather than join it.
        ("quantos alunos tiveram nota de matematica abaixo de 5 no boletim de 2023",
         "SELECT count(*) FROM entregas e JOIN atividades a ON a.id = e.atividade_id WHERE e.nota < 5 AND a.prazo LIKE '2023-%'",
         "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2023 AND nota_matematica < 5",
         "a pergunta fala de nota matematica (avaliacoes_anuais.nota_matematica), mas a consulta não usa essa coluna; a consulta lê atividades, entregas, "
            + "de que a pergunta não fala, e nem lê avaliacoes_anuais, de que ela fala: escreva a consulta a partir de avaliacoes_anuais (FROM avaliacoes_anuais)"),
        // The best of each class asked for, every student listed: one per group, by rank().
        ("qual o aluno com maior inde de cada turma em 2023",
         "SELECT a.nome, v.inde FROM alunos a JOIN avaliacoes_anuais v ON v.aluno_id = a.id WHERE v.ano_letivo = 2023 ORDER BY a.nome",
         "SELECT ra, nome, inde FROM (SELECT a.ra, a.nome, v.inde, rank() OVER (PARTITION BY m.turma_id ORDER BY v.inde DESC) AS posicao FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo WHERE v.ano_letivo = 2023) WHERE posicao = 1",
         "a pergunta pede o primeiro de cada turma (uma linha por turma), mas a consulta não escolhe um por grupo; numere as linhas numa subconsulta, "
            + "rank() OVER (PARTITION BY turmas.id ORDER BY a medida DESC) AS posicao, e fique com WHERE posicao = 1"),
        // Students asked for, deliveries counted: the same query counting distinct students says how many fewer.
        ("quantos alunos entregaram alguma atividade atrasada em 2024",
         "SELECT count(*) FROM entregas e WHERE e.status = 'atrasada' AND e.entregue_em LIKE '2024-%'",
         "SELECT count(DISTINCT e.aluno_id) FROM entregas e WHERE e.status = 'atrasada' AND e.entregue_em LIKE '2024-%'",
         "a pergunta conta alunos, mas count(*) conta "),
        // Deliveries asked for, the students who delivered counted.
        ("quantas entregas atrasadas houve em 2024",
         "SELECT count(DISTINCT aluno_id) FROM entregas WHERE status = 'atrasada' AND entregue_em LIKE '2024-%'",
         "SELECT count(*) FROM entregas WHERE status = 'atrasada' AND entregue_em LIKE '2024-%'",
         "a pergunta conta entregas (linhas de entregas), mas a consulta conta os aluno_id distintos; para contar entregas, use count(*) das linhas de entregas"),
        // Two years compared through two copies of the enrolments joined by the class, which is
        // of one year only: nothing comes back, and the look says how to compare from one reading.
        ("quais escolas tiveram mais transferencias em 2024 do que em 2023",
         "SELECT e.nome FROM escolas e JOIN turmas t ON t.escola_id = e.id JOIN matriculas m1 ON m1.turma_id = t.id AND m1.ano_letivo = 2024 JOIN matriculas m2 ON m2.turma_id = t.id AND m2.ano_letivo = 2023 WHERE m1.situacao = 'transferida' AND m2.situacao = 'transferida' GROUP BY e.nome",
         "SELECT e.nome FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.ano_letivo IN (2023, 2024) AND m.situacao = 'transferida' GROUP BY e.nome HAVING sum(m.ano_letivo = 2024) > sum(m.ano_letivo = 2023)",
         "a consulta não devolveu nenhuma linha; matriculas é lida duas vezes, uma por ano, e as cópias não se encontram; leia matriculas uma vez só com os dois anos (ano_letivo IN (2023, 2024))"),
        // A date asked for, answered with a count per year: the date the question speaks of
        // ("data da evasão" is a synonym of data_saida), with min() for "a primeira".
        ("qual foi a data da primeira evasao de cada ano",
         "SELECT ano_letivo, count(*) AS alunos FROM matriculas WHERE situacao = 'evadida' GROUP BY ano_letivo",
         "SELECT ano_letivo, min(data_saida) FROM matriculas WHERE situacao = 'evadida' GROUP BY ano_letivo",
         "a pergunta pede uma data, mas nenhuma coluna da resposta é uma data; a data de que ela fala é matriculas.data_saida (data da evasão): use min(matriculas.data_saida), a primeira"),
        ("qual a data da matricula mais recente de 2024",
         "SELECT count(*) FROM matriculas WHERE ano_letivo = 2024",
         "SELECT max(data_matricula) FROM matriculas WHERE ano_letivo = 2024",
         "a data de que ela fala é matriculas.data_matricula (data da matrícula): use max(matriculas.data_matricula), a última"),
        // No date column named by its synonyms: the query's dates are listed.
        ("quando os alunos evadidos de 2024 foram registrados",
         "SELECT count(*) FROM matriculas WHERE ano_letivo = 2024 AND situacao = 'evadida'",
         "SELECT data_matricula FROM matriculas WHERE ano_letivo = 2024 AND situacao = 'evadida'",
         "a pergunta pede uma data, mas nenhuma coluna da resposta é uma data; as datas das tabelas da consulta são matriculas.data_matricula, matriculas.data_saida (a primeira é min(), a última é max())"),
    ])
    func secondLook(question: String, odd: String, better: String, reason: String) throws {
        let (assistant, server) = try Setup.assistant(replies: [odd, better])
        let answer = assistant.ask(question)
        #expect(answer.status == .ok && answer.attempts.count == 2 && answer.sql == better && answer.message == nil)
        // The problem, then what to do about it as a hint: every part of the reason reaches the model.
        let told = Setup.lastMessage(server, request: 1)
        for part in reason.components(separatedBy: "; ") {
            #expect(told.contains(part), "\(part) → \(told)")
        }
    }

    @Test("the first of each group is read from 'melhor … de cada', not from a comparison; a window or a subquery picks one per group")
    func bestPerGroup() {
        #expect(QuestionReading.bestPerGroup("melhor aluno de cada unidade pelo inde, 2024") == "unidade")
        #expect(QuestionReading.bestPerGroup("qual a turma com mais evasões em cada escola") == "escola")
        for question in ["alunos com mais de 200 acessos em cada escola", "quantos tiraram nota maior que 8 em cada ano", "a média de inde de cada escola"] {
            #expect(QuestionReading.bestPerGroup(question) == nil, "\(question)")
        }
        #expect(RuleInput.picksPerGroup("SELECT * FROM (SELECT a.nome, rank() OVER (PARTITION BY t.escola_id ORDER BY v.inde DESC) AS p FROM x) WHERE p = 1"))
        #expect(!RuleInput.picksPerGroup("SELECT a.nome, max(v.inde) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id GROUP BY a.id"))
    }

    @Test("no verified example's query misses a threshold its question says or holds it row by row, and the thresholds are read as said")
    func thresholdsOfExamples() throws {
        let (_, retriever, _, _) = try Setup.parts.get()
        for example in retriever.catalog.metadata.examples {
            #expect(RuleInput.unwrittenThresholds(in: QuestionReading(example.question), sql: example.sql).isEmpty, "\(example.question)")
            for threshold in QuestionReading.thresholds(in: example.question) {
                #expect(RowThresholds.first(in: example.sql, numbers: threshold.accepted) == nil, "\(example.question)")
            }
        }
        #expect(RuleInput.unwrittenThresholds(in: QuestionReading("alunos com presença abaixo de 75% em 2023"), sql: "SELECT 1 WHERE x < 0.75").isEmpty)
        #expect(RuleInput.unwrittenThresholds(in: QuestionReading("turmas com 4 ou mais evasoes"), sql: "SELECT 1").map(\.number) == ["4"])
        #expect(RuleInput.unwrittenThresholds(in: QuestionReading("evasoes de mais de 2023 alunos"), sql: "SELECT 1").isEmpty)
    }

    @Test("years between the named ones or closing a range, a value written by LIKE or said, counts per group: no second look", arguments: [
        ("quantas matriculas de 2022 a 2024?", "SELECT count(*) FROM matriculas WHERE ano_letivo IN (2022, 2023, 2024)"),
        ("quantas interacoes em 2023?", "SELECT count(*) FROM interacoes WHERE ocorrido_em >= '2023-01-01' AND ocorrido_em < '2024-01-01'"),
        // The girls said word for word: 'F' is theirs.
        ("quantas alunas tiraram 9 ou mais em ingles em 2024",
         "SELECT count(*) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2024 AND v.nota_ingles >= 9 AND a.genero = 'F'"),
        // A month the question names, or speaks of months: the query's months are asked for.
        ("quantas interacoes em marco de 2023?", "SELECT count(*) FROM interacoes WHERE ocorrido_em LIKE '2023-03%'"),
        ("frequencia mensal do 6A da EMEF Monteiro Lobato em 2023",
         "SELECT f.mes, round(100.0 * sum(f.presencas) / sum(f.aulas_previstas), 1) FROM frequencia_mensal f JOIN matriculas m ON m.aluno_id = f.aluno_id AND m.ano_letivo = 2023 JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE e.nome = 'EMEF Monteiro Lobato' AND t.codigo = '6A' AND t.ano_letivo = 2023 AND f.mes LIKE '2023-%' GROUP BY f.mes"),
        // A negation the query writes (IS NULL, NOT EXISTS).
        ("quantos alunos nao tem nota de ingles em 2024?", "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND nota_ingles IS NULL"),
        ("quantos alunos nunca acessaram a plataforma em 2024?",
         "SELECT count(*) FROM alunos a WHERE NOT EXISTS (SELECT 1 FROM interacoes i WHERE i.aluno_id = a.id AND i.tipo = 'acesso' AND i.ocorrido_em LIKE '2024-%')"),
        ("qual mes de 2023 teve mais interacoes?", "SELECT substr(ocorrido_em, 1, 7) AS mes, count(*) AS n FROM interacoes WHERE ocorrido_em >= '2023-02-01' AND ocorrido_em < '2024-01-01' GROUP BY mes ORDER BY n DESC LIMIT 1"),
        ("quantos acessos a plataforma teve em 2024?", "SELECT count(*) FROM interacoes WHERE tipo LIKE 'acesso%' AND ocorrido_em LIKE '2024-%'"),
        ("Quantas escolas há em cada rede?", "SELECT rede, count(*) FROM escolas GROUP BY rede"),
        // Girls and boys named ('F', 'M'), grouped by their column rather than compared with each.
        ("quantas meninas e quantos meninos evadiram em 2023?",
         "SELECT a.genero, count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2023 GROUP BY a.genero"),
        // "nota de matemática" read from nota_matematica: the one-word entregas.nota is not insisted on.
        ("nota media de matematica das meninas em 2023",
         "SELECT round(avg(v.nota_matematica), 2) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id WHERE v.ano_letivo = 2023 AND a.genero = 'F'"),
        // Values the question says through their column's synonyms ("largaram": situacao), or
        // through its name ("pedra"), are its reading of the question.
        ("dos nascidos em 2010, qts largaram os estudos em 2023",
         "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.data_nascimento LIKE '2010-%' AND m.ano_letivo = 2023 AND m.situacao = 'evadida'"),
        ("quantos alunos de pedra mais alta em 2024?", "SELECT count(*) FROM avaliacoes_anuais WHERE ano_letivo = 2024 AND pedra = 'Topázio'"),
        // Labels a CASE gives its groups are no filter.
        ("quantos alunos por turno em 2023?",
         "SELECT CASE WHEN t.turno = 'manhã' THEN 'cedo' ELSE 'depois' END AS periodo, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE m.ano_letivo = 2023 AND t.ano_letivo = 2023 GROUP BY periodo"),
        // Groups the question asks for: by a column's name, by a synonym of its table.
        ("quantos alunos evadiram por turno em 2023?",
         "SELECT t.turno, count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2023 AND t.ano_letivo = 2023 GROUP BY t.turno"),
        // A year asked per value, grouped by the year of a date; a list "ordenada por" a column.
        ("quantas evasoes houve em cada ano?", "SELECT substr(data_saida, 1, 4) AS ano, count(*) FROM matriculas WHERE situacao = 'evadida' GROUP BY substr(data_saida, 1, 4)"),
        ("quais as 5 maiores notas de matematica de 2024, ordenadas por nota",
         "SELECT v.nota_matematica FROM avaliacoes_anuais v WHERE v.ano_letivo = 2024 ORDER BY v.nota_matematica DESC LIMIT 5"),
        ("qual unidade teve mais evasões em 2024?",
         "SELECT e.nome, count(*) AS evasoes FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2024 AND t.ano_letivo = 2024 GROUP BY e.nome ORDER BY evasoes DESC LIMIT 1"),
        // A date asked for and shown; "quando" in a count is no date asked for.
        ("quando foi feita a primeira matricula da rede?", "SELECT min(data_matricula) FROM matriculas"),
        ("em que dia o aluno 20170001 saiu?", "SELECT m.data_saida FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.ra = '20170001'"),
        ("quantos alunos evadiram em 2023 quando estavam na fase 8?",
         "SELECT count(*) FROM matriculas m JOIN turmas t ON t.id = m.turma_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2023 AND t.fase = 8"),
        // "estudos" shares a stem with "estudando" (alunos ativos) and says something else: no look for 'ativa'.
        ("dos nascidos em 2010, qts largaram os estudos no ano letivo de 2023",
         "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.data_nascimento LIKE '2010-%' AND m.ano_letivo = 2023 AND m.situacao = 'evadida'"),
    ])
    func noSecondLook(question: String, sql: String) throws {
        let (assistant, server) = try Setup.assistant(replies: [sql])
        let answer = assistant.ask(question)
        #expect(answer.status == .ok && server.requests.count == 1, "\(answer.attempts.map(\.observation?.note))")
    }

    @Test("the same count once per value, joined by UNION: the look asks for one number of each value, grouped")
    func unionOfCounts() throws {
        let perValue = "SELECT count(*) AS municipais FROM escolas WHERE rede = 'municipal' UNION ALL SELECT count(*) AS estaduais FROM escolas WHERE rede = 'estadual'"
        let grouped = "SELECT rede, count(*) FROM escolas WHERE rede IN ('municipal', 'estadual') GROUP BY rede"
        let (assistant, server) = try Setup.assistant(replies: [perValue, grouped])
        let answer = assistant.ask("quantas escolas municipais e quantas estaduais?")
        #expect(server.requests.count == 2 && answer.status == .ok && answer.message == nil && answer.sql == grouped)
        #expect(answer.attempts.first?.observation?.note == "a pergunta cita 'estadual' e 'municipal' (escolas.rede), mas a consulta não agrupa por rede")
        #expect(answer.result?.columns.first == "rede" && answer.result?.totalRows == 2)
    }

    @Test("two copies of one count under two names, and a class joined to a student's grades: fixed before the query runs")
    func repeatedColumnAndBridgedKeys() throws {
        let twoCounts = "SELECT t.turno, count(*) AS turmas_manha, count(*) AS turmas_tarde FROM turmas t WHERE t.ano_letivo = 2024 GROUP BY t.turno"
        let (assistant, server) = try Setup.assistant(replies: [twoCounts])
        let answer = assistant.ask("qts turmas de manha e qts de tarde em 2024")
        #expect(server.requests.count == 1 && answer.status == .ok && answer.message == nil)
        #expect(answer.sql == "SELECT t.turno, count(*) AS turmas FROM turmas t WHERE t.ano_letivo = 2024 GROUP BY t.turno")
        #expect(answer.result?.columns == ["turno", "turmas"])
        let crossed = "SELECT max(v.nota_ingles) FROM turmas t JOIN avaliacoes_anuais v ON t.id = v.aluno_id WHERE t.ano_letivo = 2024 AND v.ano_letivo = 2024"
        let (grades, _) = try Setup.assistant(replies: [crossed])
        let best = grades.ask("maior nota de ingles em 2024")
        #expect(best.sql?.contains("JOIN matriculas ON matriculas.turma_id = t.id JOIN avaliacoes_anuais v ON v.aluno_id = matriculas.aluno_id") == true)
        #expect(best.attempts.first?.repairs.map(\.note).first == "junção t.id = v.aluno_id comparava chaves de turmas e de alunos: passa por matriculas")
    }

    @Test("a named value whose column the query never mentions is added to its WHERE, and said so")
    func namedValueAdded() throws {
        let (assistant, server) = try Setup.assistant(replies: ["SELECT count(*) FROM interacoes WHERE ocorrido_em LIKE '2024-%'"])
        let answer = assistant.ask("quantos acessos a plataforma teve em 2024?")
        #expect(server.requests.count == 1 && answer.status == .ok && answer.message == nil)
        #expect(answer.sql == "SELECT count(*) FROM interacoes WHERE ocorrido_em LIKE '2024-%' AND interacoes.tipo = 'acesso'")
        #expect(answer.attempts.first?.repairs.map(\.note) == ["filtro do valor citado acrescentado: interacoes.tipo = 'acesso' (a pergunta o cita, e a consulta não olhava essa coluna)"])
    }

    @Test("an enrolment's column read from a query of students: the enrolments join, held to the year said, and the arrival year the question never names goes")
    func yearlyChildJoined() throws {
        let written = "SELECT genero, count(*) FROM alunos WHERE matriculas.situacao = 'evadida' AND ano_ingresso = 2023 GROUP BY genero"
        let (assistant, server) = try Setup.assistant(replies: [written])
        let answer = assistant.ask("quantos meninos e quantas meninas largaram a escola em 2023")
        #expect(server.requests.count == 1 && answer.status == .ok && answer.message == nil)
        #expect(answer.sql == "SELECT genero, count(*) FROM alunos JOIN matriculas ON matriculas.aluno_id = alunos.id WHERE matriculas.situacao = 'evadida' AND matriculas.ano_letivo = 2023 GROUP BY genero")
        #expect(answer.attempts.first?.repairs.map(\.note) == [
            "matriculas juntada por matriculas.aluno_id = alunos.id, no ano que a pergunta cita (matriculas.ano_letivo = 2023)",
            "filtro ano_ingresso = 2023 tirado: 2023 é o ano do que a pergunta conta, já filtrado, e ela não fala dessa coluna",
        ])
        let database = try Setup.parts.get().0
        let gold = try Connection(path: database, mode: .readOnly).query("SELECT a.genero, count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE m.ano_letivo = 2023 AND m.situacao = 'evadida' GROUP BY a.genero ORDER BY 1")
        #expect(answer.result?.rows.map { $0[1].integer } == gold.map { $0[1].integer })
    }

    @Test("\"novatos\" speaks of the arrival year through its term: that year's filter is the question's, and stays")
    func noviceYearKept() throws {
        let novices = "SELECT count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE a.ano_ingresso = 2024 AND m.ano_letivo = 2024 AND m.situacao = 'evadida'"
        let (kept, server) = try Setup.assistant(replies: [novices])
        let answer = kept.ask("qts alunos novatos de 2024 ja sumiram da escola")
        #expect(server.requests.count == 1 && answer.sql == novices && answer.attempts.first?.repairs.isEmpty == true)
        // Without the term's words, the same filter is one the question never speaks of: it goes.
        let (unsaid, _) = try Setup.assistant(replies: [novices])
        #expect(unsaid.ask("qts alunos de 2024 ja sumiram da escola").attempts.first?.repairs.map(\.note).contains { $0.hasPrefix("filtro a.ano_ingresso = 2024 tirado") } == true)
    }

    @Test("a said term comparing two columns, left out: the look names the condition, and the query that writes it answers")
    func comparedColumnsDropped() throws {
        let written = "SELECT count(*) AS alunos FROM matriculas m WHERE m.situacao = 'evadida' AND m.ano_letivo = 2024"
        let novices = "SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.ano_ingresso = m.ano_letivo AND m.ano_letivo = 2024 AND m.situacao = 'evadida'"
        let (assistant, server) = try Setup.assistant(replies: [written, novices])
        let answer = assistant.ask("qts alunos novatos de 2024 ja sumiram da escola")
        #expect(server.requests.count == 2 && answer.status == .ok && answer.message == nil && answer.sql == novices)
        #expect(answer.attempts.first?.observation?.note.contains("(alunos.ano_ingresso = matriculas.ano_letivo), mas a consulta não usa essa condição") == true,
                "\(String(describing: answer.attempts.first?.observation?.note))")
        let database = try Setup.parts.get().0
        let gold = try Connection(path: database, mode: .readOnly).query("SELECT count(*) FROM matriculas m JOIN alunos a ON a.id = m.aluno_id WHERE a.ano_ingresso = 2024 AND m.ano_letivo = 2024 AND m.situacao = 'evadida'")
        #expect(answer.result?.rows.first?[0].integer == gold[0][0].integer)
    }

    @Test("a 'quantos' with no 'cada' or 'por', still counted per school after the look and a fresh ask: one number")
    func perGroupCountUngrouped() throws {
        let grouped = "SELECT e.nome AS escola, count(*) AS alunos FROM matriculas m JOIN turmas t ON t.id = m.turma_id JOIN escolas e ON e.id = t.escola_id WHERE m.situacao = 'evadida' AND m.ano_letivo = 2024 GROUP BY e.nome"
        let (assistant, server) = try Setup.assistant(replies: [grouped])
        let answer = assistant.ask("qts alunos ja sumiram da escola em 2024")
        #expect(server.requests.count == 3 && answer.status == .ok && answer.message == nil)
        #expect(answer.result?.totalRows == 1 && answer.result?.columns == ["alunos"])
        #expect(answer.attempts.last?.repairs.map(\.note).last == "agrupamento por e.nome tirado: a pergunta não pede um resultado por e.nome")
    }

    @Test("a grouped column kept to one of the values the question compares is widened to them all, and shown")
    func groupWidenedAndShown() throws {
        let written = "SELECT avg(v.inde) AS media FROM avaliacoes_anuais v JOIN matriculas m ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN turmas t ON t.id = m.turma_id WHERE v.ano_letivo = 2022 AND t.turno = 'tarde' GROUP BY t.turno"
        let (assistant, server) = try Setup.assistant(replies: [written])
        let answer = assistant.ask("inde medio dos alunos da manha comparado com os da tarde em 2022")
        #expect(server.requests.count == 1 && answer.status == .ok && answer.message == nil)
        #expect(answer.result?.columns == ["turno", "media"] && answer.result?.totalRows == 2)
        #expect(answer.attempts.first?.repairs.map(\.note) == [
            "filtro do ano acrescentado: t.ano_letivo = 2022 (a pergunta fala de 2022, e essa tabela não era filtrada)",
            "turno = 'tarde' virou turno IN ('manhã', 'tarde'): a pergunta cita esses valores, e a consulta agrupa por turno",
            "t.turno acrescentado ao resultado: a consulta agrupa por t.turno, e sem isso não se sabe de que grupo é cada linha",
        ])
    }

    @Test("a table joined only to be counted over, never read: the join goes, and each student counts once")
    func unusedJoinRemoved() throws {
        let written = "SELECT count(*) FROM avaliacoes_anuais a JOIN entregas e ON a.aluno_id = e.aluno_id WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL"
        let (assistant, server) = try Setup.assistant(replies: [written])
        let answer = assistant.ask("qts alunos ficaram sem nota de ingles no boletim de 2024")
        #expect(server.requests.count == 1 && answer.status == .ok)
        #expect(answer.sql == "SELECT count(*) FROM avaliacoes_anuais a WHERE a.ano_letivo = 2024 AND a.nota_ingles IS NULL")
        #expect(answer.attempts.first?.repairs.map(\.note) == ["junção com entregas tirada: a consulta não lê nada dela, e cada linha se repetia uma vez por linha de entregas"])
        // The query as the model wrote it stays on the attempt, to weigh the rule against it later.
        #expect(answer.attempts.first?.written == written)
        let json = String(decoding: try JSONEncoder().encode(answer.attempts[0]), as: UTF8.self)
        #expect(json.contains("\"written\""))
    }

    @Test("a look that needs another table says how to join it, the join of the same student and year first")
    func joinAdviceSameGrain() throws {
        let (assistant, _) = try Setup.assistant(replies: ["SELECT 1"])
        let context = assistant.context(for: "inde medio dos alunos da manha comparado com os da tarde em 2022")
        let input = assistant.ruleInput(sql: "SELECT 1", reading: QuestionReading("inde medio dos alunos da manha comparado com os da tarde em 2022"), context: context)
        #expect(input.joinAdvice(to: "matriculas", sql: "SELECT avg(v.inde) FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id", context: context)
            == "junte matriculas: JOIN matriculas ON avaliacoes_anuais.aluno_id = matriculas.aluno_id AND avaliacoes_anuais.ano_letivo = matriculas.ano_letivo")
        #expect(input.joinAdvice(to: "turmas", sql: "SELECT count(*) FROM matriculas", context: context) == "junte turmas: JOIN turmas ON matriculas.turma_id = turmas.id")
        #expect(input.joinAdvice(to: "turmas", sql: "SELECT count(*) FROM turmas", context: context) == nil)
    }

    @Test("the prompt asks for a row per value when the question names several of one column")
    func groupAdvice() throws {
        let (assistant, _) = try Setup.assistant(replies: ["SELECT 1"])
        let question = "quantos meninos e quantas meninas evadiram em 2023?"
        let prompt = assistant.generationPrompt(question, context: assistant.context(for: question))
        #expect(prompt.contains("A pergunta cita 2 valores de alunos.genero ('F', 'M'): para um número de cada, agrupe por alunos.genero (GROUP BY)"))
        let single = "quantas meninas evadiram em 2023?"
        #expect(!assistant.generationPrompt(single, context: assistant.context(for: single)).contains("agrupe por"))
    }

    @Test("voting passes over results that look odd when another candidate's does not")
    func votingSkipsOddResults() throws {
        var options = Assistant.Options()
        options.samples = 3
        let grouped = "SELECT nome, count(*) FROM disciplinas GROUP BY nome"
        let (assistant, _) = try Setup.assistant(replies: [grouped, grouped, "SELECT count(*) AS disciplinas FROM disciplinas"], options: options)
        let answer = assistant.ask("quantas disciplinas tem o curriculo?")
        #expect(answer.status == .ok && answer.sql == "SELECT count(*) AS disciplinas FROM disciplinas")
        #expect(answer.result?.totalRows == 1)
        // All odd: the most agreed stays, with the warning.
        let (odd, _) = try Setup.assistant(replies: [grouped, grouped, grouped], options: options)
        let kept = odd.ask("quantas disciplinas tem o curriculo?")
        #expect(kept.sql == grouped && kept.message?.hasPrefix("atenção: a pergunta pede um número só") == true)
    }

    @Test("a dropped year earns the extra look; when it goes wrong, the first answer stays, with the warning")
    func failedSecondLook() throws {
        let (dropped, droppedServer) = try Setup.assistant(replies: ["SELECT count(*) FROM escolas", "SELECT nada FROM"])
        let kept = dropped.ask("quantas escolas tinham turmas da tarde em 2023?")
        #expect(droppedServer.requests.count == 3)
        #expect(Setup.lastMessage(droppedServer, request: 1).contains("a pergunta fala de 2023, mas a consulta não usa esse ano"))
        #expect(kept.status == .ok && kept.sql == "SELECT count(*) FROM escolas" && kept.result?.totalRows == 1)
        // The user reads what is wrong; "filtre por ele" was for the model.
        #expect(kept.message == "atenção: a pergunta fala de 2023, mas a consulta não usa esse ano")
    }
}

@Suite("follow-up questions")
struct FollowUpTests {
    let history = [Turn(question: "Quantas turmas cada escola tem em 2023?", sql: "SELECT 1")]

    @Test("a follow-up searches with the question before it; a new question searches alone", arguments: [
        ("e em 2022?", true), ("só da tarde", true), ("por escola?", true),
        ("Quantos alunos evadiram em 2023 na rede toda?", false), ("Qual a média do INDE por pedra?", false),
    ])
    func retrievalText(question: String, continues: Bool) {
        let text = Assistant.retrievalText(for: question, history: history)
        #expect(text == (continues ? "Quantas turmas cada escola tem em 2023? " + question : question))
        #expect(Assistant.retrievalText(for: question, history: []) == question)
    }
}
