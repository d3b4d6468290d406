import Foundation
import InfraAWS

/// What the emulator holds for one environment, per Terraform type, listed directly with the
/// AWS APIs (not through infra's providers, whose bugs this must catch).
struct Inventory {
    let env: String
    let client: AWSClient
    let eksClient: AWSClient

    private var tagFilter: AWSDocument { [["Name": "tag:Environment", "Values": [.string(env)]]] }

    /// EC2 objects tagged with the environment (`filterMember`: DescribeNatGateways spells it `Filter`).
    private func ec2(_ operation: String, _ key: String, filterMember: String = "Filters") async throws -> [AWSDocument] {
        // Filtered again here: moto ignores DescribeNatGateways' tag filter.
        let all = try await client.call(.ec2, operation, [filterMember: tagFilter])[key].array ?? []
        return all.filter { tags($0["Tags"])["Environment"] == env }
    }

    func objects() async throws -> [String: Set<String>] {
        var held: [String: Set<String>] = [:]
        func add(_ type: String, _ ids: [String?]) {
            let found = ids.compactMap { $0 }
            if !found.isEmpty { held[type, default: []].formUnion(found) }
        }
        add("aws_vpc", try await ec2("DescribeVpcs", "Vpcs").map { $0["VpcId"].string })
        add("aws_subnet", try await ec2("DescribeSubnets", "Subnets").map { $0["SubnetId"].string })
        add("aws_internet_gateway", try await ec2("DescribeInternetGateways", "InternetGateways")
            .map { $0["InternetGatewayId"].string })
        add("aws_eip", try await ec2("DescribeAddresses", "Addresses").map { $0["AllocationId"].string })
        add("aws_nat_gateway", try await ec2("DescribeNatGateways", "NatGateways", filterMember: "Filter")
            .filter { $0["State"].string != "deleted" }.map { $0["NatGatewayId"].string })
        let tables = try await ec2("DescribeRouteTables", "RouteTables")
        add("aws_route_table", tables.map { $0["RouteTableId"].string })
        for table in tables {
            let tableID = table["RouteTableId"].string ?? ""
            add("aws_route", (table["Routes"].array ?? []).compactMap { route -> String? in
                guard route["GatewayId"].string != "local", let destination = route["DestinationCidrBlock"].string
                else { return nil }
                return "\(tableID)_\(destination)"
            })
            add("aws_route_table_association", (table["Associations"].array ?? []).filter { $0["Main"].bool != true }
                .map { $0["RouteTableAssociationId"].string })
        }
        let groups = try await ec2("DescribeSecurityGroups", "SecurityGroups")
        add("aws_security_group", groups.map { $0["GroupId"].string })
        if !groups.isEmpty {
            let rules = try await client.call(.ec2, "DescribeSecurityGroupRules", [
                "Filters": [["Name": "group-id", "Values": .list(groups.compactMap { $0["GroupId"].string }.map { .string($0) })]],
            ])["SecurityGroupRules"].array ?? []
            for rule in rules where tags(rule["Tags"])["Environment"] == env {
                add(rule["IsEgress"].bool == true ? "aws_vpc_security_group_egress_rule" : "aws_vpc_security_group_ingress_rule",
                    [rule["SecurityGroupRuleId"].string])
            }
        }
        let roles = try await client.paginate(.iam, "ListRoles")["Roles"].array ?? []
        add("aws_iam_role", roles.compactMap { $0["RoleName"].string }.filter { $0.hasPrefix("\(env)-") })
        let secrets = try await client.paginate(.secretsManager, "ListSecrets")["SecretList"].array ?? []
        add("aws_secretsmanager_secret", secrets.filter { tags($0["Tags"])["Environment"] == env && $0["DeletedDate"].isNull }
            .map { $0["ARN"].string })
        try await addDataAndCompute(to: &held)
        return held
    }

