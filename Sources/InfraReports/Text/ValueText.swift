import InfraEngine

/// Renders values the way Terraform's plan does: strings quoted, maps and lists over several
/// lines, `(known after apply)`, `(sensitive value)`.
enum ValueText {
    static func render(_ value: Value?, indent: Int, sensitive: Bool = false) -> String {
        guard let value else { return "null" }
        if sensitive || value.containsSensitiveMark { return "(sensitive value)" }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number: return value.renderedScalar
        case .string(let s): return quote(s)
        case .unknown, .reference: return "(known after apply)"
        case .concat: return "(known after apply)"
        case .sensitive: return "(sensitive value)"
        case .list(let items):
            if items.isEmpty { return "[]" }
            let pad = String(repeating: " ", count: indent + 4)
            let body = items.map { pad + render($0, indent: indent + 4) + "," }.joined(separator: "\n")
            return "[\n\(body)\n\(String(repeating: " ", count: indent))]"
        case .map(let map):
            if map.isEmpty { return "{}" }
            let pad = String(repeating: " ", count: indent + 4)
            let width = map.keys.map { quote($0).count }.max() ?? 0
            let body = map.keys.sorted().map { key in
                pad + quote(key).padding(toLength: width, withPad: " ", startingAt: 0) + " = "
                    + render(map[key], indent: indent + 4)
            }.joined(separator: "\n")
            return "{\n\(body)\n\(String(repeating: " ", count: indent))}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}

extension Value {
    /// True when the value holds a `.sensitive` mark anywhere.
    var containsSensitiveMark: Bool { containsSensitive }
}
