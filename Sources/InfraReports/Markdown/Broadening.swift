import InfraEngine

/// An IAM or security-group change that widens access, shown first in the pull request
/// comment (as `cdk diff` does), because it is the change a reviewer must not miss.
public struct Broadening: Sendable, Equatable {
    public var address: ResourceAddress
    /// What kind of widening: `ingress`, `trust`, `actions`, `resources`, `attachment`.
    public var kind: String
    /// The widening itself: `0.0.0.0/0 → tcp 22`, `+ principal AWS: arn:...`.
    public var detail: String
    /// Open to the whole internet (any address), the most dangerous kind.
    public var toWorld: Bool

    public init(address: ResourceAddress, kind: String, detail: String, toWorld: Bool = false) {
        self.address = address
        self.kind = kind
        self.detail = detail
        self.toWorld = toWorld
    }

    static let worldCIDRs: Set<String> = ["0.0.0.0/0", "::/0"]

    /// The widenings in `resources` (before → after), in address order.
    public static func find(in resources: [ResourceView]) -> [Broadening] {
        var found: [Broadening] = []
        for resource in resources.sorted(by: { $0.address < $1.address }) {
            guard let after = resource.after else { continue }
            let before = resource.before
            switch resource.type {
            case "aws_vpc_security_group_ingress_rule":
                for cidr in ["cidr_ipv4", "cidr_ipv6"] {
                    guard let block = after[cidr]?.stringValue, before?[cidr]?.stringValue != block else { continue }
                    found.append(Broadening(
                        address: resource.address, kind: "ingress",
                        detail: "from \(block) on \(ports(after))", toWorld: worldCIDRs.contains(block)))
                }
            case "aws_security_group_rule":
                guard after["type"]?.stringValue == "ingress" else { continue }
                let old = Set((before?["cidr_blocks"]?.strings ?? []) + (before?["ipv6_cidr_blocks"]?.strings ?? []))
                for block in (after["cidr_blocks"]?.strings ?? []) + (after["ipv6_cidr_blocks"]?.strings ?? []) where !old.contains(block) {
                    found.append(Broadening(address: resource.address, kind: "ingress", detail: "from \(block) on \(ports(after))",
                                            toWorld: worldCIDRs.contains(block)))
                }
            case "aws_security_group":
                let old = Set((before?["ingress"]?.listValue ?? []).flatMap(cidrs))
                for rule in after["ingress"]?.listValue ?? [] {
                    guard let map = rule.mapValue else { continue }
                    for block in cidrs(rule) where !old.contains(block) {
                        found.append(Broadening(address: resource.address, kind: "ingress", detail: "from \(block) on \(ports(map))",
                                                toWorld: worldCIDRs.contains(block)))
                    }
                }
            case "aws_iam_role":
                let old = Set(principals(before?["assume_role_policy"]))
                for principal in principals(after["assume_role_policy"]) where !old.contains(principal) {
                    found.append(Broadening(address: resource.address, kind: "trust", detail: "may be assumed by \(principal)",
                                            toWorld: principal.hasSuffix(": *")))
                }
            case "aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy":
                let oldGrants = grants(before?["policy"])
                let newGrants = grants(after["policy"])
                let newActions = newGrants.actions.subtracting(oldGrants.actions).sorted()
                let newResources = newGrants.resources.subtracting(oldGrants.resources).sorted()
                if !newActions.isEmpty {
                    found.append(Broadening(address: resource.address, kind: "actions",
                                            detail: "allows " + newActions.joined(separator: ", "),
                                            toWorld: newActions.contains { $0 == "*" || $0.hasSuffix(":*") }))
                }
                if !newResources.isEmpty {
                    found.append(Broadening(address: resource.address, kind: "resources",
                                            detail: "on " + newResources.joined(separator: ", "), toWorld: newResources.contains("*")))
                }
            case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment":
                let arn = after["policy_arn"]
                guard before?["policy_arn"] != arn else { continue }
                let name = arn?.stringValue ?? "a policy known after apply"
                found.append(Broadening(address: resource.address, kind: "attachment", detail: "attaches \(name)",
                                        toWorld: name.hasSuffix("/AdministratorAccess")))
            default:
                continue
            }
        }
        return found
    }

    static func cidrs(_ rule: Value) -> [String] {
        (rule["cidr_blocks"]?.strings ?? []) + (rule["ipv6_cidr_blocks"]?.strings ?? [])
    }

    static func ports(_ rule: [String: Value]) -> String {
        let proto = rule["ip_protocol"]?.stringValue ?? rule["protocol"]?.stringValue ?? "tcp"
        if proto == "-1" || proto == "all" { return "all protocols and ports" }
        guard let from = rule["from_port"]?.intValue else { return proto }
        let to = rule["to_port"]?.intValue ?? from
        return from == to ? "\(proto) \(from)" : "\(proto) \(from)-\(to)"
    }

    /// `Service: ecs-tasks.amazonaws.com`, `AWS: arn:aws:iam::1:root`, `Federated: ...` of Allow statements.
    static func principals(_ document: Value?) -> [String] {
        var found: [String] = []
        for statement in statements(document) where statement["Effect"]?.stringValue != "Deny" {
            if statement["Principal"]?.stringValue == "*" { found.append("AWS: *"); continue }
            for (kind, value) in (statement["Principal"]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                for id in value.strings { found.append("\(kind): \(id)") }
            }
        }
        return found
    }

    static func grants(_ document: Value?) -> (actions: Set<String>, resources: Set<String>) {
        var actions: Set<String> = []
        var resources: Set<String> = []
        for statement in statements(document) where statement["Effect"]?.stringValue != "Deny" {
            actions.formUnion(statement["Action"]?.strings ?? [])
            resources.formUnion((statement["Resource"]?.strings ?? []).map { $0 })
            if statement["Resource"].map({ !$0.isWhollyKnown }) == true { resources.insert("(resources known after apply)") }
        }
        return (actions, resources)
    }

    static func statements(_ document: Value?) -> [[String: Value]] {
        guard let doc = document?.policyDocument, let statement = doc["Statement"] else { return [] }
        if let one = statement.mapValue { return [one] }
        return (statement.listValue ?? []).compactMap(\.mapValue)
    }
}
