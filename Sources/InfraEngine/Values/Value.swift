/// A value of a resource attribute or an output, as the engine sees it.
///
/// The engine knows no AWS and no DSL types: everything it diffs, stores and renders is a
/// `Value`. Desired values may still hold ``Reference``s to other resources' attributes and
/// ``Value/unknown`` parts; values read from the cloud or stored in state never do.
public indirect enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    /// All numbers, as JSON has them. Integers up to 2^53 are exact.
    case number(Double)
    case string(String)
    case list([Value])
    /// Objects and maps alike (Terraform's "object" and "map").
    case map([String: Value])
    /// Known only after apply ("(known after apply)").
    case unknown
    /// Another resource's attribute; becomes a dependency edge, resolved at plan or apply.
    case reference(Reference)
    /// The string concatenation of its parts, once every part is known (`"\(db.endpoint):5432"`).
    case concat([Value])
    /// A value that must never be shown: renderers print `(sensitive value)`.
    case sensitive(Value)
}

/// A typed pointer at another resource's attribute: `aws_vpc.main.id`.
public struct Reference: Hashable, Sendable, Codable, CustomStringConvertible {
    public var address: ResourceAddress
    /// The attribute's name, dotted for nested ones (`endpoint.address`).
    public var attribute: String

    public init(_ address: ResourceAddress, _ attribute: String) {
        self.address = address
        self.attribute = attribute
    }

    public var description: String { "\(address).\(attribute)" }
}

extension Value {
    /// A convenience for integer values.
    public static func int(_ value: Int) -> Value { .number(Double(value)) }

    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .sensitive(let v): return v.stringValue
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .sensitive(let v): return v.boolValue
        default: return nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .number(let n): return n
        case .sensitive(let v): return v.numberValue
        default: return nil
        }
    }

    public var intValue: Int? {
        guard let n = numberValue, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }

    public var listValue: [Value]? {
        switch self {
        case .list(let l): return l
        case .sensitive(let v): return v.listValue
        default: return nil
        }
    }

    public var mapValue: [String: Value]? {
        switch self {
        case .map(let m): return m
        case .sensitive(let v): return v.mapValue
        default: return nil
        }
    }

    public subscript(key: String) -> Value? { mapValue?[key] }

    /// True when no part of the value is unknown or an unresolved reference.
    public var isWhollyKnown: Bool {
        switch self {
        case .unknown, .reference: return false
        case .null, .bool, .number, .string: return true
        case .list(let l): return l.allSatisfy(\.isWhollyKnown)
        case .map(let m): return m.values.allSatisfy(\.isWhollyKnown)
        case .concat(let parts): return parts.allSatisfy(\.isWhollyKnown)
        case .sensitive(let v): return v.isWhollyKnown
        }
    }

    /// True when the value or any part of it is marked sensitive.
    public var containsSensitive: Bool {
        switch self {
        case .sensitive: return true
        case .list(let l): return l.contains(where: \.containsSensitive)
        case .map(let m): return m.values.contains(where: \.containsSensitive)
        case .concat(let parts): return parts.contains(where: \.containsSensitive)
        default: return false
        }
    }

    /// The value with every sensitivity mark removed, for comparison and for providers.
    public var unmarked: Value {
        switch self {
        case .sensitive(let v): return v.unmarked
        case .list(let l): return .list(l.map(\.unmarked))
        case .map(let m): return .map(m.mapValues(\.unmarked))
        case .concat(let parts): return .concat(parts.map(\.unmarked))
        default: return self
        }
    }

    /// Every reference the value holds, in order of appearance.
    public var references: [Reference] {
        var found: [Reference] = []
        collectReferences(into: &found)
        return found
    }

    private func collectReferences(into found: inout [Reference]) {
        switch self {
        case .reference(let r): found.append(r)
        case .list(let l): for v in l { v.collectReferences(into: &found) }
        case .map(let m): for k in m.keys.sorted() { m[k]?.collectReferences(into: &found) }
        case .concat(let parts): for v in parts { v.collectReferences(into: &found) }
        case .sensitive(let v): v.collectReferences(into: &found)
        default: break
        }
    }

    /// Replaces references using `lookup`; a reference `lookup` cannot answer becomes
    /// `.unknown`. A `concat` whose parts are all known strings or numbers collapses to a string.
    public func resolving(_ lookup: (Reference) -> Value?) -> Value {
        switch self {
        case .reference(let r):
            return lookup(r) ?? .unknown
        case .list(let l):
            return .list(l.map { $0.resolving(lookup) })
        case .map(let m):
            return .map(m.mapValues { $0.resolving(lookup) })
        case .sensitive(let v):
            return .sensitive(v.resolving(lookup))
        case .concat(let parts):
            let resolved = parts.map { $0.resolving(lookup) }
            var text = ""
            var sensitive = false
            for part in resolved {
                var p = part
                if case .sensitive(let inner) = p { sensitive = true; p = inner }
                switch p {
                case .string(let s): text += s
                case .number: text += p.renderedScalar
                case .bool(let b): text += b ? "true" : "false"
                default: return .concat(resolved)
                }
            }
            return sensitive ? .sensitive(.string(text)) : .string(text)
        default:
            return self
        }
    }

    /// A scalar as text (numbers without a needless `.0`), for messages and concatenation.
    public var renderedScalar: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .string(let s): return s
        case .sensitive: return "(sensitive value)"
        case .unknown: return "(known after apply)"
        case .reference(let r): return "${\(r)}"
        case .list, .map, .concat: return "…"
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
