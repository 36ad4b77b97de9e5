import Database
import Evaluation
import Testing

/// Execution accuracy on crafted pairs: what counts as the same answer, and what does not.
@Suite("comparação de resultados")
struct ResultComparisonTests {
    func compare(_ predicted: [[DatabaseValue]], _ gold: [[DatabaseValue]], ordered: Bool = false) -> ResultComparison.Verdict {
        ResultComparison.compare(predicted, columns: predicted.first?.count ?? 0, gold, columns: gold.first?.count ?? 0, orderMatters: ordered)
    }

    @Test("a ordem das linhas só conta quando a pergunta pede ordem")
    func rowOrder() {
        let gold: [[DatabaseValue]] = [["A", 3], ["B", 2], ["C", 1]]
        let shuffled: [[DatabaseValue]] = [["C", 1], ["A", 3], ["B", 2]]
        #expect(compare(shuffled, gold) == .same)
        #expect(compare(shuffled, gold, ordered: true) == .different("as linhas certas, na ordem errada"))
        #expect(compare(gold, gold, ordered: true) == .same)
    }

    @Test("linhas repetidas contam como multiconjunto")
    func duplicates() {
        let gold: [[DatabaseValue]] = [[1], [1], [2]]
        #expect(compare([[1], [2], [1]], gold) == .same)
        #expect(!compare([[1], [2], [2]], gold).isSame)
        #expect(compare([[1], [2]], gold) == .different("2 linhas, esperava 3"))
    }

    @Test("números com tolerância pequena: arredondar não erra, mudar o valor sim")
    func numbers() {
        #expect(compare([[7.4567]], [[7.46]]) == .same)
        #expect(compare([[12.3]], [[12.3456]]) == .same)  // either side may be the rounded one
        #expect(compare([[3]], [[3.0]]) == .same)
        #expect(compare([[.real(0.1 + 0.2)]], [[0.3]]) == .same)
        #expect(!compare([[3.4]], [[3.0]]).isSame)
        #expect(!compare([[7.44]], [[7.46]]).isSame)
        #expect(!compare([[0.123]], [[12.3]]).isSame)  // a fraction is not a percentage
        #expect(!compare([[1_234_567.5]], [[1_234_567.0]]).isSame)
        #expect(!compare([[41]], [[42]]).isSame)
        #expect(compare([["2023"]], [[2023]]) == .same)  // strftime gives text
        #expect(!compare([["2023-01"]], [[2023]]).isSame)
    }

    @Test("NULL só é igual a NULL")
    func nulls() {
        #expect(compare([[nil, "a"]], [[nil, "a"]]) == .same)
        #expect(!compare([[0]], [[nil]]).isSame)
        #expect(!compare([[""]], [[nil]]).isSame)
        #expect(compare([[nil], [1]], [[1], [nil]]) == .same)
    }

    @Test("colunas em outra ordem e com outros nomes valem; colunas a mais ou a menos não")
    func columns() {
        let gold: [[DatabaseValue]] = [["EMEF Paulo Freire", 120, 7.5], ["EE Cora Coralina", 98, 6.25]]
        let permuted: [[DatabaseValue]] = [[6.25, "EE Cora Coralina", 98], [7.5, "EMEF Paulo Freire", 120]]
        #expect(compare(permuted, gold) == .same)
        #expect(compare([[7.5, "EMEF Paulo Freire", 120], [6.25, "EE Cora Coralina", 98]], gold, ordered: true) == .same)
        #expect(compare([["EMEF Paulo Freire", 120], ["EE Cora Coralina", 98]], gold) == .different("2 colunas, esperava 3"))
        #expect(!compare([["EMEF Paulo Freire", 120, 7.5, 1], ["EE Cora Coralina", 98, 6.25, 2]], gold).isSame)
        // Values in the right columns but paired across rows wrongly are not the same answer.
        #expect(compare([["EMEF Paulo Freire", 98, 7.5], ["EE Cora Coralina", 120, 6.25]], gold)
            == .different("os valores das linhas não conferem"))
    }

    @Test("colunas com os mesmos valores: procura o emparelhamento que dá as mesmas linhas")
    func ambiguousColumns() {
        // Both numeric columns hold {1, 2}; only swapping them gives the gold rows.
        let gold: [[DatabaseValue]] = [["a", 1, 2], ["b", 2, 1]]
        #expect(compare([[2, "a", 1], [1, "b", 2]], gold) == .same)
        #expect(!compare([[1, "a", 1], [2, "b", 2]], gold).isSame)
    }

    @Test("vazio contra vazio é igual; vazio contra algo não")
    func empty() {
        #expect(compare([], []) == .same)
        #expect(compare([], [[1]]) == .different("0 linhas, esperava 1"))
    }

    @Test("resultados cortados pelo limite não são dados como certos")
    func truncated() {
        let cut = QueryResult(columns: ["n"], rows: [[1]], totalRows: 5, duration: .zero)
        let whole = QueryResult(columns: ["n"], rows: [[1], [2], [3], [4], [5]], totalRows: 5, duration: .zero)
        #expect(!ResultComparison.compare(cut, whole, orderMatters: false).isSame)
        #expect(ResultComparison.compare(whole, whole, orderMatters: false) == .same)
    }
}