    /// RDS, ElastiCache, ECS and EKS objects of the environment: by tag where the answer
    /// carries tags, else by the `<env>-` prefix every physical name starts with.
    private func addDataAndCompute(to held: inout [String: Set<String>]) async throws {
        func add(_ type: String, _ ids: [String]) {
            if !ids.isEmpty { held[type, default: []].formUnion(ids) }
        }
        let prefix = "\(env)-"
        let instances = try await client.paginate(.rds, "DescribeDBInstances")["DBInstances"].array ?? []
        add("aws_db_instance", instances.compactMap { $0["DBInstanceIdentifier"].string }.filter { $0.hasPrefix(prefix) })
        let subnetGroups = try await client.paginate(.rds, "DescribeDBSubnetGroups")["DBSubnetGroups"].array ?? []
        add("aws_db_subnet_group", subnetGroups.compactMap { $0["DBSubnetGroupName"].string }.filter { $0.hasPrefix(prefix) })
        let parameterGroups = try await client.paginate(.rds, "DescribeDBParameterGroups")["DBParameterGroups"].array ?? []
        add("aws_db_parameter_group", parameterGroups.compactMap { $0["DBParameterGroupName"].string }
            .filter { $0.hasPrefix(prefix) })
        // moto keeps deleted ElastiCache objects `deleting` forever (moto-notes): only live ones count.
        let groups = try await client.paginate(.elastiCache, "DescribeReplicationGroups")["ReplicationGroups"].array ?? []
        add("aws_elasticache_replication_group", groups.filter { $0["Status"].string != "deleting" }
            .compactMap { $0["ReplicationGroupId"].string }.filter { $0.hasPrefix(prefix) })
        let clusters = try await client.paginate(.elastiCache, "DescribeCacheClusters")["CacheClusters"].array ?? []
        add("aws_elasticache_cluster", clusters.filter { $0["CacheClusterStatus"].string != "deleting" && $0["ReplicationGroupId"].isNull }
            .compactMap { $0["CacheClusterId"].string }.filter { $0.hasPrefix(prefix) })

        let ecsClusters = try await client.paginate(.ecs, "ListClusters")["clusterArns"].array?.compactMap(\.string) ?? []
        let ours = ecsClusters.filter { $0.contains(":cluster/\(prefix)") }
        if !ours.isEmpty {
            let described = try await client.call(.ecs, "DescribeClusters", ["clusters": .list(ours.map { .string($0) })])
            add("aws_ecs_cluster", (described["clusters"].array ?? []).filter { $0["status"].string == "ACTIVE" }
                .compactMap { $0["clusterArn"].string })
        }
        for cluster in ours {
            let services = try await client.paginate(.ecs, "ListServices", ["cluster": .string(cluster)])["serviceArns"]
                .array?.compactMap(\.string) ?? []
            // Deleted services stay listed as INACTIVE for a while (on AWS as on moto).
            for batch in stride(from: 0, to: services.count, by: 10).map({ Array(services[$0..<min($0 + 10, services.count)]) }) {
                let described = try await client.call(.ecs, "DescribeServices", [
                    "cluster": .string(cluster), "services": .list(batch.map { .string($0) }),
                ])["services"].array ?? []
                add("aws_ecs_service", described.filter { $0["status"].string != "INACTIVE" }.compactMap { $0["serviceArn"].string })
            }
        }
        let families = try await client.paginate(.ecs, "ListTaskDefinitions", [
            "familyPrefix": .string(prefix), "status": "ACTIVE",
        ])["taskDefinitionArns"].array?.compactMap(\.string) ?? []
        add("aws_ecs_task_definition", families.compactMap { arn in
            arn.split(separator: "/").last.map { String($0.split(separator: ":").first ?? $0) }
        })

        let eksClusters = try await eksClient.paginate(.eks, "ListClusters")["clusters"].array?.compactMap(\.string) ?? []
        let ourEKS = eksClusters.filter { $0.hasPrefix(prefix) }
        add("aws_eks_cluster", ourEKS)
        for cluster in ourEKS {
            let nodeGroups = try await eksClient.paginate(.eks, "ListNodegroups", ["clusterName": .string(cluster)])["nodegroups"]
                .array?.compactMap(\.string) ?? []
            add("aws_eks_node_group", nodeGroups.map { "\(cluster):\($0)" })
        }
    }

    private func tags(_ list: AWSDocument) -> [String: String] {
        var result: [String: String] = [:]
        for tag in list.array ?? [] {
            if let key = tag["Key"].string { result[key] = tag["Value"].string ?? "" }
        }
        return result
    }
}
