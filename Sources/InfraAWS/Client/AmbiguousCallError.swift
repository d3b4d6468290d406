/// A call that creates something broke after the request may have reached AWS: the object may
/// or may not exist now. Retrying blindly could create it twice (an emulator ignores
/// idempotency tokens, and not every AWS create takes one), so the client does not retry it;
/// the caller looks for the object first (the provider layer finds it by its `infra:token`
/// tag) and only then creates again.
public struct AmbiguousCallError: Error, Sendable, CustomStringConvertible {
    public var service: String
    public var operation: String
    /// The transport failure that left the outcome unknown.
    public var underlying: TransportError

    public init(service: String, operation: String, underlying: TransportError) {
        self.service = service
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String {
        "\(service) \(operation) may or may not have taken effect: \(underlying.description). Nothing is lost: "
            + "run the plan again, and an object this call created is found by its infra:token tag and recorded"
    }

    /// Operations that create a new object each time they are called. Every other operation
    /// either reads, or sets a state that a second identical call leaves as it is (modify,
    /// tag, put, delete: a repeated delete answers "not found", which deleters accept).
    static let creatingPrefixes = [
        "Create", "Allocate", "Run", "Register", "Authorize", "Associate", "Attach", "Request", "Import", "Copy",
    ]

    /// Whether a repeat of `operation` after an unknown outcome could duplicate what the first
    /// call did.
    public static func mayDuplicate(_ operation: String) -> Bool {
        // Tags are a set: adding the same tags again changes nothing.
        operation != "CreateTags" && creatingPrefixes.contains { operation.hasPrefix($0) }
    }
}
