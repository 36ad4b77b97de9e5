import Database
import Foundation
import Retrieval
import Testing

/// The year a question names, written the way each table of the bundled database can filter it.
@Suite("Period filters")
struct PeriodFiltersTests {
    @Test("years and months are read however a manager writes them")
    func periods() {
        #expect(PeriodFilters.periods(in: "total de faltas em 2023?") == [Period(year: 2023)])
        #expect(PeriodFilters.periods(in: "qtos alunos nao acessaram em maio de 2023") == [Period(year: 2023, month: 5)])
        #expect(PeriodFilters.periods(in: "entregas em Março 2024") == [Period(year: 2024, month: 3)])
        #expect(PeriodFilters.periods(in: "faltas em 03/2024") == [Period(year: 2024, month: 3)])
        #expect(PeriodFilters.periods(in: "acessos em set/2023") == [Period(year: 2023, month: 9)])
        #expect(PeriodFilters.periods(in: "quanto variou de 2022 pra 2023, e em 2022 de novo")
            == [Period(year: 2022), Period(year: 2023)])
        // Not years: a RA, a count, a grade.
        #expect(PeriodFilters.periods(in: "aluno de RA 20220042 com mais de 200 acessos e nota 5").isEmpty)
    }

    @Test("'no ano anterior' is the year before the earliest said, 'no ano seguinte' the year after the latest; with no year said, none")
    func relativeYears() {
        #expect(PeriodFilters.relativeYears(in: "dos evadidos de 2024, qtos ja eram infrequentes no ano anterior") == [2023])
        #expect(PeriodFilters.relativeYears(in: "quem concluiu em 2022 e 2023 e evadiu no ano seguinte") == [2024])
        #expect(PeriodFilters.relativeYears(in: "média do IEG em 2024 e no ano passado") == [2023])
        #expect(PeriodFilters.relativeYears(in: "alunos que evadiram no ano anterior").isEmpty)
        #expect(PeriodFilters.relativeYears(in: "total de faltas em 2023, por ano").isEmpty)
    }

    @Test("each fact table gets its own filter: a year column, or a date or month column")
    func filtersPerTable() throws {
        let schema = try Fixture.retriever.get().catalog.schema
        let filters = PeriodFilters.filters(
            for: Period(year: 2023), tables: ["frequencia_mensal", "matriculas", "escolas", "cubo_engajamento", "entregas", "alunos", "avaliacoes_anuais"],
            schema: schema)
        let byTable = Dictionary(uniqueKeysWithValues: filters.map { ($0.table, $0.conditions) })
        #expect(byTable["frequencia_mensal"] == ["frequencia_mensal.mes LIKE '2023-%'"])
        #expect(byTable["matriculas"]?.first == "matriculas.ano_letivo = 2023")
        #expect(byTable["matriculas"]?.contains("matriculas.data_saida LIKE '2023-%'") == true)
        // A view is not sampled; its `mes` is a month like the table's.
        #expect(byTable["cubo_engajamento"] == ["cubo_engajamento.mes LIKE '2023-%'"])
        #expect(byTable["entregas"] == ["entregas.entregue_em LIKE '2023-%'"])
        #expect(byTable["escolas"] == nil)
        // One row per student per year: the year is part of the key, and still the year.
        #expect(byTable["avaliacoes_anuais"] == ["avaliacoes_anuais.ano_letivo = 2023"])
        // A student's birth date and year of entry describe the student; they are not when things happened.
        #expect(byTable["alunos"] == nil)
        // With a month, the date the question's words found comes first: a year column cannot say it.
        let may = PeriodFilters.filters(for: Period(year: 2023, month: 5), tables: ["matriculas", "interacoes"], schema: schema,
                                        preferred: ["matriculas": ["data_saida"]])
        #expect(may.first?.conditions.prefix(2) == ["matriculas.data_saida LIKE '2023-05%'", "matriculas.ano_letivo = 2023"])
        // A date nothing pointed at may be some other event (the day of enrolment): the year column first.
        let september = PeriodFilters.filters(for: Period(year: 2024, month: 9), tables: ["matriculas", "interacoes"], schema: schema)
        #expect(september.first?.conditions.first == "matriculas.ano_letivo = 2024")
        #expect(september.last?.conditions == ["interacoes.ocorrido_em LIKE '2024-09%'"])
    }

    @Test("every filter runs on the bundled database; each filled table's first one finds that year's rows")
    func filtersRun() throws {
        let retriever = try Fixture.retriever.get()
        let connection = try Connection(path: Fixture.folder.path("escola.sqlite"), mode: .readOnly)
        let tables = retriever.catalog.schema.tables.map(\.name)
        for filter in PeriodFilters.filters(for: Period(year: 2023), tables: tables, schema: retriever.catalog.schema) {
            // The score tables stay empty until `indaga scores` runs.
            let filled = (try connection.scalar("SELECT count(*) FROM \(filter.table)")?.integer ?? 0) > 0
            for (position, condition) in filter.conditions.enumerated() {
                let count = try connection.scalar("SELECT count(*) FROM \(filter.table) WHERE \(condition)")?.integer ?? 0
                if position == 0, filled { #expect(count > 0, "\(condition) não encontrou linhas") }
            }
        }
    }

    @Test("the filters reach the retrieved context, with their columns shown")
    func context() throws {
        let context = try Fixture.context("total de faltas em 2023?")
        #expect(context.periods == [Period(year: 2023)])
        let frequency = try #require(context.periodFilters.first { $0.table == "frequencia_mensal" })
        #expect(frequency.conditions == ["frequencia_mensal.mes LIKE '2023-%'"])
        for filter in context.periodFilters {
            let shown = try #require(context.tables.first { $0.name == filter.table }).columns
            let column = try #require(filter.conditions.first?.split(separator: " ").first?.split(separator: ".").last)
            #expect(shown.contains(String(column)))
        }
        #expect(try Fixture.context("quantas escolas há na rede").periodFilters.isEmpty)
    }

    @Test("a birth year is a filter on the birth date, not the period of the facts; a year after a table's name is a period")
    func attributeYears() throws {
        let context = try Fixture.context("dos nascidos em 2010, qts evadiram no ano letivo de 2023")
        #expect(context.attributeFilters == ["alunos.data_nascimento LIKE '2010-%'"])
        #expect(context.periods == [Period(year: 2023)])
        #expect(context.periodFilters.first { $0.table == "matriculas" }?.conditions.first == "matriculas.ano_letivo = 2023")
        #expect(context.tables.first { $0.name == "alunos" }?.columns.contains("data_nascimento") == true)
        // "alunos em 2024": the students' table named, not one of its date columns.
        let students = try Fixture.context("quantos alunos em 2024")
        #expect(students.attributeFilters.isEmpty && students.periods == [Period(year: 2024)])
    }
}
