/// Decodes `Decodable` settings from a ``SettingsNode`` tree, then reports the keys the file
/// holds that the settings type never read (typos, stale settings) with a did-you-mean.
///
/// Keys match as written or in snake_case: a property `natPerZone` reads `nat_per_zone`.
/// Errors are `DecodingError`s whose coding path ``SettingsDecoding/problem(for:in:root:file:)``
/// maps back to a file line.
public enum SettingsDecoding {
    /// Decodes `type` from `node`, whose place in the file is `path`; returns the value and the
    /// unknown keys found under `node`.
    public static func decode<T: Decodable>(
        _ type: T.Type, from node: SettingsNode, at path: [String], root: SettingsNode, file: String
    ) -> Result<(T, [SettingsProblem]), SettingsProblem> {
        let tracker = KeyTracker()
        let codingPath = path.map { SettingsKey($0) as any CodingKey }
        let decoder = NodeDecoder(node: node, codingPath: codingPath, tracker: tracker)
        do {
            let value = try T(from: decoder)
            var unknown: [SettingsProblem] = []
            tracker.unknownKeys(in: node, path: codingPath, file: file, into: &unknown)
            return .success((value, unknown))
        } catch let error as DecodingError {
            return .failure(problem(for: error, root: root, file: file))
        } catch {
            return .failure(SettingsProblem(file: file, line: node.line, path: render(codingPath), message: "\(error)"))
        }
    }

    /// The file, line, key path and reason of a decoding error.
    public static func problem(for error: DecodingError, root: SettingsNode, file: String) -> SettingsProblem {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = locate(context.codingPath, in: root)
            let wanted = key.stringValue.snakeCased
            // A missing key is most often a misspelt one: point at the near miss the file has.
            if case .mapping(let entries)? = parent?.kind,
                let typo = entries.first(where: { suggestion(for: $0.key, among: [wanted, key.stringValue]) != nil })
            {
                return SettingsProblem(
                    file: file, line: typo.keyLine, path: render(context.codingPath, asWrittenIn: root) + "." + typo.key,
                    message: "unknown key '\(typo.key)'; did you mean '\(wanted)'? ('\(wanted)' is required)")
            }
            return SettingsProblem(
                file: file, line: parent?.line, path: render(context.codingPath + [key], asWrittenIn: root),
                message: "missing key '\(wanted)'")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let node = locate(context.codingPath, in: root)
            return SettingsProblem(
                file: file, line: node?.line, path: render(context.codingPath, asWrittenIn: root),
                message: context.debugDescription)
        @unknown default:
            return SettingsProblem(file: file, line: nil, path: "", message: "\(error)")
        }
    }

    /// The node a coding path leads to, following keys as ``SettingsNode/entry(for:)`` matches them.
    static func locate(_ path: [any CodingKey], in root: SettingsNode) -> SettingsNode? {
        var node = root
        for key in path {
            if let index = key.intValue, case .sequence(let items) = node.kind {
                guard items.indices.contains(index) else { return node }
                node = items[index]
            } else if let entry = node.entry(for: key.stringValue) {
                node = entry.value
            } else {
                return node
            }
        }
        return node
    }

    /// The path as the file spells it: each key as written there (`nat_per_zone` for a
    /// property `natPerZone`), snake_case for keys the file does not have.
    static func render(_ path: [any CodingKey], asWrittenIn root: SettingsNode) -> String {
        var node: SettingsNode? = root
        var spelled: [any CodingKey] = []
        for key in path {
            if let index = key.intValue, case .sequence(let items)? = node?.kind {
                spelled.append(SettingsIndex(index))
                node = items.indices.contains(index) ? items[index] : nil
            } else if let entry = node?.entry(for: key.stringValue) {
                spelled.append(SettingsKey(entry.key))
                node = entry.value
            } else {
                spelled.append(SettingsKey(key.stringValue.snakeCased))
                node = nil
            }
        }
        return render(spelled)
    }

    /// `platform.services.api.cpu`, `platform.zones[1]`.
    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue, key.stringValue == "Index \(index)" || key is SettingsIndex {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }
}

/// A coding key for a YAML mapping key as written.
struct SettingsKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A coding key for a list position.
struct SettingsIndex: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// Which keys of each mapping the settings type read, and which it asked for.
final class KeyTracker {
    private var used: [String: Set<String>] = [:]
    private var requested: [String: Set<String>] = [:]
    private var opened: Set<String> = []

    /// Identifies a mapping whether its path is spelled as Swift keys (`backupPolicy`) or as
    /// the file's keys (`backup_policy`).
    private func id(_ path: [any CodingKey]) -> String {
        SettingsDecoding.render(
            path.map { key -> any CodingKey in
                if let index = key.intValue, key is SettingsIndex || key.stringValue == "Index \(index)" {
                    return SettingsIndex(index)
                }
                return SettingsKey(key.stringValue.snakeCased)
            })
    }

    func opened(_ path: [any CodingKey]) { opened.insert(id(path)) }

    func record(_ path: [any CodingKey], requested key: String, matched yamlKey: String?) {
        let id = id(path)
        requested[id, default: []].insert(key)
        if let yamlKey { used[id, default: []].insert(yamlKey) }
    }

