import InfraEngine

/// A typed pointer at another resource's attribute, or at an existing object by its AWS id.
///
/// `Kind` is a phantom type (`VPC.ID`, `Subnet.ID`, `IAMRole.ARN`, ...) so the compiler refuses
/// a subnet id where a VPC id is expected. A reference to a declared resource becomes a
/// dependency edge in the engine's graph.
public struct Ref<Kind>: ValueConvertible, Hashable, CustomStringConvertible {
    public let value: Value

    /// The attribute `attribute` of the resource at `address` (known after that resource exists).
    public init(_ address: ResourceAddress, _ attribute: String) {
        value = .reference(Reference(address, attribute))
    }

    /// An object that infra does not manage, by its AWS identifier (`vpc-0abc...`, an ARN).
    public static func existing(_ identifier: String) -> Ref<Kind> { Ref(value: .string(identifier)) }

    private init(value: Value) { self.value = value }

    /// The reference this value holds, when it points at a declared resource.
    public var reference: Reference? {
        if case .reference(let r) = value { return r }
        return nil
    }

    public var description: String {
        reference.map(\.description) ?? value.renderedScalar
    }
}

/// Markers for references that carry plain data rather than an identifier of some kind.
public enum Attribute {
    /// A host name (an endpoint's address).
    public enum Host {}
    /// A host:port endpoint.
    public enum Endpoint {}
    /// A TCP port number.
    public enum Port {}
    /// Any other text attribute.
    public enum Text {}
}

/// Something whose Secrets Manager ARN a task definition or policy can name.
public protocol SecretARNConvertible: Sendable {
    var secretARN: Ref<SecretsManagerSecret.ARN> { get }
}

extension Ref: SecretARNConvertible where Kind == SecretsManagerSecret.ARN {
    public var secretARN: Ref<SecretsManagerSecret.ARN> { self }
}
