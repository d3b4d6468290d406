import InfraEngine

/// A TCP/UDP port number, 1–65535, validated when built.
public struct PortNumber: ValueConvertible, Hashable, Comparable, Decodable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    public let number: Int
    public let invalidity: InvalidValue?

    /// Validates `number` (a literal such as `8000` builds unchecked and reports at configuration build).
    public init(validating number: Int) throws(InvalidValue) {
        guard (1...65535).contains(number) else {
            throw InvalidValue(kind: "port", input: String(number), reason: "ports are numbers from 1 to 65535")
        }
        self.number = number
        invalidity = nil
    }

    public init(integerLiteral value: Int) {
        do { try self.init(validating: value) } catch { self.init(number: value, invalidity: error) }
    }

    private init(number: Int, invalidity: InvalidValue?) {
        self.number = number
        self.invalidity = invalidity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let n = try container.decode(Int.self)
        do { try self.init(validating: n) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public var value: Value { .int(number) }
    public var problem: String? { invalidity?.description }
    public var description: String { String(number) }

    public static func < (lhs: PortNumber, rhs: PortNumber) -> Bool { lhs.number < rhs.number }

    public static let https: PortNumber = 443
    public static let http: PortNumber = 80
    public static let postgres: PortNumber = 5432
    public static let redis: PortNumber = 6379
    public static let memcached: PortNumber = 11211
}

/// A contiguous range of ports (`8000...8010`) or a single port; the range is checked to be in order.
public struct PortRange: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public let from: PortNumber
    public let to: PortNumber

    public init(_ port: PortNumber) {
        from = port
        to = port
    }

    public init(_ range: ClosedRange<PortNumber>) {
        from = range.lowerBound
        to = range.upperBound
    }

    public init(from: PortNumber, to: PortNumber) {
        self.from = from
        self.to = to
    }

    public init(integerLiteral value: Int) { self.init(PortNumber(integerLiteral: value)) }

    public var problem: String? {
        if let p = from.problem ?? to.problem { return p }
        if from > to {
            return InvalidValue(kind: "port range", input: description, reason: "the first port is above the last").description
        }
        return nil
    }

    public var description: String { from == to ? from.description : "\(from)-\(to)" }
}

/// The IP protocol of a security group rule.
public enum IPProtocol: String, Sendable, Hashable, Decodable, ValueConvertible {
    case tcp, udp, icmp
    /// Every protocol and port (`-1`).
    case all = "-1"

    public var value: Value { .string(rawValue) }
}
