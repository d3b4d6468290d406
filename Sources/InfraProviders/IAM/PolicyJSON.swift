import Foundation
import InfraEngine

/// IAM policy documents between the DSL's canonical `Value` map and the JSON AWS takes and
/// returns.
///
/// The DSL writes a policy as a map with lists everywhere and sorted actions; AWS returns the
/// JSON URL-encoded, with its own whitespace and key order, and single values as scalars. Both
/// are brought to one canonical form so that only a real change of the policy shows in a plan.
public enum PolicyJSON {
    /// The document as compact JSON with sorted keys (what AWS is sent).
    public static func encode(_ policy: InfraEngine.Value, resource: String, attribute: String) throws -> String {
        let object = foundationObject(policy.unmarked)
        guard JSONSerialization.isValidJSONObject(object) else {
            throw PolicyDocumentError(resource: resource, attribute: attribute, reason: "it is not a JSON object")
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The document AWS returned (URL-encoded or not) in canonical form.
    public static func decode(_ text: String, resource: String, attribute: String) throws -> InfraEngine.Value {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // IAM returns documents URL-encoded (RFC 3986); a document that already starts with `{`
        // is plain JSON (moto returns either), and decoding it again would corrupt a literal `%`.
        let json = trimmed.hasPrefix("{") ? trimmed : (trimmed.removingPercentEncoding ?? trimmed)
        guard let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else {
            throw PolicyDocumentError(resource: resource, attribute: attribute, reason: "AWS returned a document that is not JSON")
        }
        return canonical(value(object))
    }

    /// The canonical form: `Statement` always a list; `Action`, `NotAction`, `Resource`,
    /// `NotResource` sorted, de-duplicated lists; principals and condition values sorted lists.
    public static func canonical(_ policy: InfraEngine.Value) -> InfraEngine.Value {
        guard var document = policy.unmarked.mapValue else { return policy }
        if let statements = document["Statement"] {
            let list = statements.listValue ?? [statements]
            document["Statement"] = .list(list.map(canonicalStatement))
        }
        return .map(document)
    }

    /// Whether two documents are the same policy.
    public static func equivalent(_ a: InfraEngine.Value, _ b: InfraEngine.Value) -> Bool {
        canonical(a) == canonical(b)
    }

    private static func canonicalStatement(_ statement: InfraEngine.Value) -> InfraEngine.Value {
        guard var s = statement.mapValue else { return statement }
        for key in ["Action", "NotAction", "Resource", "NotResource"] {
            if let v = s[key] { s[key] = sortedStrings(v) }
        }
        for key in ["Principal", "NotPrincipal"] {
            // `"Principal": "*"` stays a string: it is not a map of principal kinds.
            if let map = s[key]?.mapValue { s[key] = .map(map.mapValues(sortedStrings)) }
        }
        if let tests = s["Condition"]?.mapValue {
            s["Condition"] = .map(tests.mapValues { variables in
                guard let map = variables.mapValue else { return variables }
                return .map(map.mapValues(sortedStrings))
            })
        }
        return .map(s)
    }

    /// A scalar or list as a sorted list of unique strings (numbers and booleans as AWS prints them).
    private static func sortedStrings(_ v: InfraEngine.Value) -> InfraEngine.Value {
        let items = v.unmarked.listValue ?? [v.unmarked]
        let strings = Set(items.map { item -> String in
            switch item.unmarked {
            case .string(let s): return s
            case .bool(let b): return b ? "true" : "false"
            default: return item.renderedScalar
            }
        })
        return .list(strings.sorted().map { .string($0) })
    }

    private static func value(_ object: Any) -> InfraEngine.Value {
        switch object {
        case let s as String: return .string(s)
        case let n as NSNumber:
            // JSONSerialization gives booleans as NSNumber too, with the `char` type code.
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return .number(n.doubleValue)
        case let a as [Any]: return .list(a.map(value))
        case let d as [String: Any]: return .map(d.mapValues(value))
        default: return .null
        }
    }

    private static func foundationObject(_ v: InfraEngine.Value) -> Any {
        switch v.unmarked {
        case .string(let s): return s
        case .bool(let b): return b
        case .number(let n):
            if n.rounded() == n, abs(n) < 9.0e15 { return Int64(n) }
            return n
        case .list(let items): return items.map(foundationObject)
        case .map(let fields): return fields.mapValues(foundationObject)
        default: return NSNull()
        }
    }
}

/// A policy document that cannot be sent or was returned unreadable.
public struct PolicyDocumentError: Error, Sendable, CustomStringConvertible {
    public var resource: String
    public var attribute: String
    public var reason: String
    public var description: String {
        "\(resource): the policy document in \(attribute) cannot be used: \(reason); check the statements in the code"
    }
}
