/// Every resource type infra manages. A handler not listed here is unreachable.
extension AWSProvider {
    public static let allHandlers: [any AWSResourceHandler] = [
        IAMRoleHandler(), IAMRolePolicyHandler(), IAMRolePolicyAttachmentHandler(),
        SecretHandler(), SecretVersionHandler(),
    ]
}
