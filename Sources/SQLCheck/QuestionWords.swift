/// The Portuguese words the rules read a question by, in one place, as data. Each list is
/// folded (no accents, lowercase), as `PortugueseTerms.words` gives a question's words.
public enum QuestionWords {
    /// "Quantos alunos…", "qtd de provas…" (spelled out before the rules see it).
    public static let howMany: Set<String> = ["quantos", "quantas", "quantidade"]
    /// A number per group: "por escola", "em cada mês", "separando", "ranking".
    public static let perGroup: Set<String> = ["por", "cada", "separando", "separado", "separados", "conforme", "distribuicao", "entre", "ranking", "segundo"]
    /// Words before "cada"/"por" that name a value per group ("de cada X", "conforme a pedra").
    public static let groupMarkers: Set<String> = ["cada", "por", "conforme", "segundo"]
    /// Stems before "por" that order or filter rather than group ("ordenado por", "filtrado por").
    public static let notGrouping = ["orden", "classific", "dividid", "filtr", "ordem"]
    /// Articles skipped between "cada"/"por" and the group's name.
    public static let articles: Set<String> = ["a", "o", "as", "os", "da", "do", "das", "dos"]
    /// Stems that ask for a first, last, best or worst.
    public static let ranks = ["primeir", "ultim", "maior", "menor", "melhor", "pior"]
    /// Words that ask for the first few of a ranking ("a maior", "os piores", "top"); "mais" and
    /// "menos" only when no number or "de"/"que" follows them.
    public static let superlatives: Set<String> = [
        "maior", "maiores", "menor", "menores", "melhor", "melhores", "pior", "piores", "top", "ranking",
        "primeiro", "primeiros", "primeira", "primeiras", "ultimo", "ultimos", "ultima", "ultimas",
        "maximo", "maxima", "minimo", "minima",
    ]
    /// A difference asked for: "a variação da presença", "quanto a média caiu".
    public static let changeNouns: Set<String> = ["variacao", "diferenca", "evolucao"]
    public static let howMuch: Set<String> = ["quanto", "quanta"]
    public static let changeVerbs: Set<String> = [
        "variou", "variaram", "mudou", "mudaram", "cresceu", "cresceram", "caiu", "cairam", "aumentou", "aumentaram",
        "diminuiu", "diminuiram", "subiu", "subiram", "evoluiu", "evoluiram", "melhorou", "melhoraram", "piorou", "pioraram",
    ]
    /// Words that deny what follows: "não acessaram", "nunca entregou", "nenhuma interação".
    public static let negations: Set<String> = ["nao", "nunca", "nenhum", "nenhuma", "jamais"]
    /// A result per month or per year.
    public static let month = ["mês", "meses", "mensal", "mensalmente", "month"]
    public static let year = ["ano", "anos", "anual", "anualmente", "year"]
    /// The first or the last of dates.
    public static let earliest: Set<String> = ["primeira", "primeiro", "inicio", "antiga", "antigo"]
    public static let latest: Set<String> = ["ultima", "ultimo", "recente", "final"]
}