    /// Adds a problem for every key under `node` that was never read, descending only into
    /// mappings the settings type opened (a key the type does not know is reported once, not
    /// together with everything below it).
    func unknownKeys(in node: SettingsNode, path: [any CodingKey], file: String, into problems: inout [SettingsProblem]) {
        let id = id(path)
        switch node.kind {
        case .mapping(let entries):
            guard opened.contains(id) else { return }
            let usedKeys = used[id] ?? []
            for entry in entries {
                let childPath = path + [SettingsKey(entry.key)]
                if usedKeys.contains(entry.key) {
                    unknownKeys(in: entry.value, path: childPath, file: file, into: &problems)
                    continue
                }
                let styled = (requested[id] ?? []).map { entry.key.contains(where: \.isUppercase) ? $0 : $0.snakeCased }
                var message = "unknown key '\(entry.key)'"
                if let guess = suggestion(for: entry.key, among: styled.sorted()) {
                    message += "; did you mean '\(guess)'?"
                } else if !styled.isEmpty {
                    message += "; expected one of: \(Set(styled).sorted().joined(separator: ", "))"
                }
                problems.append(
                    SettingsProblem(file: file, line: entry.keyLine, path: SettingsDecoding.render(childPath), message: message))
            }
        case .sequence(let items):
            for (i, item) in items.enumerated() {
                unknownKeys(in: item, path: path + [SettingsIndex(i)], file: file, into: &problems)
            }
        case .scalar:
            return
        }
    }
}

struct NodeDecoder: Decoder {
    let node: SettingsNode
    let codingPath: [any CodingKey]
    let tracker: KeyTracker
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let entries) = node.kind else {
            throw DecodingError.typeMismatch(
                [String: Any].self,
                .init(codingPath: codingPath, debugDescription: "expected a mapping of keys to values, found \(node.found)"))
        }
        tracker.opened(codingPath)
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(node: node, entries: entries, codingPath: codingPath, tracker: tracker))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.kind else {
            throw DecodingError.typeMismatch(
                [Any].self, .init(codingPath: codingPath, debugDescription: "expected a list, found \(node.found)"))
        }
        return UnkeyedNodeContainer(items: items, codingPath: codingPath, tracker: tracker)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath, tracker: tracker)
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SettingsNode
    let entries: [SettingsNode.Entry]
    let codingPath: [any CodingKey]
    let tracker: KeyTracker

    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool {
        let entry = node.entry(for: key.stringValue)
        tracker.record(codingPath, requested: key.stringValue, matched: entry?.key)
        return entry != nil
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        let entry = node.entry(for: key.stringValue)
        tracker.record(codingPath, requested: key.stringValue, matched: entry?.key)
        guard let entry else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return NodeDecoder(node: entry.value, codingPath: codingPath + [key], tracker: tracker)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        let entry = node.entry(for: key.stringValue)
        tracker.record(codingPath, requested: key.stringValue, matched: entry?.key)
        guard let entry else { return true }
        if case .scalar(_, .null) = entry.value.kind { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try SingleNodeContainer.decode(type, with: try child(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { NodeDecoder(node: node, codingPath: codingPath, tracker: tracker) }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let items: [SettingsNode]
    let codingPath: [any CodingKey]
    let tracker: KeyTracker
    var currentIndex = 0

    init(items: [SettingsNode], codingPath: [any CodingKey], tracker: KeyTracker) {
        self.items = items
        self.codingPath = codingPath
        self.tracker = tracker
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: codingPath, debugDescription: "the list has only \(items.count) items"))
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [SettingsIndex(currentIndex)], tracker: tracker)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if case .scalar(_, .null) = items[currentIndex].kind {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try SingleNodeContainer.decode(type, with: try next())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleNodeContainer: SingleValueDecodingContainer {
    let node: SettingsNode
    let codingPath: [any CodingKey]
    let tracker: KeyTracker

    static func decode<T: Decodable>(_ type: T.Type, with decoder: NodeDecoder) throws -> T {
        let single = SingleNodeContainer(node: decoder.node, codingPath: decoder.codingPath, tracker: decoder.tracker)
        switch type {
        case is String.Type: return try cast(single.decode(String.self), decoder)
        case is Bool.Type: return try cast(single.decode(Bool.self), decoder)
        case is Int.Type: return try cast(single.decode(Int.self), decoder)
        case is Double.Type: return try cast(single.decode(Double.self), decoder)
        default: return try T(from: decoder)
        }
    }

    private static func cast<T>(_ value: Any, _ decoder: NodeDecoder) throws -> T {
        guard let typed = value as? T else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: decoder.codingPath, debugDescription: "internal type mismatch"))
        }
        return typed
    }

    private func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        if case .scalar(_, .null) = node.kind {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found nothing (null)"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(node.found)"))
    }

    func decodeNil() -> Bool {
        if case .scalar(_, .null) = node.kind { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .scalar(_, .bool(let b)) = node.kind else { throw mismatch(type, "true or false") }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        // Numbers and booleans read as text where text is wanted (`version: 1.31`), exactly as written.
        guard case .scalar(let text, let scalar) = node.kind, scalar != .null else { throw mismatch(type, "text") }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch node.kind {
        case .scalar(_, .float(let d)): return d
        case .scalar(_, .int(let i)): return Double(i)
        default: throw mismatch(type, "a number")
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decode(_ type: Int.Type) throws -> Int {
        switch node.kind {
        case .scalar(_, .int(let i)): return i
        case .scalar(_, .float(let d)) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        default: throw mismatch(type, "an integer")
        }
    }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let n = try decode(Int.self)
        guard let value = I(exactly: n) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "\(n) is out of range (\(I.min)...\(I.max))"))
        }
        return value
    }

    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decode(type, with: NodeDecoder(node: node, codingPath: codingPath, tracker: tracker))
    }
}
