import InfraEngine

/// An IAM policy document: statements of effect, principals, actions, resources, conditions.
///
/// Rendered to a canonical `Value` map (`Version`, `Statement`; lists always lists, actions and
/// literal resources sorted and de-duplicated) so that order or whitespace never shows as a
/// change. Providers serialise it to JSON.
public struct PolicyDocument: ValueConvertible, Hashable {
    public var statements: [Statement]

    public init(_ statements: [Statement]) { self.statements = statements }
    public init(_ statements: Statement...) { self.statements = statements }

    /// A trust policy letting an AWS service assume the role: `.assumedBy(service: "eks.amazonaws.com")`.
    public static func assumedBy(service: String...) -> PolicyDocument {
        PolicyDocument(Statement(.allow, actions: ["sts:AssumeRole"], principals: [.service(service)]))
    }

    public struct Statement: Hashable, Sendable {
        public enum Effect: String, Hashable, Sendable { case allow = "Allow", deny = "Deny" }

        public var sid: String?
        public var effect: Effect
        public var actions: [String]
        /// Literal ARNs or `"*"`, and references to ARNs of declared resources.
        public var resources: [Value]
        public var principals: [Principal]
        public var conditions: [Condition]

        public init(
            _ effect: Effect, sid: String? = nil, actions: [String], resources: [any ValueConvertible] = [],
            principals: [Principal] = [], conditions: [Condition] = []
        ) {
            self.sid = sid
            self.effect = effect
            self.actions = actions
            self.resources = resources.map(\.value)
            self.principals = principals
            self.conditions = conditions
        }
    }

    /// Who a statement applies to.
    public enum Principal: Hashable, Sendable {
        case service([String])
        case aws([String])
        case federated([String])

        var key: String {
            switch self {
            case .service: return "Service"
            case .aws: return "AWS"
            case .federated: return "Federated"
            }
        }

        var identifiers: [String] {
            switch self {
            case .service(let ids), .aws(let ids), .federated(let ids): return ids
            }
        }
    }

    /// A condition: `Condition(test: "StringEquals", variable: "aws:SourceAccount", values: ["123"])`.
    public struct Condition: Hashable, Sendable {
        public var test: String
        public var variable: String
        public var values: [String]

        public init(test: String, variable: String, values: [String]) {
            self.test = test
            self.variable = variable
            self.values = values
        }
    }

    public var value: Value {
        .map(["Version": "2012-10-17", "Statement": .list(statements.map(Self.render))])
    }

    public var problem: String? {
        if statements.isEmpty { return "a policy document needs at least one statement" }
        for s in statements where s.actions.isEmpty {
            return "every policy statement needs at least one action"
        }
        return nil
    }

    private static func render(_ s: Statement) -> Value {
        var m: [String: Value] = [
            "Effect": .string(s.effect.rawValue),
            "Action": .list(Set(s.actions).sorted().map { .string($0) }),
        ]
        if let sid = s.sid { m["Sid"] = .string(sid) }
        if !s.resources.isEmpty {
            var unique: [Value] = []
            for r in s.resources where !unique.contains(r) { unique.append(r) }
            m["Resource"] = .list(unique.sorted { $0.renderedScalar < $1.renderedScalar })
        }
        if !s.principals.isEmpty {
            var principals: [String: Set<String>] = [:]
            for p in s.principals { principals[p.key, default: []].formUnion(p.identifiers) }
            m["Principal"] = .map(principals.mapValues { .list($0.sorted().map { .string($0) }) })
        }
        if !s.conditions.isEmpty {
            var tests: [String: [String: Value]] = [:]
            for c in s.conditions {
                tests[c.test, default: [:]][c.variable] = .list(Set(c.values).sorted().map { .string($0) })
            }
            m["Condition"] = .map(tests.mapValues { .map($0) })
        }
        return .map(m)
    }
}

/// AWS-managed policies the components attach.
public enum ManagedPolicy {
    public static let amazonEKSClusterPolicy: ARN = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    public static let amazonEKSWorkerNodePolicy: ARN = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    public static let amazonEKSCNIPolicy: ARN = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    public static let amazonEC2ContainerRegistryReadOnly: ARN =
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
    public static let amazonECSTaskExecutionRolePolicy: ARN =
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

/// `aws_iam_role`, with its trust policy as a typed document.
public struct IAMRole: Resource {
    public enum ARN {}
    public enum Name {}
    public static let terraformType = "aws_iam_role"
    public let name: String
    public var assumeRolePolicy: PolicyDocument
    public var description: String?
    public var path: String
    public var maxSessionDuration: TimeSpan
    public var options = ResourceOptions()

    public init(
        _ name: String, assumeRolePolicy: PolicyDocument, description: String? = nil, path: String = "/",
        maxSessionDuration: TimeSpan = .hours(1)
    ) {
        self.name = name
        self.assumeRolePolicy = assumeRolePolicy
        self.description = description
        self.path = path
        self.maxSessionDuration = maxSessionDuration
    }

    public var arn: Ref<ARN> { ref("arn") }
    /// The role's name in AWS, as attachments and inline policies name it.
    public var roleName: Ref<Name> { ref("name") }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        let physical = context.physicalName(name)
        a.set("name", physical)
        a.require(physical.count <= 64, "name", "IAM role names are at most 64 characters; '\(physical)' is \(physical.count)")
        a.set("assume_role_policy", assumeRolePolicy)
        a.set("description", description)
        a.set("path", path)
        a.require(path.hasPrefix("/") && path.hasSuffix("/"), "path", "an IAM path starts and ends with '/'")
        a.set("max_session_duration", maxSessionDuration)
        a.require(
            maxSessionDuration.invalidity != nil || (3600...43200).contains(maxSessionDuration.seconds),
            "max_session_duration", "must be between 1h and 12h, not \(maxSessionDuration)")
        a.set("force_detach_policies", false)
    }
}

/// `aws_iam_role_policy`: an inline policy of a role.
public struct IAMRolePolicy: Resource {
    public static let terraformType = "aws_iam_role_policy"
    public static let isTaggable = false
    public let name: String
    public var role: Ref<IAMRole.Name>
    public var policy: PolicyDocument
    public var options = ResourceOptions()

    public init(_ name: String, role: Ref<IAMRole.Name>, policy: PolicyDocument) {
        self.name = name
        self.role = role
        self.policy = policy
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("name", context.physicalName(name))
        a.set("role", role)
        a.set("policy", policy)
    }
}

/// `aws_iam_role_policy_attachment`: attaches a managed policy to a role.
public struct IAMRolePolicyAttachment: Resource {
    public static let terraformType = "aws_iam_role_policy_attachment"
    public static let isTaggable = false
    public let name: String
    public var role: Ref<IAMRole.Name>
    public var policy: ARN
    public var options = ResourceOptions()

    public init(_ name: String, role: Ref<IAMRole.Name>, policy: ARN) {
        self.name = name
        self.role = role
        self.policy = policy
    }

    public func write(to a: inout AttributeWriter, in context: RenderContext) {
        a.set("role", role)
        a.set("policy_arn", policy)
    }
}
