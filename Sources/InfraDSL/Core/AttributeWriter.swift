import Foundation
import InfraEngine

/// Collects one resource's attributes while its type renders them, and records a diagnostic
/// for every invalid value instead of stopping.
public struct AttributeWriter: Sendable {
    public let address: ResourceAddress
    public private(set) var attributes: [String: Value] = [:]
    public private(set) var diagnostics: [Diagnostic] = []

    public init(address: ResourceAddress) {
        self.address = address
    }

    /// Writes `value` under `key`; a nil or `.null` value is left out (the attribute is unset),
    /// an invalid one becomes a diagnostic naming this resource and `key`.
    public mutating func set(_ key: String, _ value: some ValueConvertible) {
        if let problem = value.problem {
            diagnostics.append(Diagnostic(address: address, attribute: key, message: problem))
        }
        let rendered = value.value
        if rendered != .null { attributes[key] = rendered }
    }

    /// Records a diagnostic for `key` unless `condition` holds.
    public mutating func require(_ condition: Bool, _ key: String, _ message: @autoclosure () -> String) {
        if !condition { diagnostics.append(Diagnostic(address: address, attribute: key, message: message())) }
    }

    /// Records a diagnostic about `key`.
    public mutating func report(_ key: String?, _ message: String) {
        diagnostics.append(Diagnostic(address: address, attribute: key, message: message))
    }
}

/// One problem found while building a configuration.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var address: ResourceAddress?
    public var attribute: String?
    public var message: String

    public init(address: ResourceAddress?, attribute: String?, message: String) {
        self.address = address
        self.attribute = attribute
        self.message = message
    }

    public var description: String {
        var prefix = ""
        if let address { prefix += "\(address): " }
        if let attribute { prefix += "\(attribute): " }
        return prefix + message
    }
}

/// A stack's code declares something invalid; every problem found is listed.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var stack: String
    public var environment: String
    public var diagnostics: [Diagnostic]

    public var description: String {
        let count = diagnostics.count == 1 ? "1 error" : "\(diagnostics.count) errors"
        return "stack \(stack) in environment \(environment): \(count):\n"
            + diagnostics.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// What a resource needs to know about where it is deployed when it renders.
public struct RenderContext: Sendable, Hashable {
    public var environment: String
    public var stack: String
    public var region: String
    public var account: String?
    /// Production environments get the stricter defaults (deletion protection, final snapshots).
    public var isProduction: Bool
    /// Merged into every taggable resource's `tags` (Terraform's `default_tags`).
    public var defaultTags: [String: String]

    public init(
        environment: String, stack: String, region: String, account: String? = nil, isProduction: Bool = false,
        defaultTags: [String: String] = [:]
    ) {
        self.environment = environment
        self.stack = stack
        self.region = region
        self.account = account
        self.isProduction = isProduction
        self.defaultTags = defaultTags
    }

    /// The name an object gets in AWS: `<environment>-<local name>` with `_` as `-`, so that
    /// environments sharing one account never collide.
    public func physicalName(_ localName: String) -> String {
        "\(environment)-\(localName)".replacingOccurrences(of: "_", with: "-")
    }

    /// The zone name for a zone index: `<region>a`, `<region>b`, ...
    public func zoneName(_ index: Int) -> String {
        region + AvailabilityZone.letter(index)
    }
}
