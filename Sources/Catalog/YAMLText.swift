import Yams

/// Parsing a YAML text into a node tree, with the line of a syntax error kept for the message.
public enum YAMLText {
    public struct Problem: Error, Sendable, Equatable {
        public let line: Int?
        public let problem: String
    }

    /// The document's root node, nil for an empty text.
    public static func compose(_ text: String) throws(Problem) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw Problem(line: mark.line, problem: problem)
            default:
                throw Problem(line: nil, problem: "\(error)")
            }
        } catch {
            throw Problem(line: nil, problem: error.localizedDescription)
        }
    }
}
