import InfraEngine

/// A unit of deployment with its own state and lock: a Swift type that declares its resources
/// from its environment's settings.
///
/// ```swift
/// struct Platform: Stack {
///     struct Settings: Decodable, Sendable { var cidr: CIDRBlock; var zones: AvailabilityZoneCount }
///     static let name = "platform"
///     func resources(in env: Environment<Settings>) -> Resources {
///         let net = Network("main", cidr: env.settings.cidr, zones: env.settings.zones)
///         return Resources { net; Output("vpc_id", net.vpc.id) }
///     }
/// }
/// ```
public protocol Stack: Sendable {
    /// The stack's settings: decoded from the key named ``name`` in `environments/<env>.yaml`.
    associatedtype Settings: Decodable & Sendable
    /// The stack's name, as environment files list it (`stacks: [platform]`).
    static var name: String { get }
    init()
    func resources(in env: Environment<Settings>) -> Resources
}

/// One environment as a stack sees it: where it deploys, and the stack's typed settings.
public struct Environment<Settings: Sendable>: Sendable {
    public var name: String
    public var region: String
    /// When set, infra refuses to run against any other account.
    public var account: String?
    public var settings: Settings
    /// The environment file's `tags`.
    public var tags: [String: String]
    /// The stack being built.
    public var stack: String
    /// Stricter defaults apply (deletion protection, final snapshots).
    public var isProduction: Bool

    public init(
        name: String, region: String, account: String? = nil, settings: Settings, tags: [String: String] = [:],
        stack: String, isProduction: Bool? = nil
    ) {
        self.name = name
        self.region = region
        self.account = account
        self.settings = settings
        self.tags = tags
        self.stack = stack
        self.isProduction = isProduction ?? looksLikeProduction(name)
    }

    /// The tags every taggable resource gets: `Environment`, `Stack`, `ManagedBy=infra`, then the
    /// environment file's `tags` (which may override the first three).
    public var defaultTags: [String: String] {
        var all = ["Environment": name, "Stack": stack, "ManagedBy": "infra"]
        all.merge(tags) { _, file in file }
        return all
    }

    public var renderContext: RenderContext {
        RenderContext(
            environment: name, stack: stack, region: region, account: account, isProduction: isProduction,
            defaultTags: defaultTags)
    }
}

extension Stack {
    /// Builds this stack's ``Configuration`` for `env`, or throws every problem found.
    public func configuration(in env: Environment<Settings>) throws(ConfigurationError) -> Configuration {
        try ConfigurationBuilder.build(resources(in: env), context: env.renderContext)
    }
}

/// `prod`, `production`, `prod-eu`, ...: the conventional names of production environments
/// (an environment file's `production:` key overrides the guess).
public func looksLikeProduction(_ environment: String) -> Bool {
    let lower = environment.lowercased()
    return lower == "prod" || lower == "production" || lower.hasPrefix("prod-") || lower.hasPrefix("production-")
}
