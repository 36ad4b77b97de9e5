import Database
import Foundation
import Retrieval
import SQLCheck

extension RuleBook {
    /// The looks an answer gets after it runs, in order: the first that sees something sends the
    /// model back with it. Each is usually a wrong filter, join or shape, worth one more look.
    public static let checks: [AnswerCheck] = [
        // A value its column never stores ('F' compared with turmas.fase): says where it is.
        AnswerCheck("check.value-not-stored", "valor que a coluna não guarda", needs: [.storedValues]) { c in
            guard let mismatch = c.input.literalMismatches(in: c.sql).first else { return nil }
            var finding = RuleInput.describe(mismatch)
            if let holder = mismatch.holders.first, let join = c.input.joinAdvice(to: holder.table, sql: c.sql, context: c.input.context, question: c.question) {
                finding.hints.append(join)
            }
            return finding
        },
        // Tables no condition links: every row of one meets every row of the other.
        AnswerCheck("check.unlinked-tables", "tabelas que nenhuma condição liga") { c in
            UnlinkedTables.groups(in: c.sql, schema: c.input.schema).map(c.input.unlinkedAdvice)
        },
        AnswerCheck("check.no-rows", "nenhuma linha") { c in
            guard c.result.totalRows == 0 else { return nil }
            // "Escolas com evasão maior em 2024 do que em 2023" as two copies of the enrolments,
            // one per year, joined by the class: a class is of one year, so no row has both.
            return Finding("a consulta não devolveu nenhuma linha", hints: [c.input.yearCopiesAdvice(sql: c.sql)])
        },
        AnswerCheck("check.only-null", "só um valor vazio (NULL)") { c in
            c.result.totalRows == 1 && c.result.rows.first?.allSatisfy(\.isNull) == true ? "a consulta devolveu só um valor vazio (NULL)" : nil
        },
        AnswerCheck("check.how-many-listed", "\"quantos\" respondido com uma lista") { c in
            guard c.result.totalRows > 1, c.reading.asksHowMany, !QueryShape.counts(c.sql) else { return nil }
            return Finding("a pergunta pede quantos, mas a consulta lista \(c.result.totalRows) linhas sem contar nada", hints: ["use count(*)"])
        },
        // "Quantas entregas atrasadas" answered with the students who were late.
        AnswerCheck("check.counted-keys", "linhas pedidas, chaves distintas contadas", needs: [.foreignKeys]) { c in
            guard let (noun, table, column) = c.input.countedKeyInstead(c.sql) else { return nil }
            return Finding("a pergunta conta \(noun) (linhas de \(table)), mas a consulta conta os \(column) distintos",
                           hints: ["para contar \(noun), use count(*) das linhas de \(table)"])
        },
        // "Não acessaram nem uma vez" counted among those who did: nothing in the query negates.
        AnswerCheck("check.unnegated", "negação da pergunta que a consulta não faz") { c in
            guard let said = RuleInput.unnegated(c.question, sql: c.sql, terms: c.input.context.terms) else { return nil }
            return Finding("a pergunta fala de \"\(said)\", mas a consulta não nega nada (nem NOT, nem <>, nem = 0, nem IS NULL) e conta o contrário",
                           hints: ["para quem não tem, use NOT EXISTS (ou NOT IN) com a condição, ou uma contagem igual a 0"])
        },
        // "Nos três anos, 2022, 2023 e 2024": each one must hold in all of them, not in any one.
        AnswerCheck("check.all-years-missing", "\"nos três anos\" sem algum dos anos") { c in
            guard let all = c.reading.allYears else { return nil }
            let listed = all.map(String.init).joined(separator: ", ")
            // A BETWEEN from the first year to the last writes no year between them, and keeps them all.
            let missing = all.filter { !c.sql.contains(String($0)) }
            guard !missing.isEmpty, AllPeriods.keeps(c.sql, to: all) == nil else { return nil }
            let column = c.sql.firstMatch(of: RuleBook.yearCondition).map { String($0.1) }
            return Finding("a pergunta pede quem cumpre nos \(all.count) anos juntos (\(listed)), mas a consulta não usa " + missing.map(String.init).joined(separator: ", "),
                           hints: ["filtre \(column ?? "a coluna do ano") IN (\(listed)), agrupe por quem a resposta mostra "
                               + "e exija HAVING count(DISTINCT \(column ?? "coluna do ano")) = \(all.count) (para contar, faça isso numa subconsulta e conte as linhas dela)"])
        },
        // A year the question names and the query never writes: a filter was dropped.
        AnswerCheck("check.year-unused", "ano citado que a consulta não usa") { c in
            let years = c.reading.periods.map { String($0.year) }
            guard let missing = years.first(where: { !c.sql.contains($0) }) else { return nil }
            if let used = years.first(where: { c.sql.contains($0) }), RuleInput.compares(c.question, used, missing),
                let copies = c.input.yearCopies(sql: c.sql, question: c.question, first: used, second: missing)
            {
                return Finding("a pergunta compara \(used) com \(missing), mas a consulta só usa \(used)",
                               hints: ["leia cada ano numa cópia da tabela, juntadas pela mesma chave: \(copies)"])
            }
            return Finding("a pergunta fala de \(missing), mas a consulta não usa esse ano", hints: ["filtre por ele"])
        },
        // "Menos de 5 em matemática" answered with no 5 anywhere: the threshold was dropped.
        AnswerCheck("check.threshold-unwritten", "limite citado (\"menos de 5\") que a consulta não usa") { c in
            guard let (said, number) = RuleInput.unwrittenThresholds(in: c.reading, sql: c.sql).first else { return nil }
            return Finding("a pergunta fala de \"\(said)\", mas a consulta não compara com \(number)", hints: ["ponha essa condição"])
        },
        // "Em quais meses a presença ficou abaixo de 90%" held row by row before grouping by month.
        AnswerCheck("check.threshold-per-row", "limite do grupo aplicado a cada linha antes de agrupar") { c in
            guard let (said, condition, grouped) = c.reading.thresholds.lazy.compactMap({ threshold in
                RowThresholds.first(in: c.sql, numbers: threshold.accepted).map {
                    (threshold.said, $0, RowThresholds.groupLevel(in: c.sql, numbers: threshold.accepted))
                }
            }).first else { return nil }
            return Finding("a pergunta fala de \"\(said)\", mas a consulta aplica esse limite a cada linha no WHERE (\(condition)), antes de agrupar",
                           hints: ["se o limite é do grupo, tire essa condição do WHERE e compare a conta do grupo no HAVING (as mesmas somas do SELECT)"
                               + (grouped.map { ": HAVING \($0)" } ?? "")])
        },
        // A year the question never names ("nota 10" read as October 2024).
        AnswerCheck("check.unnamed-year", "ano que a pergunta não cita") { c in
            RuleInput.unnamedYears(in: c.sql, reading: c.reading, terms: c.input.context.terms).first.map {
                Finding("a consulta filtra \($0), um ano que a pergunta não cita", hints: ["tire esse filtro, ou use o ano que ela pede"])
            }
        },
        // A value the question never names ("menos de 5 em matemática" counted among 'Ametista' only).
        AnswerCheck("check.unnamed-value", "valor listado no catálogo por uma pessoa que a pergunta não cita", needs: [.listedValues]) { c in
            c.input.unnamedLiterals(in: c.sql).first.map {
                Finding("a consulta filtra '\($0)', valor que a pergunta não cita", hints: ["tire esse filtro, ou use o valor que ela pede"])
            }
        },
        // "Nos três anos" with every year in one IN list: any one of them lets a row through.
        AnswerCheck("check.all-years-any", "\"nos três anos\" aceito em qualquer um deles") { c in
            guard let all = c.reading.allYears, let column = AllPeriods.acceptsAny(c.sql, years: all) else { return nil }
            return Finding("a pergunta pede quem cumpre nos \(all.count) anos juntos (\(all.map(String.init).joined(separator: ", "))), mas a condição em \(column) aceita quem cumpre em qualquer um deles",
                           hints: ["agrupe por quem a resposta mostra e exija HAVING count(DISTINCT \(column)) = \(all.count) (para contar, faça isso numa subconsulta e conte as linhas dela)"])
        },
        // "Quantos de manhã e quantos de tarde" answered with one number, or the first value only.
        AnswerCheck("check.value-group-ungrouped", "valores citados (\"manhã e tarde\") sem um número de cada", needs: [.storedValues]) { c in
            let grouping = QueryShape.outerGrouping(c.sql)
            // Values of a table the query does not read are another check's business (value-dropped, term-dropped).
            let read = Retriever.tables(in: c.sql)
            guard QueryShape.aggregates(c.sql),
                let group = ValueGroup.named(in: c.input.context).first(where: {
                    read.contains($0.table.lowercased()) && !(grouping?.columns.contains($0.column.lowercased()) ?? false)
                })
            else { return nil }
            let listed = group.values.map { "'\($0)'" }.joined(separator: " e ")
            let column = qualifiedName(group.table, group.column)
            return Finding("a pergunta cita \(listed) (\(column)), mas a consulta não agrupa por \(group.column)",
                           hints: ["para um número de cada, use GROUP BY \(column), uma linha por valor"])
        },
        // "Conforme a pedra", "de cada ano": one number for everyone, or a row each, where a row per
        // value was asked for.
        AnswerCheck("check.asked-grouping", "\"por X\" ou \"de cada X\" sem agrupar por X") { c in
            guard let asked = c.input.ungroupedRequest() else { return nil }
            let column = qualifiedName(asked.table, asked.column)
            return Finding("a pergunta pede um resultado por \(asked.said) (\(column)), mas a consulta não agrupa por ele",
                           hints: ["use GROUP BY \(column), uma linha por valor"])
        },
        // "Qual foi a data da primeira evasão" answered with a count per year: no date at all.
        AnswerCheck("check.date-asked", "uma data pedida e nenhuma data na resposta") { c in
            guard c.reading.asksForDate, !c.reading.asksHowMany, c.result.totalRows > 0, !RuleInput.showsDate(c.result) else { return nil }
            let schema = c.input.schema
            let dates = Retriever.tables(in: c.sql).sorted().flatMap { name in
                schema.table(named: name).map { table in schema.dateColumns(of: table).map { (table.name, $0) } } ?? []
            }
            // "A data da primeira evasão": the date column whose synonym the question says ("data da evasão").
            let said = dates.compactMap { table, column in c.input.spokenSynonym(of: column, in: table, question: c.question).map { (table, column, $0) } }
            if said.count == 1, let (table, column, synonym) = said.first {
                let words = Set(PortugueseTerms.words(c.question))
                let date = qualifiedName(table, column)
                let pick = !words.isDisjoint(with: QuestionWords.earliest) ? "min(\(date)), a primeira"
                    : !words.isDisjoint(with: QuestionWords.latest) ? "max(\(date)), a última"
                    : "\(date) no SELECT (min() dá a primeira, max() a última)"
                return Finding("a pergunta pede uma data, mas nenhuma coluna da resposta é uma data",
                               hints: ["a data de que ela fala é \(date) (\(synonym)): use \(pick)"])
            }
            return Finding("a pergunta pede uma data, mas nenhuma coluna da resposta é uma data",
                           hints: [dates.isEmpty ? nil : "as datas das tabelas da consulta são " + dates.map { qualifiedName($0, $1) }.joined(separator: ", ") + " (a primeira é min(), a última é max())"])
        },
        // "Quantos…" with no "cada" or "por": one number, where a copied example gave one per school.
        AnswerCheck("check.one-number-grouped", "\"quantos\" respondido com um número por grupo") { c in
            guard let grouping = QueryShape.outerGrouping(c.sql), !grouping.having, c.result.totalRows > 1, ValueGroup.named(in: c.input.context).isEmpty,
                c.reading.asksHowMany, !c.reading.asksPerGroup
            else { return nil }
            return Finding("a pergunta pede um número só, mas a consulta dá um por grupo (GROUP BY \(grouping.columns.joined(separator: ", ")))",
                           hints: ["tire o GROUP BY, a menos que a pergunta peça um número de cada"])
        },
        // Grouped by something the question never mentions ("a nota da rede toda" per school and
        // phase): the answer is split in a way nobody asked for, most likely after an example.
        AnswerCheck("check.unasked-grouping", "agrupamento que a pergunta não pede") { c in
            c.input.unaskedGrouping(c.sql).first.map { column in
                Finding("a consulta agrupa por \(column), que a pergunta não cita",
                        hints: ["tire \(column) do GROUP BY e do SELECT, a menos que a pergunta peça um resultado por \(column)"])
            }
        },
        // A value the question names, of a table the query reads, never compared with: "acessos"
        // said, and every kind of interaction counted. Grouping by the value's column answers for
        // it too, unless the query keeps one other value only ("manhã comparado com a tarde"
        // grouped by turno, WHERE turno = 'tarde').
        AnswerCheck("check.value-dropped", "valor citado que a consulta não filtra", needs: [.storedValues]) { c in
            let read = Retriever.tables(in: c.sql)  // lowercased
            let grouping = QueryShape.outerGrouping(c.sql)
            let values = c.input.context.values
            guard let dropped = values.first(where: { link in
                let grouped = grouping?.columns.contains(link.column.lowercased()) ?? false
                let sibling = values.contains { $0.table == link.table && $0.column == link.column && $0.value != link.value && c.input.writes($0) }
                return read.contains(link.table.lowercased()) && !c.input.writes(link) && (!grouped || sibling)
            }) else { return nil }
            return "a pergunta cita '\(dropped.value)' (\(qualifiedName(dropped.table, dropped.column))), mas a consulta não filtra por esse valor"
        },
        // A column the question names word for word ("nota de inglês": nota_ingles) left unread.
        AnswerCheck("check.named-column-unread", "coluna que a pergunta cita e a consulta não lê") { c in
            guard let (table, column) = RuleInput.namedColumns(in: c.question, context: c.input.context).first(where: { !RuleInput.reads($0.column, in: c.sql) }) else { return nil }
            return Finding("a pergunta fala de \(column.replacingOccurrences(of: "_", with: " ")) (\(qualifiedName(table, column))), mas a consulta não usa essa coluna",
                           hints: [c.input.joinAdvice(to: table, sql: c.sql, context: c.input.context, question: c.question)])
        },
        // A glossary condition the question says in so many words ("evasões": situacao =
        // 'evadida') that the query never writes: the thing counted is not the one asked about.
        AnswerCheck("check.term-dropped", "condição do glossário que a pergunta diz e a consulta não usa", needs: [.glossary]) { c in
            let grouping = QueryShape.outerGrouping(c.sql)?.columns ?? []
            guard let term = c.input.context.terms.first(where: { c.input.drops($0, grouping: grouping) }) else { return nil }
            let tables = term.sql.matches(of: RuleBook.qualifiedTable).map { String($0.1) }
            return Finding("a pergunta fala de \(term.term) (\(term.sql)), mas a consulta não usa essa condição",
                           hints: [tables.first.flatMap { c.input.joinAdvice(to: $0, sql: c.sql, context: c.input.context, question: c.question) }])
        },
        // "Quantos alunos" answered with count(*) of deliveries: each student counted once per row.
        AnswerCheck("check.rows-counted-for-entities", "\"quantos alunos\" contado em linhas de outra tabela", needs: [.primaryKeys]) { c in
            c.input.rowsCountedForEntities(c.sql, result: c.result, run: c.run)
        },
        // "O melhor aluno de cada unidade" answered with every student, or one number per school:
        // nothing in the query keeps one row per group.
        AnswerCheck("check.best-per-group", "\"o melhor de cada X\" sem escolher um por grupo") { c in
            guard let group = c.reading.bestPerGroup, !RuleInput.picksPerGroup(c.sql) else { return nil }
            let table = c.input.schema.tables.first { c.input.speaks(of: $0.name, question: group) }
            guard !c.input.isGrouped(c.sql, by: group, table: table) else { return nil }
            let partition = table.map { qualifiedName($0.name, $0.primaryKey.first ?? "id") } ?? "a coluna do grupo"
            return Finding("a pergunta pede o primeiro de cada \(group) (uma linha por \(group)), mas a consulta não escolhe um por grupo",
                           hints: ["numere as linhas numa subconsulta, rank() OVER (PARTITION BY \(partition) ORDER BY a medida DESC) AS posicao, e fique com WHERE posicao = 1"])
        },
        AnswerCheck("check.rows-multiplied", "mais linhas que o dobro da maior tabela: junção que multiplica") { c in
            let largest = Retriever.tables(in: c.sql).compactMap { c.input.schema.table(named: $0)?.rowCount }.max() ?? 0
            guard largest > 0, c.result.totalRows > 2 * largest else { return nil }
            return "a consulta devolveu \(c.result.totalRows) linhas, mais que o dobro da maior tabela usada (\(largest)): a junção multiplicou as linhas"
        },
    ]
}

// A regex literal is parsed each time it is evaluated, and compiled again on its first match:
// these are built once. (Not Sendable; matching never mutates them.)
extension RuleBook {
    nonisolated(unsafe) private static let yearCondition = #/([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*\d{4}\b/#
    /// The table of each `table.column` written (also read by the checks' advice).
    nonisolated(unsafe) static let qualifiedTable = #/([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]/#
}
