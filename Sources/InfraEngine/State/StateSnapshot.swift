import Foundation

/// The recorded state of one stack in one environment: what infra created and last saw.
///
/// `lineage` is fixed when the state is first created; `serial` grows by one on every write.
/// A backend refuses a write with another lineage or a serial not above the stored one, so two
/// runs can never silently overwrite each other's work.
public struct StateSnapshot: Hashable, Sendable, Codable {
    /// The state file format this tool writes.
    public static let formatVersion = 1

    public var version: Int
    public var lineage: String
    public var serial: Int
    public var stack: String
    public var environment: String
    public var toolVersion: String
    public var resources: [ResourceAddress: ResourceState]
    /// Creates that were started but whose result never reached the state (keyed by address).
    public var pendingCreates: [ResourceAddress: PendingCreate]
    /// Old objects kept by create-before-destroy until their deletion, keyed by deposed key.
    public var deposed: [String: DeposedObject]
    public var outputs: [String: OutputState]

    public init(
        lineage: String = UUID().uuidString.lowercased(), serial: Int = 0, stack: String, environment: String,
        toolVersion: String = ToolVersion.current, resources: [ResourceAddress: ResourceState] = [:],
        pendingCreates: [ResourceAddress: PendingCreate] = [:], deposed: [String: DeposedObject] = [:],
        outputs: [String: OutputState] = [:]
    ) {
        self.version = Self.formatVersion
        self.lineage = lineage
        self.serial = serial
        self.stack = stack
        self.environment = environment
        self.toolVersion = toolVersion
        self.resources = resources
        self.pendingCreates = pendingCreates
        self.deposed = deposed
        self.outputs = outputs
    }

    private enum CodingKeys: String, CodingKey {
        case version, lineage, serial, stack, environment, toolVersion = "tool_version", resources
        case pendingCreates = "pending_creates", deposed, outputs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        lineage = try c.decode(String.self, forKey: .lineage)
        serial = try c.decode(Int.self, forKey: .serial)
        stack = try c.decode(String.self, forKey: .stack)
        environment = try c.decode(String.self, forKey: .environment)
        toolVersion = try c.decode(String.self, forKey: .toolVersion)
        resources = try c.decode([ResourceAddress: ResourceState].self, forKey: .resources)
        pendingCreates = try c.decodeIfPresent([ResourceAddress: PendingCreate].self, forKey: .pendingCreates) ?? [:]
        deposed = try c.decodeIfPresent([String: DeposedObject].self, forKey: .deposed) ?? [:]
        outputs = try c.decodeIfPresent([String: OutputState].self, forKey: .outputs) ?? [:]
    }
}

/// One resource infra manages, as last recorded.
public struct ResourceState: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        case created
        /// Created but not usable (its wait failed); the next plan replaces it.
        case tainted
    }

    public var type: String
    public var id: String
    public var attributes: [String: Value]
    /// What it depended on when last applied; deletes run in the reverse of these edges.
    public var dependencies: [ResourceAddress]
    public var status: Status

    public init(type: String, id: String, attributes: [String: Value], dependencies: [ResourceAddress] = [],
                status: Status = .created)
    {
        self.type = type
        self.id = id
        self.attributes = attributes
        self.dependencies = dependencies
        self.status = status
    }
}

/// A create recorded before it is attempted, so a crash between the API call and the state
/// write is recovered with ``Provider/find(type:token:)``.
public struct PendingCreate: Hashable, Sendable, Codable {
    public var type: String
    public var token: String
    /// For create-before-destroy: the deposed key the current object moves to once found.
    public var deposedKey: String?
    public var dependencies: [ResourceAddress]
    /// What the create asked for (never a sensitive value), recorded once the create's
    /// references are resolved. When the object is found after a crash, the attributes its
    /// provider cannot read (`ObservedResource.unreported`) take these values.
    public var attributes: [String: Value]?

    public init(type: String, token: String, deposedKey: String? = nil, dependencies: [ResourceAddress] = [],
                attributes: [String: Value]? = nil)
    {
        self.type = type
        self.token = token
        self.deposedKey = deposedKey
        self.dependencies = dependencies
        self.attributes = attributes
    }
}

/// An old object a create-before-destroy replacement still has to delete.
public struct DeposedObject: Hashable, Sendable, Codable {
    public var address: ResourceAddress
    public var object: ResourceState

    public init(address: ResourceAddress, object: ResourceState) {
        self.address = address
        self.object = object
    }
}

/// A stack output as last applied.
public struct OutputState: Hashable, Sendable, Codable {
    public var value: Value
    public var sensitive: Bool

    public init(value: Value, sensitive: Bool = false) {
        self.value = value
        self.sensitive = sensitive
    }
}
