import Foundation
import Yams

/// A YAML document as a tree that remembers where each node was written (line and column),
/// so that every settings error can name its place in the file.
public struct SettingsNode: Sendable, Hashable {
    public enum Scalar: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string
    }

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var keyLine: Int
        public var value: SettingsNode
    }

    public indirect enum Kind: Sendable, Hashable {
        /// The text as written, and what YAML's resolver made of it.
        case scalar(String, Scalar)
        case mapping([Entry])
        case sequence([SettingsNode])
    }

    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// An empty mapping, standing in for a section the file leaves out.
    public static func emptyMapping(line: Int) -> SettingsNode { SettingsNode(kind: .mapping([]), line: line, column: 1) }

    /// Parses YAML text. A syntax error is reported with its line.
    public static func parse(yaml: String, file: String) throws(SettingsError) -> SettingsNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw SettingsError([SettingsProblem.yamlSyntax(error, file: file)])
        } catch {
            throw SettingsError([SettingsProblem(file: file, line: nil, path: "", message: "not valid YAML: \(error)")])
        }
        guard let root else { return emptyMapping(line: 1) }
        do { return try convert(root, file: file) } catch let problem as SettingsProblem {
            throw SettingsError([problem])
        } catch {
            throw SettingsError([SettingsProblem(file: file, line: nil, path: "", message: "\(error)")])
        }
    }

    private static func convert(_ node: Node, file: String) throws -> SettingsNode {
        let line = node.mark?.line ?? 0
        let column = node.mark?.column ?? 0
        switch node {
        case .scalar(let scalar):
            let resolved: Scalar
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: resolved = .null
            case .bool: resolved = node.bool.map(Scalar.bool) ?? .string
            case .int: resolved = node.int.map(Scalar.int) ?? .string
            case .float: resolved = node.float.map(Scalar.float) ?? .string
            default: resolved = .string
            }
            return SettingsNode(kind: .scalar(scalar.string, resolved), line: line, column: column)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw SettingsProblem(file: file, line: key.mark?.line, path: "", message: "mapping keys must be plain names")
                }
                entries.append(Entry(key: k.string, keyLine: key.mark?.line ?? line, value: try convert(value, file: file)))
            }
            return SettingsNode(kind: .mapping(entries), line: line, column: column)
        case .sequence(let sequence):
            return SettingsNode(kind: .sequence(try sequence.map { try convert($0, file: file) }), line: line, column: column)
        case .alias:
            throw SettingsProblem(file: file, line: line, path: "", message: "YAML aliases are not supported in environment files")
        }
    }

    /// The mapping's entry for `key`, matching the key as written or in snake_case
    /// (`natPerZone` matches `nat_per_zone`).
    func entry(for key: String) -> Entry? {
        guard case .mapping(let entries) = kind else { return nil }
        if let exact = entries.first(where: { $0.key == key }) { return exact }
        let snake = key.snakeCased
        return entries.first(where: { $0.key == snake })
    }

    /// How the node reads in an error message: `'three'`, `a list`, `a mapping`.
    var found: String {
        switch kind {
        case .scalar(_, .null): return "nothing (null)"
        case .scalar(let text, _): return "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

extension String {
    /// `natPerZone` → `nat_per_zone`; `multiAZ` → `multi_az`.
    var snakeCased: String {
        var out = ""
        let chars = Array(self)
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previousIsLower = i > 0 && (chars[i - 1].isLowercase || chars[i - 1].isNumber)
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                let previousIsUpper = i > 0 && chars[i - 1].isUppercase
                if i > 0 && (previousIsLower || (previousIsUpper && nextIsLower)) { out.append("_") }
                out.append(contentsOf: c.lowercased())
            } else {
                out.append(c)
            }
        }
        return out
    }
}
