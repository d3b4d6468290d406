/// One provider call the apply makes: a plan change becomes one operation, or two for a
/// replacement (its delete half and its create half).
public struct ApplyOperation: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Create a new object (a create, or the create half of a replacement).
        case create
        case update
        /// Delete the object the state records at the address.
        case delete
        /// Delete a deposed object (the old half of a create-before-destroy replacement).
        case deleteDeposed = "delete-deposed"
    }

    /// Position in ``ApplyScheduler/operations``.
    public var id: Int
    /// Index of the change in ``Plan/changes``.
    public var change: Int
    public var kind: Kind
    public var address: ResourceAddress

    public init(id: Int, change: Int, kind: Kind, address: ResourceAddress) {
        self.id = id
        self.change = change
        self.kind = kind
        self.address = address
    }

    public var description: String { "\(kind.rawValue) \(address)" }
}
