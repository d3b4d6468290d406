/// What a provider says about one resource type's attributes: which the user sets, which AWS
/// computes, which force a replacement when they change, and which must never be shown.
public struct ResourceSchema: Sendable {
    public var type: String
    public var attributes: [String: AttributeSchema]

    public init(type: String, attributes: [String: AttributeSchema]) {
        self.type = type
        self.attributes = attributes
    }

    public subscript(attribute: String) -> AttributeSchema? { attributes[attribute] }
}

/// One attribute of a ``ResourceSchema``.
public struct AttributeSchema: Sendable {
    public enum Presence: Sendable {
        /// The code must set it.
        case required
        /// The code may set it; unset means AWS's default and is not diffed.
        case optional
        /// AWS sets it (ids, ARNs, endpoints); the code never does.
        case computed
        /// The code may set it; when it does not, AWS's value is kept.
        case optionalComputed
    }

    public var presence: Presence
    /// A change replaces the resource; `replaceReason` says why (shown after `# forces replacement`).
    public var forcesReplacement: Bool
    public var replaceReason: String?
    public var sensitive: Bool

    public init(_ presence: Presence, forcesReplacement: Bool = false, replaceReason: String? = nil, sensitive: Bool = false) {
        self.presence = presence
        self.forcesReplacement = forcesReplacement
        self.replaceReason = replaceReason
        self.sensitive = sensitive
    }

    public static let required = AttributeSchema(.required)
    public static let optional = AttributeSchema(.optional)
    public static let computed = AttributeSchema(.computed)
    public static let optionalComputed = AttributeSchema(.optionalComputed)
    public static let requiredForceNew = AttributeSchema(.required, forcesReplacement: true)
    public static let optionalForceNew = AttributeSchema(.optional, forcesReplacement: true)
}
