import InfraEngine

/// Anything that can appear in a `Resources { ... }` block: a resource, a component, an output.
public protocol ResourceConvertible: Sendable {
    func collect(into collector: inout ResourceCollector)
}

/// What a `Resources` block contributes, flattened.
public struct ResourceCollector: Sendable {
    public var resources: [any Resource] = []
    public var outputs: [Output] = []
    public init() {}
}

/// A component: a named composition of resources with safe defaults (`Network`, `Secret`, ...).
public protocol Component: ResourceConvertible {
    /// The resources (and outputs) this component declares.
    var body: Resources { get }
}

extension Component {
    public func collect(into collector: inout ResourceCollector) {
        body.collect(into: &collector)
    }
}

/// The resources, components and outputs of a stack or component, written declaratively:
///
/// ```swift
/// Resources {
///     net
///     if env.settings.cache { RedisCache(...) }
///     for name in names { Secret(name, value: .generated(length: 32)) }
///     Output("vpc_id", net.vpc.id)
/// }
/// ```
public struct Resources: ResourceConvertible {
    public var items: [any ResourceConvertible]

    public init(@ResourcesBuilder _ content: () -> [any ResourceConvertible]) {
        items = content()
    }

    public init(_ items: [any ResourceConvertible]) {
        self.items = items
    }

    public func collect(into collector: inout ResourceCollector) {
        for item in items { item.collect(into: &collector) }
    }

    /// Everything the block declares, flattened.
    public var collected: ResourceCollector {
        var collector = ResourceCollector()
        collect(into: &collector)
        return collector
    }
}

/// The result builder behind `Resources { ... }`: accepts resources, components, outputs,
/// arrays of them, `if`/`else`, `if let`, `switch` and `for`.
@resultBuilder
public enum ResourcesBuilder {
    public static func buildExpression(_ item: some ResourceConvertible) -> [any ResourceConvertible] { [item] }
    public static func buildExpression(_ item: (some ResourceConvertible)?) -> [any ResourceConvertible] {
        item.map { [$0] } ?? []
    }
    public static func buildExpression(_ items: [some ResourceConvertible]) -> [any ResourceConvertible] { items }
    public static func buildExpression(_ items: [any ResourceConvertible]) -> [any ResourceConvertible] { items }
    public static func buildBlock(_ parts: [any ResourceConvertible]...) -> [any ResourceConvertible] {
        parts.flatMap { $0 }
    }
    public static func buildOptional(_ part: [any ResourceConvertible]?) -> [any ResourceConvertible] { part ?? [] }
    public static func buildEither(first part: [any ResourceConvertible]) -> [any ResourceConvertible] { part }
    public static func buildEither(second part: [any ResourceConvertible]) -> [any ResourceConvertible] { part }
    public static func buildArray(_ parts: [[any ResourceConvertible]]) -> [any ResourceConvertible] {
        parts.flatMap { $0 }
    }
    public static func buildLimitedAvailability(_ part: [any ResourceConvertible]) -> [any ResourceConvertible] {
        part
    }
}

/// A named value the stack publishes (`infra output`), readable by other stacks.
public struct Output: ResourceConvertible, Hashable {
    public var name: String
    public var value: Value
    public var problem: String?
    public var sensitive: Bool
    public var description: String?

    public init(_ name: String, _ value: some ValueConvertible, sensitive: Bool = false, description: String? = nil) {
        self.name = name
        self.value = value.value
        self.problem = value.problem
        self.sensitive = sensitive
        self.description = description
    }

    public func collect(into collector: inout ResourceCollector) {
        collector.outputs.append(self)
    }
}
