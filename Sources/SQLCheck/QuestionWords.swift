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
    /// Words that deny what follows: "não acessaram", "nunca entregou", "nenhuma interação".
    public static let negations: Set<String> = ["nao", "nunca", "nenhum", "nenhuma", "jamais"]
    /// A result per month or per year.
    public static let month = ["mês", "meses", "mensal", "mensalmente", "month"]
    public static let year = ["ano", "anos", "anual", "anualmente", "year"]
    /// The first or the last of dates.
    public static let earliest: Set<String> = ["primeira", "primeiro", "inicio", "antiga", "antigo"]
    public static let latest: Set<String> = ["ultima", "ultimo", "recente", "final"]
}

/// Folded words of a text, for the few checks that read the question.
enum PortugueseWords {
    static func of(_ text: String) -> [String] {
        SQLValidator.fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
