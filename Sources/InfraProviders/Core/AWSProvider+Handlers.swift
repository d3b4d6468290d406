/// Every resource type infra manages. A handler not listed here is unreachable.
extension AWSProvider {
    public static let allHandlers: [any AWSResourceHandler] = [
        // Network (EC2)
        VPCHandler(), SubnetHandler(), InternetGatewayHandler(), ElasticIPHandler(), NATGatewayHandler(),
        RouteTableHandler(), RouteHandler(), RouteTableAssociationHandler(), SecurityGroupHandler(),
        SecurityGroupRuleHandler(egress: false), SecurityGroupRuleHandler(egress: true),
        // IAM
        IAMRoleHandler(), IAMRolePolicyHandler(), IAMRolePolicyAttachmentHandler(),
        // Secrets Manager
        SecretHandler(), SecretVersionHandler(),
        // RDS
        DBSubnetGroupHandler(), DBParameterGroupHandler(), DBInstanceHandler(),
        // ElastiCache
        CacheSubnetGroupHandler(), ReplicationGroupHandler(), CacheClusterHandler(),
        // Compute: EKS and ECS
        EKSClusterHandler(), EKSNodeGroupHandler(),
        ECSClusterHandler(), ECSTaskDefinitionHandler(), ECSServiceHandler(),
    ]
}
