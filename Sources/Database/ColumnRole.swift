/// What a column is for, found from its values by `indaga refresh` and kept, editable, in the
/// catalog's metadata (`papel:`). Retrieval, the prompt and the rules read it instead of guessing
/// from a column's name or declared type; a column without one falls back to those guesses.
public enum ColumnRole: String, Sendable, Codable, CaseIterable {
    /// Identifies a row of its table (its primary key).
    case key = "chave"
    /// Points at another table's key (declared or inferred from names and values).
    case reference = "referencia"
    /// A day: ISO text '2024-03-01', or another format the metadata names.
    case date = "data"
    /// A moment: ISO text '2024-03-01 08:30:00'.
    case dateTime = "data_hora"
    /// A month: ISO text '2024-03', or a month number 1–12.
    case month = "mes"
    /// A year: whole numbers in a plausible range.
    case year = "ano"
    /// A quantity to add, average or compare.
    case measure = "medida"
    /// Few distinct values, listed in the metadata.
    case category = "categoria"
    /// A code that names a row but is not the key (`retroID`, `cod_municipio`).
    case identifier = "identificador"
    /// What to show for a row: a name or title.
    case label = "rotulo"
    /// Free text.
    case text = "texto"
}
