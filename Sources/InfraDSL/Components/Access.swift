import InfraEngine

/// A security group for a component together with the ingress rules that admit exactly the
/// named sources on one port, and (optionally) an egress rule to anywhere.
public struct GuardedGroup: Component {
    public let group: SecurityGroup
    public let ingress: [SecurityGroupIngressRule]
    public let egress: [SecurityGroupEgressRule]

    /// - Parameters:
    ///   - admit: security groups whose members may connect (`cluster.nodes`, `service.securityGroup`).
    ///   - admitCIDRs: address blocks that may connect.
    ///   - allowEgress: whether members may open connections out (services need to; databases do not).
    public init(
        _ name: String, vpc: Ref<VPC.ID>, description: String, port: PortNumber?, admit: [Ref<SecurityGroup.ID>],
        admitCIDRs: [CIDRBlock] = [], allowEgress: Bool
    ) {
        group = SecurityGroup(name, vpc: vpc, description: description)
        var rules: [SecurityGroupIngressRule] = []
        if let port {
            for (i, source) in admit.enumerated() {
                // Named after the source so that adding or removing one source never renames the others.
                let suffix = source.reference?.address.name ?? "source_\(i)"
                rules.append(
                    SecurityGroupIngressRule(
                        "\(name)_from_\(suffix)", group: group.id, from: .securityGroup(source), ports: PortRange(port),
                        description: "from \(source.reference?.address.description ?? source.description)"))
            }
            for block in admitCIDRs {
                let suffix = block.description.map { $0.isNumber ? $0 : "_" }
                rules.append(
                    SecurityGroupIngressRule(
                        "\(name)_from_\(String(suffix))", group: group.id, from: .cidr(block), ports: PortRange(port),
                        description: "from \(block)"))
            }
        }
        ingress = rules
        egress =
            allowEgress
            ? [SecurityGroupEgressRule("\(name)_egress", group: group.id, to: .cidr(.anywhere), description: "all outbound")]
            : []
    }

    public var id: Ref<SecurityGroup.ID> { group.id }

    public var body: Resources {
        Resources {
            group
            ingress
            egress
        }
    }
}
