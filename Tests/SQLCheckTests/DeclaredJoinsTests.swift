import Catalog
import Database
import Foundation
@testable import SQLCheck
import TestSupport
import Testing

@Suite("A join by part of a relation the catalog declares (fix.declared-join)")
struct DeclaredJoinsTests {
    @Test("escola's metadata: the risk or the evaluation joined to the enrolment by the student alone gets the year, and 5B means the 5B of that year")
    func escola() throws {
        let (validator, database) = try ValidationTests.setup.get()
        let repairer = SQLRepair(catalog: validator.catalog)
        let risk = "SELECT a.ra, r.probabilidade FROM scores_risco r JOIN alunos a ON a.id = r.aluno_id JOIN matriculas m ON m.aluno_id = r.aluno_id "
            + "JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B' ORDER BY r.probabilidade DESC"
        let fixedRisk = try #require(repairer.declaredJoinsCompleted(risk))
        #expect(fixedRisk.sql.contains("JOIN matriculas m ON m.aluno_id = r.aluno_id AND m.ano_letivo = r.ano_letivo JOIN turmas"))
        #expect(fixedRisk.notes == ["junção m.aluno_id = r.aluno_id completada com m.ano_letivo = r.ano_letivo, como o catálogo declara a relação de matriculas com scores_risco; só por aluno_id, cada linha encontrava as de outros ano_letivo"])

        // The test database has no scores yet; the evaluations show what the year changes.
        let evaluation = "SELECT a.ra, v.inde FROM avaliacoes_anuais v JOIN alunos a ON a.id = v.aluno_id JOIN matriculas m ON m.aluno_id = v.aluno_id "
            + "JOIN turmas t ON t.id = m.turma_id WHERE t.codigo = '5B' AND v.ano_letivo = 2024"
        let fixed = try #require(repairer.declaredJoinsCompleted(evaluation))
        #expect(fixed.sql.contains("ON m.aluno_id = v.aluno_id AND m.ano_letivo = v.ano_letivo JOIN"))
        // Each student once: without the year, a student of 5B in 2022 came back beside the INDE of 2024.
        let connection = try Connection(path: database, mode: .readOnly)
        let students = try connection.query(fixed.sql).map { $0.values[0] }
        #expect(!students.isEmpty && Set(students).count == students.count)
        #expect(try connection.query(evaluation).count > students.count)
    }

    @Test("years chosen one by one, and a relation nobody declared, stay as written")
    func leftAlone() throws {
        let (validator, _) = try ValidationTests.setup.get()
        let repairer = SQLRepair(catalog: validator.catalog)
        #expect(repairer.declaredJoinsCompleted(
            "SELECT r.probabilidade FROM scores_risco r JOIN matriculas m ON m.aluno_id = r.aluno_id WHERE r.ano_letivo = 2024 AND m.ano_letivo = 2023") == nil)
        #expect(repairer.declaredJoinsCompleted("SELECT count(*) FROM entregas e JOIN avaliacoes_anuais v ON v.aluno_id = e.aluno_id") == nil)
    }

    @Test("a machine-built catalog declares nothing: a college year and a Hall of Fame vote keep their own years")
    func undeclared() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("beisebol.sqlite")
        let writer = try Connection(path: path, mode: .create)
        try writer.execute("""
            CREATE TABLE People (playerID TEXT PRIMARY KEY, nameFirst TEXT);
            CREATE TABLE CollegePlaying (playerID TEXT REFERENCES People (playerID), schoolID TEXT, yearID INTEGER);
            CREATE TABLE HallOfFame (playerID TEXT REFERENCES People (playerID), yearID INTEGER, inducted TEXT);
            """)
        let catalog = Catalog(name: "beisebol", schema: try writer.introspect(), metadata: CatalogMetadata(tables: [], glossary: [], examples: []))
        #expect(SQLRepair(catalog: catalog).declaredJoinsCompleted(
            "SELECT count(DISTINCT c.playerID) FROM CollegePlaying c JOIN HallOfFame h ON h.playerID = c.playerID WHERE h.inducted = 'Y'") == nil)
    }
}
