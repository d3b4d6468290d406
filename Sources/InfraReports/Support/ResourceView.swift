import Foundation
import InfraEngine

/// One resource as reports see it: its attributes before and after the plan. Policies look
/// at `after`, cost compares both, the broadening table diffs them.
public struct ResourceView: Sendable {
    public var address: ResourceAddress
    /// Nil when the plan creates the resource.
    public var before: [String: Value]?
    /// Nil when the plan destroys the resource.
    public var after: [String: Value]?
    /// The DSL's annotations, e.g. policy waivers (`waiver:RULE-ID` → reason).
    public var annotations: [String: String]
    /// Attribute → the resource its desired value references (an ECS service's
    /// `task_definition` → the task definition), for estimates that need both.
    public var references: [String: ResourceAddress]

    public init(address: ResourceAddress, before: [String: Value]?, after: [String: Value]?,
                annotations: [String: String] = [:], references: [String: ResourceAddress] = [:])
    {
        self.address = address
        self.before = before
        self.after = after
        self.annotations = annotations
        self.references = references
    }

    public var type: String { address.type }
}

extension Value {
    /// A nested block as Terraform writes it, a list of one object, or the object itself.
    var block: [String: Value]? {
        if let map = mapValue { return map }
        if let list = listValue, list.count == 1 { return list[0].mapValue }
        return nil
    }

    /// Strings of a list (or a single string), e.g. IAM's `Action: "s3:*"` or `["a", "b"]`.
    var strings: [String] {
        if let s = stringValue { return [s] }
        return (listValue ?? []).compactMap(\.stringValue)
    }

    /// Parses JSON text (an IAM policy stored as a string) into a value.
    static func parsingJSON(_ text: String) -> Value? {
        try? JSONDecoder().decode(PlainJSON.self, from: Data(text.utf8)).value
    }

    /// An IAM policy document, whether held as a structured value or as JSON text.
    var policyDocument: [String: Value]? {
        if let map = mapValue { return map }
        if let text = stringValue { return Value.parsingJSON(text)?.mapValue }
        return nil
    }
}

/// Plain JSON decoded into a ``Value`` (booleans before numbers, so `true` never becomes 1).
struct PlainJSON: Decodable {
    var value: Value

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let b = try? container.decode(Bool.self) {
            value = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            value = .number(n)
        } else if let s = try? container.decode(String.self) {
            value = .string(s)
        } else if let l = try? container.decode([PlainJSON].self) {
            value = .list(l.map(\.value))
        } else {
            value = .map(try container.decode([String: PlainJSON].self).mapValues(\.value))
        }
    }
}
