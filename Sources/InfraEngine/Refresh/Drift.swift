/// A difference between what infra recorded and what the cloud reports: "changed outside of
/// infra". Reported apart from the changes the code asks for.
public struct Drift: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Attributes differ.
        case changed
        /// The object no longer exists.
        case deleted
    }

    public var address: ResourceAddress
    public var kind: Kind
    /// Per attribute: recorded value → observed value (empty for `.deleted`).
    public var attributes: [AttributeDrift]

    public init(address: ResourceAddress, kind: Kind, attributes: [AttributeDrift] = []) {
        self.address = address
        self.kind = kind
        self.attributes = attributes
    }
}

/// One attribute's recorded and observed values.
public struct AttributeDrift: Hashable, Sendable, Codable {
    public var name: String
    public var recorded: Value?
    public var observed: Value?

    public init(name: String, recorded: Value?, observed: Value?) {
        self.name = name
        self.recorded = recorded
        self.observed = observed
    }
}

extension Drift {
    /// Per-attribute differences between two attribute maps, sorted by name.
    static func differences(recorded: [String: Value], observed: [String: Value]) -> [AttributeDrift] {
        var names = Set(recorded.keys)
        names.formUnion(observed.keys)
        return names.sorted().compactMap { name in
            let before = recorded[name]?.unmarked
            let after = observed[name]?.unmarked
            return before == after ? nil : AttributeDrift(name: name, recorded: recorded[name], observed: observed[name])
        }
    }
}
