/// A typed value could not be built from its text or number; says what, and why.
public struct InvalidValue: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was expected: "CIDR block", "port", "duration", ...
    public var kind: String
    /// The input as written.
    public var input: String
    public var reason: String

    public init(kind: String, input: String, reason: String) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    public var description: String { "'\(input)' is not a valid \(kind): \(reason)" }
}

/// A typed value that may have come from a literal and so may be invalid: the value or its error.
///
/// Literals cannot throw, so a bad literal is carried to the configuration build, where it
/// becomes a diagnostic naming the resource and attribute.
public protocol CheckedValue: ValueConvertible, Decodable {
    /// Parses and validates `text`.
    init(parsing text: String) throws(InvalidValue)
    /// A value that reports `error` wherever it is used.
    init(invalid error: InvalidValue)
    var invalidity: InvalidValue? { get }
}

extension CheckedValue {
    public var problem: String? { invalidity?.description }

    /// Decodes from a string and validates; an invalid value is a decoding error at its key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Parses `text`, keeping any error inside the value (for literals).
    public init(lenient text: String) {
        do { try self.init(parsing: text) } catch { self.init(invalid: error) }
    }
}
