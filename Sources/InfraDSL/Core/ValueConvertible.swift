import InfraEngine

/// Anything the DSL can write into a resource attribute: literals, typed values, references.
///
/// A typed value built from a bad literal (`"10.0.0.0/33" as CIDRBlock`) cannot stop the
/// program at the point of use, so it reports its problem through ``problem`` and the
/// configuration build turns every such problem into a diagnostic naming resource and attribute.
public protocol ValueConvertible: Sendable {
    /// The engine's view of this value.
    var value: Value { get }
    /// Why this value is invalid, or nil when it is valid.
    var problem: String? { get }
}

extension ValueConvertible {
    public var problem: String? { nil }
}

extension Value: ValueConvertible {
    public var value: Value { self }
}

extension String: ValueConvertible {
    public var value: Value { .string(self) }
}

extension Int: ValueConvertible {
    public var value: Value { .int(self) }
}

extension Double: ValueConvertible {
    public var value: Value { .number(self) }
}

extension Bool: ValueConvertible {
    public var value: Value { .bool(self) }
}

extension Optional: ValueConvertible where Wrapped: ValueConvertible {
    public var value: Value { self.map(\.value) ?? .null }
    public var problem: String? { self.flatMap(\.problem) }
}

extension Array: ValueConvertible where Element: ValueConvertible {
    public var value: Value { .list(map(\.value)) }
    public var problem: String? { lazy.compactMap(\.problem).first }
}

extension Dictionary: ValueConvertible where Key == String, Value: ValueConvertible {
    public var value: InfraEngine.Value { .map(mapValues(\.value)) }
    public var problem: String? {
        for key in keys.sorted() {
            if let p = self[key]?.problem { return p }
        }
        return nil
    }
}

/// A value assembled from text and references, as Swift string interpolation writes it:
/// `Text("postgres://\(db.address):5432/app")` becomes a `Value.concat` resolved at apply.
public struct Text: ValueConvertible, ExpressibleByStringInterpolation, Hashable {
    public var parts: [Value]

    public init(stringLiteral value: String) { parts = [.string(value)] }

    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    public var value: Value {
        let merged = parts.filter { $0 != .string("") }
        if merged.isEmpty { return .string("") }
        if merged.count == 1, case .string = merged[0] { return merged[0] }
        return .concat(merged)
    }

    /// Collects literal text and interpolated references in order.
    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Value] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { parts.append(.string(literal)) }
        public mutating func appendInterpolation(_ value: some ValueConvertible) { parts.append(value.value) }
    }
}
