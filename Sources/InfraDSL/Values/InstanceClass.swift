import InfraEngine

/// An instance class or node type: `db.t4g.micro` (RDS), `cache.t4g.small` (ElastiCache),
/// `t3.medium` (EC2). The shape is validated, not the catalogue, so new families keep working.
public struct InstanceClass: CheckedValue, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// Which service the class belongs to, from its prefix.
    public enum Service: String, Sendable, Hashable {
        case rds = "db."
        case elastiCache = "cache."
        case ec2 = ""

        var example: String {
            switch self {
            case .rds: return "db.t4g.micro"
            case .elastiCache: return "cache.t4g.small"
            case .ec2: return "t3.medium"
            }
        }
    }

    public let text: String
    public let service: Service
    public let invalidity: InvalidValue?

    public init(parsing text: String) throws(InvalidValue) {
        func fail(_ reason: String) -> InvalidValue { InvalidValue(kind: "instance class", input: text, reason: reason) }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var service = Service.ec2
        if parts.first == "db" {
            service = .rds
            parts.removeFirst()
        } else if parts.first == "cache" {
            service = .elastiCache
            parts.removeFirst()
        }
        guard parts.count == 2 else {
            throw fail("expected [db.|cache.]FAMILY.SIZE, e.g. db.t4g.micro, cache.t4g.small or t3.medium")
        }
        guard Self.isFamily(parts[0]) else {
            throw fail("'\(parts[0])' is not an instance family (letters then a generation digit, e.g. t4g, r6g, m6i)")
        }
        guard Self.isSize(parts[1]) else {
            throw fail("'\(parts[1])' is not an instance size (nano, micro, small, medium, large, xlarge, 2xlarge, ..., metal)")
        }
        self.text = text
        self.service = service
        invalidity = nil
    }

    public init(invalid error: InvalidValue) {
        text = error.input
        service = .ec2
        invalidity = error
    }

    public init(stringLiteral value: String) { self.init(lenient: value) }

    public var value: Value { .string(text) }
    public var description: String { text }

    /// This class if it belongs to `service`, otherwise an invalid value explaining the mismatch.
    public func requiring(_ service: Service, for use: String) -> InstanceClass {
        guard invalidity == nil, self.service != service else { return self }
        return InstanceClass(
            invalid: InvalidValue(
                kind: "instance class for \(use)", input: text,
                reason: "expected a \(service.rawValue.isEmpty ? "plain EC2" : service.rawValue + "*") class, e.g. \(service.example)"))
    }

    private static func isFamily(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLowercase else { return false }
        guard s.contains(where: \.isASCIIDigit) else { return false }
        return s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    private static func isSize(_ s: String) -> Bool {
        let named: Set<String> = ["nano", "micro", "small", "medium", "large", "xlarge", "metal"]
        if named.contains(s) { return true }
        if s.hasPrefix("metal-") { return true }
        if s.hasSuffix("xlarge") {
            let n = s.dropLast("xlarge".count)
            return !n.isEmpty && n.allSatisfy(\.isASCIIDigit)
        }
        return false
    }
}
