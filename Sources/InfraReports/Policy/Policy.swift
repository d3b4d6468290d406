import InfraEngine

/// How bad a policy finding is. An environment's gate fails on findings at or above its threshold.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case low, medium, high, critical

    /// 0 for low up to 3 for critical.
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a rule knows about the environment it judges.
public struct PolicyContext: Sendable {
    public var environment: String
    /// Production rules (deletion protection, backup retention) apply.
    public var isProduction: Bool

    public init(environment: String, isProduction: Bool? = nil) {
        self.environment = environment
        self.isProduction = isProduction ?? ["prod", "production", "prd"].contains(environment.lowercased())
    }
}

/// A built-in check on planned resources: an id users can waive, why it matters, how to fix it.
public struct PolicyRule: Sendable {
    public var id: String
    public var severity: Severity
    public var title: String
    public var why: String
    public var fix: String
    public var resourceTypes: Set<String>
    /// Returns one message per violation in `after` (empty when the resource complies).
    public var check: @Sendable (_ after: [String: Value], _ context: PolicyContext) -> [String]

    public init(id: String, severity: Severity, title: String, why: String, fix: String, resourceTypes: Set<String>,
                check: @escaping @Sendable ([String: Value], PolicyContext) -> [String])
    {
        self.id = id
        self.severity = severity
        self.title = title
        self.why = why
        self.fix = fix
        self.resourceTypes = resourceTypes
        self.check = check
    }
}

/// One violation of one rule by one resource.
public struct PolicyFinding: Sendable, Equatable {
    public var ruleID: String
    public var severity: Severity
    public var address: ResourceAddress
    public var message: String
    public var why: String
    public var fix: String
    /// The reason given in the DSL when the resource waives this rule.
    public var waiver: String?

    public var isWaived: Bool { waiver != nil }
}

/// The verdict on a plan: every finding, and whether the environment's gate fails.
public struct PolicyEvaluation: Sendable {
    public var findings: [PolicyFinding]
    /// Findings at or above this severity fail the gate (exit code 3).
    public var threshold: Severity

    public var failing: [PolicyFinding] { findings.filter { !$0.isWaived && $0.severity >= threshold } }
    public var passed: Bool { failing.isEmpty }

    /// `passed`, `failed (2 high)`.
    public var verdict: String {
        if passed { return findings.contains { !$0.isWaived } ? "passed (warnings only)" : "passed" }
        let counts = Dictionary(grouping: failing, by: \.severity).sorted { $0.key > $1.key }
        return "failed (" + counts.map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ") + ")"
    }
}

/// Evaluates rules on the resources a plan leaves behind (its `after` values).
public struct PolicyEngine: Sendable {
    public var rules: [PolicyRule]

    public init(rules: [PolicyRule] = BuiltinPolicies.all) {
        self.rules = rules
    }

    /// The annotation key under which the DSL records a waiver of `ruleID`.
    public static func waiverKey(_ ruleID: String) -> String { "waiver:\(ruleID)" }

    public func evaluate(_ resources: [ResourceView], context: PolicyContext, threshold: Severity) -> PolicyEvaluation {
        var byType: [String: [PolicyRule]] = [:]
        for rule in rules { for type in rule.resourceTypes { byType[type, default: []].append(rule) } }
        var findings: [PolicyFinding] = []
        for resource in resources.sorted(by: { $0.address < $1.address }) {
            guard let after = resource.after else { continue }
            for rule in byType[resource.type] ?? [] {
                for message in rule.check(after, context) {
                    findings.append(PolicyFinding(
                        ruleID: rule.id, severity: rule.severity, address: resource.address, message: message,
                        why: rule.why, fix: rule.fix, waiver: resource.annotations[Self.waiverKey(rule.id)]))
                }
            }
        }
        return PolicyEvaluation(findings: findings, threshold: threshold)
    }
}
