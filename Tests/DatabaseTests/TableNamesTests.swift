import Database
import Testing

/// The tables a statement reads, from its tokens: what every rule and measure that asks "which
/// tables does this query read" gets, on any database's names.
@Suite("tabelas lidas por uma consulta")
struct TableNamesTests {
    @Test("a quoted name with a space, an accented name and a schema-qualified one are tables; a string or a comment is not")
    func quotedAndAccented() {
        // A registry of animals whose table has a space in its name.
        #expect(tablesNamed(inSQL: "SELECT count(*) FROM \"SinPatinhas 2025\" WHERE no_municipio = 'FROM x'") == ["sinpatinhas 2025"])
        #expect(tablesNamed(inSQL: "SELECT m.id FROM matrículas m JOIN main.\"Notas Finais\" n ON n.aluno = m.aluno") == ["matrículas", "notas finais"])
        #expect(tablesNamed(inSQL: "SELECT 1 FROM [Nº Turma] -- JOIN escondida\n") == ["nº turma"])
    }

    @Test("every table of a comma list, at every depth; a subquery in FROM is read for its own tables")
    func commaListsAndSubqueries() {
        // Baseball: the comma join the model often writes.
        #expect(tablesNamed(inSQL: "SELECT b.HR FROM Batting b, Teams t WHERE b.teamID = t.teamID") == ["batting", "teams"])
        #expect(tablesNamed(inSQL: "SELECT * FROM (SELECT carrier FROM flights, airlines) x JOIN planes p ON 1") == ["flights", "airlines", "planes"])
        // After WHERE a comma separates values, not tables.
        #expect(tablesNamed(inSQL: "SELECT a, b FROM alunos WHERE id IN (1, 2) GROUP BY a, b") == ["alunos"])
    }
}
