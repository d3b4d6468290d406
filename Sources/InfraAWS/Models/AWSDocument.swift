import Foundation

/// The input or output of an AWS call: a dynamic tree keyed by the model's member names
/// (`["CidrBlock": "10.0.0.0/16"]`, `out["Vpc"]["VpcId"].string`), as boto3 uses them.
///
/// Protocol serializers read it guided by the input shape; parsers build it guided by the output
/// shape, so lists are lists even when one element came back and numbers are numbers.
public enum AWSDocument: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case timestamp(Date)
    case blob([UInt8])
    case list([AWSDocument])
    case map([String: AWSDocument])
}

extension AWSDocument {
    /// The member `key` of a map; `.null` for anything else or a missing key, so lookups chain.
    public subscript(key: String) -> AWSDocument {
        get {
            guard case .map(let fields) = self else { return .null }
            return fields[key] ?? .null
        }
        set {
            var fields: [String: AWSDocument]
            if case .map(let existing) = self { fields = existing } else { fields = [:] }
            if case .null = newValue { fields[key] = nil } else { fields[key] = newValue }
            self = .map(fields)
        }
    }

    /// Element `index` of a list; `.null` when out of range or not a list.
    public subscript(index: Int) -> AWSDocument {
        guard case .list(let items) = self, items.indices.contains(index) else { return .null }
        return items[index]
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of a string, or of a scalar that the wire sent as text.
    public var string: String? {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var int: Int? {
        switch self {
        case .integer(let i): return Int(exactly: i)
        case .double(let d): return Int(exactly: d)
        case .string(let s): return Int(s)
        default: return nil
        }
    }

    public var int64: Int64? {
        switch self {
        case .integer(let i): return i
        case .double(let d): return Int64(exactly: d)
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .integer(let i): return Double(i)
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s == "true" ? true : (s == "false" ? false : nil)
        default: return nil
        }
    }

    public var date: Date? {
        if case .timestamp(let d) = self { return d }
        return nil
    }

    public var bytes: [UInt8]? {
        switch self {
        case .blob(let b): return b
        case .string(let s): return Array(s.utf8)
        default: return nil
        }
    }

    /// The elements of a list; `[]` for null (AWS omits empty lists), nil for other kinds.
    public var array: [AWSDocument]? {
        switch self {
        case .list(let items): return items
        case .null: return []
        default: return nil
        }
    }

    public var dictionary: [String: AWSDocument]? {
        if case .map(let fields) = self { return fields }
        return nil
    }

    /// The value at a botocore-style path: `A.B`, `List[-1].Key`, `A || B` (first non-null).
    public func value(atPath path: String) -> AWSDocument {
        for alternative in path.components(separatedBy: "||") {
            let found = value(atSimplePath: alternative.trimmingCharacters(in: .whitespaces))
            if !found.isNull { return found }
        }
        return .null
    }

    private func value(atSimplePath path: String) -> AWSDocument {
        var current = self
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.last == "]" {
                let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
                guard let index = Int(inner) else { return .null }
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = current[String(name)] }
            for index in indices {
                guard case .list(let items) = current, !items.isEmpty else { return .null }
                let resolved = index < 0 ? items.count + index : index
                current = current[resolved]
            }
        }
        return current
    }
}

extension AWSDocument: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension AWSDocument: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AWSDocument: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension AWSDocument: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AWSDocument: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AWSDocument: ExpressibleByStringInterpolation {}

extension AWSDocument: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: AWSDocument...) { self = .list(elements) }
}

extension AWSDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, AWSDocument)...) {
        var fields: [String: AWSDocument] = [:]
        for (key, value) in elements { fields[key] = value }
        self = .map(fields)
    }
}

extension AWSDocument: CustomStringConvertible {
    /// A compact JSON-like rendering for logs and test failures (blobs as their size).
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "\"\(s)\""
        case .timestamp(let d): return "@\(d.timeIntervalSince1970)"
        case .blob(let b): return "<\(b.count) bytes>"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let fields):
            let body = fields.keys.sorted().map { "\"\($0)\": \(fields[$0]?.description ?? "null")" }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }
}
