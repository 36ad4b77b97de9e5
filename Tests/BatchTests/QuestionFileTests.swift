import Batch
import Foundation
import TestSupport
import Testing

@Suite("Reading a batch's questions")
struct QuestionFileTests {
    @Test("the extension chooses the reader")
    func kinds() {
        #expect(QuestionFile.kind(of: "perguntas.jsonl") == .jsonLines)
        #expect(QuestionFile.kind(of: "/a/b/perguntas.YAML") == .yaml)
        #expect(QuestionFile.kind(of: "perguntas.yml") == .yaml)
        #expect(QuestionFile.kind(of: "perguntas.txt") == .text)
        #expect(QuestionFile.kind(of: "perguntas") == .text)
    }

    @Test("text: comments and blank lines skipped, the id is the line number, CRLF and a BOM are fine")
    func plainText() throws {
        let text = "\u{FEFF}# perguntas da reunião\r\nQuantos alunos há?\r\n\r\n   \n  Quantas escolas?  \n# fim\nQuais turmas, por escola?"
        let questions = try QuestionFile.parse(text, kind: .text, path: "q.txt")
        #expect(questions.map(\.id) == ["2", "5", "7"])
        #expect(questions.map(\.question) == ["Quantos alunos há?", "Quantas escolas?", "Quais turmas, por escola?"])
        #expect(questions[1].place == "linha 5")
    }

    @Test("JSONL: text and numeric ids, blank lines skipped, other keys ignored")
    func jsonLines() throws {
        let text = """
            {"id": "q1", "question": "Quantos alunos há?"}

            {"id": 2, "question": "Quantas escolas?", "dono": "Ana"}
            """
        let questions = try QuestionFile.parse(text, kind: .jsonLines, path: "q.jsonl")
        #expect(questions == [
            BatchQuestion(id: "q1", question: "Quantos alunos há?", place: "linha 1"),
            BatchQuestion(id: "2", question: "Quantas escolas?", place: "linha 3"),
        ])
    }

    @Test("YAML: a list, or a mapping whose questions key holds it", arguments: [
        "- id: a\n  question: Quantos alunos há?\n- id: 7\n  question: |\n    Quantas escolas\n    há na rede?\n",
        "titulo: reunião de segunda\nquestions:\n  - id: a\n    question: Quantos alunos há?\n  - {id: 7, question: \"Quantas escolas\\nhá na rede?\"}\n",
    ])
    func yaml(text: String) throws {
        let questions = try QuestionFile.parse(text, kind: .yaml, path: "q.yaml")
        #expect(questions.map(\.id) == ["a", "7"])
        #expect(questions.map(\.question) == ["Quantos alunos há?", "Quantas escolas\nhá na rede?"])
        #expect(questions[1].place.hasPrefix("entrada 2 (linha "))
    }

    @Test("errors name the file and the line or entry", arguments: [
        ("{\"id\": 1, \"question\": \"a\"}\n{\"id\": 2, \"question\": \"b\"\n", QuestionFile.Kind.jsonLines,
         "a linha 2 de 'q' não é um objeto JSON válido: {\"id\": 2, \"question\": \"b\""),
        ("[1, 2]\n", .jsonLines, "a linha 1 de 'q' não é um objeto JSON válido: [1, 2]"),
        ("{\"id\": 1}\n", .jsonLines, "linha 1 de 'q': falta o campo \"question\""),
        ("{\"question\": \"a\"}\n", .jsonLines, "linha 1 de 'q': falta o campo \"id\""),
        ("{\"id\": [1], \"question\": \"a\"}\n", .jsonLines, "linha 1 de 'q': o campo \"id\" precisa ser um texto ou um número inteiro"),
        ("{\"id\": \"x\", \"question\": \"  \"}\n", .jsonLines, "linha 1 de 'q': a pergunta está vazia"),
        ("{\"id\": \"x\", \"question\": \"a\"}\n{\"id\": \"y\", \"question\": \"b\"}\n{\"id\": \"x\", \"question\": \"c\"}\n", .jsonLines,
         "o id 'x' aparece duas vezes em 'q' (linha 1 e linha 3); cada pergunta precisa de um id só seu"),
        ("- id: a\n  question: x\n- id: b\n  question: [y\n", .yaml, "o YAML de 'q' não é válido na linha 5"),
        ("- id: a\n  question: x\n- id: a\n  question: y\n", .yaml,
         "o id 'a' aparece duas vezes em 'q' (entrada 1 (linha 1) e entrada 2 (linha 3))"),
        ("- id: a\n- id: b\n  question: y\n", .yaml, "entrada 1 (linha 1) de 'q': falta o campo \"question\""),
        ("- id: a\n  question: {texto: y}\n", .yaml, "entrada 1 (linha 1) de 'q': o campo \"question\" precisa ser um texto"),
        ("perguntas:\n  - id: a\n", .yaml, "o arquivo precisa ser uma lista de perguntas"),
        ("# só comentários\n\n", .text, "'q' não tem nenhuma pergunta"),
    ])
    func errors(text: String, kind: QuestionFile.Kind, message: String) {
        #expect {
            try QuestionFile.parse(text, kind: kind, path: "q")
        } throws: { error in
            let description = (error as? BatchError)?.errorDescription ?? ""
            return (error as? BatchError)?.isUsage == true && description.contains(message)
        }
    }

    @Test("a missing file and a folder are named")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        #expect(throws: BatchError.inputMissing(path: folder.path("sumiu.txt"))) { try QuestionFile.load(path: folder.path("sumiu.txt")) }
        #expect(throws: BatchError.inputIsFolder(path: folder.url.path)) { try QuestionFile.load(path: folder.url.path) }
        try Data("Quantos alunos há?\n".utf8).write(to: folder.url.appendingPathComponent("q.txt"))
        #expect(try QuestionFile.load(path: folder.path("q.txt")).map(\.question) == ["Quantos alunos há?"])
    }
}
