import InfraEngine

/// One AWS object, mirroring one Terraform AWS provider resource type.
///
/// Conforming types are small value types whose stored properties are typed values and typed
/// references; ``write(to:in:)`` renders them under Terraform's attribute names. Options common
/// to every resource (dependencies, lifecycle, waivers, extra tags) live in ``options`` and are
/// set with modifiers such as ``preventDestroy(_:)``.
public protocol Resource: ResourceConvertible {
    /// Terraform's type name, e.g. `aws_vpc`.
    static var terraformType: String { get }
    /// Whether the type has a `tags` attribute, into which the environment's default tags merge.
    static var isTaggable: Bool { get }
    /// The local name: the second half of the address (`main` in `aws_vpc.main`).
    var name: String { get }
    var options: ResourceOptions { get set }
    /// Writes this resource's attributes (everything except `tags`, which the builder merges).
    func write(to attributes: inout AttributeWriter, in context: RenderContext)
}

extension Resource {
    public static var isTaggable: Bool { true }

    /// Where this resource lives in the stack: `TYPE.NAME`.
    public var address: ResourceAddress { ResourceAddress(type: Self.terraformType, name: name) }

    /// A typed reference to one of this resource's attributes.
    public func ref<Kind>(_ attribute: String, as kind: Kind.Type = Kind.self) -> Ref<Kind> {
        Ref(address, attribute)
    }

    public func collect(into collector: inout ResourceCollector) {
        collector.resources.append(self)
    }
}

/// Options every resource accepts, beyond its own attributes.
public struct ResourceOptions: Sendable, Hashable {
    public var dependsOn: Set<ResourceAddress> = []
    public var lifecycle = Lifecycle()
    /// Opaque notes for later layers (policy waivers), keyed `waiver:<rule id>`.
    public var annotations: [String: String] = [:]
    /// Tags of this resource; they override the environment's default tags of the same key.
    public var tags: [String: String] = [:]

    public init() {}
}

/// The annotation key under which a policy waiver for `rule` is stored.
public func waiverAnnotationKey(_ rule: String) -> String { "waiver:\(rule)" }

// MARK: - Modifiers

extension Resource {
    /// Orders this resource after `others` even though it references none of their attributes.
    public func dependsOn(_ others: any Resource...) -> Self {
        var copy = self
        for other in others { copy.options.dependsOn.insert(other.address) }
        return copy
    }

    /// Orders this resource after the resources at `addresses`.
    public func dependsOn(addresses: [ResourceAddress]) -> Self {
        var copy = self
        copy.options.dependsOn.formUnion(addresses)
        return copy
    }

    /// Replaces the whole lifecycle block.
    public func lifecycle(_ lifecycle: Lifecycle) -> Self {
        var copy = self
        copy.options.lifecycle = lifecycle
        return copy
    }

    /// Refuses any plan that would destroy this resource, including a replacement.
    public func preventDestroy(_ on: Bool = true) -> Self {
        var copy = self
        copy.options.lifecycle.preventDestroy = on
        return copy
    }

    /// On replacement, creates the new object before the old one is deleted.
    public func createBeforeDestroy(_ on: Bool = true) -> Self {
        var copy = self
        copy.options.lifecycle.createBeforeDestroy = on
        return copy
    }

    /// Ignores differences in these attributes (Terraform attribute names, e.g. `desired_count`).
    public func ignoreChanges(_ attributes: String...) -> Self {
        var copy = self
        copy.options.lifecycle.ignoreChanges.formUnion(attributes)
        return copy
    }

    /// Waives a policy rule for this resource; the reason is shown wherever the waiver is.
    public func waive(_ rule: String, because reason: String) -> Self {
        var copy = self
        copy.options.annotations[waiverAnnotationKey(rule)] = reason
        return copy
    }

    /// Adds tags to this resource (they win over the environment's default tags).
    public func tagged(_ tags: [String: String]) -> Self {
        var copy = self
        copy.options.tags.merge(tags) { _, new in new }
        return copy
    }
}
