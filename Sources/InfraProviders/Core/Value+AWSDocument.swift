import Foundation
import InfraAWS
import InfraEngine

extension AWSDocument {
    /// A resolved attribute value as an API input. Unknowns and references cannot reach a
    /// provider (the engine resolves them first); they become null.
    public init(_ value: InfraEngine.Value) {
        switch value.unmarked {
        case .null, .unknown, .reference, .concat: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 9.0e15 { self = .integer(Int64(n)) } else { self = .double(n) }
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(items.map(AWSDocument.init))
        case .map(let fields): self = .map(fields.mapValues(AWSDocument.init))
        case .sensitive(let inner): self = AWSDocument(inner)
        }
    }
}

extension InfraEngine.Value {
    /// An API output as an attribute value. Timestamps become ISO 8601 strings, blobs base64.
    public init(_ document: AWSDocument) {
        switch document {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .timestamp(let date): self = .string(ISO8601DateFormatter().string(from: date))
        case .blob(let bytes): self = .string(Data(bytes).base64EncodedString())
        case .list(let items): self = .list(items.map(InfraEngine.Value.init))
        case .map(let fields): self = .map(fields.mapValues(InfraEngine.Value.init))
        }
    }
}

/// Reading desired attributes with the types the DSL writes them in.
extension Dictionary where Key == String, Value == InfraEngine.Value {
    public func string(_ key: String) -> String? { self[key]?.stringValue }
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func strings(_ key: String) -> [String] { (self[key]?.listValue ?? []).compactMap(\.stringValue) }
    /// A nested block written as Terraform does (a list of one object) or as an object.
    public func block(_ key: String) -> [String: InfraEngine.Value]? {
        if let map = self[key]?.mapValue { return map }
        if let list = self[key]?.listValue, let first = list.first { return first.mapValue }
        return nil
    }
    public func stringMap(_ key: String) -> [String: String] {
        (self[key]?.mapValue ?? [:]).compactMapValues(\.stringValue)
    }
}
