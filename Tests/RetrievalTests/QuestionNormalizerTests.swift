import Retrieval
import Testing

@Suite("Questions typed in a hurry")
struct QuestionNormalizerTests {
    @Test("abbreviations are spelled out and typos of catalog words fixed; other words kept")
    func normalize() throws {
        let normalizer = try Fixture.retriever.get().normalizer
        #expect(normalizer.normalize("qts alnos da fase 8 concluiram em 2023?") == "quantos alunos da fase 8 concluiram em 2023")
        #expect(normalizer.normalize("quantso alunos nasceram em 2015") == "quantos alunos nasceram em 2015")
        // A linking word one edit from a catalog word is still that word ("foram", not "forma").
        let spreadsheet = QuestionNormalizer(texts: ["Coluna Forma de Atuacao: a forma, a forma, a forma de atuação do pescador."])
        #expect(spreadsheet.normalize("quantos foram cadastrados na formma embarcada") == "quantos foram cadastrados na forma embarcada")
        #expect(normalizer.normalize("nota de mat e tb de port") == "nota de matematica e tambem de portugues")
        #expect(normalizer.normalize("Turma 5B, EMEF Monteiro Lobato") == "turma 5b emef monteiro lobato")
    }

    @Test("spelled out for the model: only abbreviations and typos change, accents and punctuation stay")
    func spellOut() throws {
        let normalizer = try Fixture.retriever.get().normalizer
        #expect(normalizer.spellOut("qtos alnos NÃO acessaram a plataforma em maio/2023?") == "quantos alunos NÃO acessaram a plataforma em maio/2023?")
        #expect(normalizer.spellOut("em q cidade fica o Colégio Passo a Passo") == "em que cidade fica o Colégio Passo a Passo")
        #expect(normalizer.spellOut("notas p/ turma 5B") == "notas p/ turma 5B")
    }

    @Test("the normalised question finds the example the abbreviated one missed")
    func retrieval() throws {
        let retriever = try Fixture.retriever.get()
        let typed = "me passa a nota de mat da rede toda em 2024 e tb a de port"
        let context = try Fixture.context(retriever.normalizer.normalize(typed))
        #expect(context.examples.first?.question == "Qual a nota média de matemática e de português por fase em 2024?")
    }
}
