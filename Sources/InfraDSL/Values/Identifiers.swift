import InfraEngine

/// How many availability zones a network spans: 1 to 6.
public struct AvailabilityZoneCount: ValueConvertible, Hashable, Decodable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    public static let range = 1...6
    public let count: Int
    public let invalidity: InvalidValue?

    public init(validating count: Int) throws(InvalidValue) {
        guard Self.range.contains(count) else {
            throw InvalidValue(
                kind: "availability zone count", input: String(count),
                reason: "a network spans 1 to 6 availability zones")
        }
        self.count = count
        invalidity = nil
    }

    public init(integerLiteral value: Int) {
        do { try self.init(validating: value) } catch {
            self.init(count: max(0, min(value, Self.range.upperBound)), invalidity: error)
        }
    }

    private init(count: Int, invalidity: InvalidValue?) {
        self.count = count
        self.invalidity = invalidity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let n = try container.decode(Int.self)
        do { try self.init(validating: n) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public var value: Value { .int(count) }
    public var problem: String? { invalidity?.description }
    public var description: String { String(count) }
}

/// An availability zone: by index in the environment's region (`a`, `b`, `c`, ...) or by name.
public enum AvailabilityZone: Hashable, Sendable, ExpressibleByStringLiteral {
    /// The zone `<region><letter>` with `a` for 0, `b` for 1, ...
    case index(Int)
    /// An explicit zone name, e.g. `eu-west-1a`.
    case named(String)

    public init(stringLiteral value: String) { self = .named(value) }

    /// The zone's name in `region`.
    public func name(in region: String) -> String {
        switch self {
        case .index(let i): return region + Self.letter(i)
        case .named(let n): return n
        }
    }

    /// The zone letter of an index: 0 → `a`.
    public static func letter(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return index >= 0 && index < letters.count ? String(letters[index]) : "\(index)"
    }
}

/// An Amazon Resource Name: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
public struct ARN: CheckedValue, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String
    public let invalidity: InvalidValue?

    public init(parsing text: String) throws(InvalidValue) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty else {
            throw InvalidValue(
                kind: "ARN", input: text,
                reason: "expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess")
        }
        self.text = text
        invalidity = nil
    }

    public init(invalid error: InvalidValue) {
        text = error.input
        invalidity = error
    }

    public init(stringLiteral value: String) { self.init(lenient: value) }

    public var value: Value { .string(text) }
    public var description: String { text }

    /// The service part (`iam`, `kms`, ...).
    public var service: String? {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 ? String(parts[2]) : nil
    }
}

/// A `MAJOR.MINOR` version such as Kubernetes' `1.31` or PostgreSQL's `17.2` (or a bare `17`).
public struct EngineVersion: CheckedValue, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String
    public let invalidity: InvalidValue?

    public init(parsing text: String) throws(InvalidValue) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            throw InvalidValue(kind: "version", input: text, reason: "expected numbers separated by dots, e.g. 1.31 or 17.2")
        }
        self.text = text
        invalidity = nil
    }

    public init(invalid error: InvalidValue) {
        text = error.input
        invalidity = error
    }

    public init(stringLiteral value: String) { self.init(lenient: value) }

    /// The first number (`17` of `17.2`).
    public var major: String { String(text.split(separator: ".").first ?? "") }
    public var value: Value { .string(text) }
    public var description: String { text }
}
