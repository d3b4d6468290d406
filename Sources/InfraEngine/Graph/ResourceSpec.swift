/// One resource as the code declares it: the desired side of a plan.
///
/// Attributes use the Terraform AWS provider's names (`cidr_block`, `instance_class`) and may
/// hold references to other resources, each of which is a dependency edge.
public struct ResourceSpec: Hashable, Sendable {
    public var address: ResourceAddress
    public var attributes: [String: Value]
    /// Dependencies the code names explicitly (`dependsOn`), beyond those its references imply.
    public var explicitDependencies: Set<ResourceAddress>
    public var lifecycle: Lifecycle
    /// Policy waivers and other notes the DSL attaches; opaque to the engine.
    public var annotations: [String: String]

    public init(
        address: ResourceAddress, attributes: [String: Value],
        dependsOn explicitDependencies: Set<ResourceAddress> = [], lifecycle: Lifecycle = Lifecycle(),
        annotations: [String: String] = [:]
    ) {
        self.address = address
        self.attributes = attributes
        self.explicitDependencies = explicitDependencies
        self.lifecycle = lifecycle
        self.annotations = annotations
    }

    public var type: String { address.type }

    /// Every resource this one depends on: explicit ones and those its attributes reference.
    public var dependencies: Set<ResourceAddress> {
        var deps = explicitDependencies
        for value in attributes.values {
            for r in value.references { deps.insert(r.address) }
        }
        deps.remove(address)
        return deps
    }
}

/// Terraform's `lifecycle` block.
public struct Lifecycle: Hashable, Sendable, Codable {
    /// Refuse any plan that would destroy this resource (including a replacement).
    public var preventDestroy: Bool
    /// On replacement, create the new object before deleting the old one.
    public var createBeforeDestroy: Bool
    /// Attributes whose differences the plan ignores (changes made outside infra are kept).
    public var ignoreChanges: Set<String>

    public init(preventDestroy: Bool = false, createBeforeDestroy: Bool = false, ignoreChanges: Set<String> = []) {
        self.preventDestroy = preventDestroy
        self.createBeforeDestroy = createBeforeDestroy
        self.ignoreChanges = ignoreChanges
    }
}

/// A named value a stack publishes (`infra output`), readable by other stacks.
public struct OutputSpec: Hashable, Sendable {
    public var name: String
    public var value: Value
    public var sensitive: Bool
    public var description: String?

    public init(name: String, value: Value, sensitive: Bool = false, description: String? = nil) {
        self.name = name
        self.value = value
        self.sensitive = sensitive
        self.description = description
    }
}

/// What one stack declares for one environment: the input of validation and planning.
public struct Configuration: Sendable {
    public var stack: String
    public var environment: String
    public var resources: [ResourceSpec]
    public var outputs: [OutputSpec]

    public init(stack: String, environment: String, resources: [ResourceSpec], outputs: [OutputSpec] = []) {
        self.stack = stack
        self.environment = environment
        self.resources = resources
        self.outputs = outputs
    }
}
