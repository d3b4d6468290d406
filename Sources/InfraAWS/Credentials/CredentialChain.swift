import Foundation

/// The default credential chain, in the order the AWS SDKs use:
/// environment variables; web identity from the environment; the profile
/// (`AWS_PROFILE`, else `default`) with static keys, `role_arn` + `source_profile` or
/// `credential_source`, `web_identity_token_file`, or `credential_process`; ECS container
/// credentials; EC2 instance metadata (IMDSv2).
///
/// The choice is made once, from what is configured; the chosen provider is wrapped in a
/// ``CachedCredentialProvider`` so temporary credentials are refreshed before they expire.
public struct CredentialChain: Sendable {
    public var environment: [String: String]
    public var sts: any STSCredentialService
    public var http: any MetadataHTTPClient

    public init(environment: [String: String], sts: any STSCredentialService, http: any MetadataHTTPClient) {
        self.environment = environment
        self.sts = sts
        self.http = http
    }

    /// The profile the environment selects.
    public var profileName: String {
        environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    /// Chooses the provider. Throws when a configured source is unusable (a missing profile,
    /// a broken `source_profile` chain); returns a provider that throws
    /// ``CredentialsError/noCredentials(tried:)`` when nothing at all is configured.
    public func resolve(region: String) throws(CredentialsError) -> CachedCredentialProvider {
        CachedCredentialProvider(try choose(region: region))
    }

    func choose(region: String) throws(CredentialsError) -> any CredentialProvider {
        if let env = EnvironmentCredentialProvider(environment: environment) {
            return env
        }
        if let roleARN = environment["AWS_ROLE_ARN"], !roleARN.isEmpty,
            let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty
        {
            return WebIdentityCredentialProvider(
                roleARN: roleARN, tokenFile: tokenFile,
                sessionName: environment["AWS_ROLE_SESSION_NAME"] ?? defaultSessionName, region: region, sts: sts)
        }
        let files = try SharedConfigFiles.load(environment: environment)
        let explicitProfile = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"]
        if files.profiles[profileName] != nil {
            return try profileProvider(profileName, files: files, region: region, visited: [])
        } else if let explicitProfile {
            throw .profileNotFound(explicitProfile, files: files.paths)
        }
        if let container = try ContainerCredentialProvider(environment: environment, http: http) {
            return container
        }
        let tried = ["environment variables", "web identity (AWS_ROLE_ARN)", "profile \(profileName) in \(files.paths.joined(separator: ", "))", "container credentials"]
        if let imds = InstanceMetadataCredentialProvider(environment: environment, http: http) {
            return FallbackProvider(provider: imds, tried: tried + ["EC2 instance metadata"])
        }
        return FallbackProvider(provider: nil, tried: tried)
    }

    private var defaultSessionName: String { "infra-\(Int(Date().timeIntervalSince1970))" }

    private func profileProvider(_ name: String, files: SharedConfigFiles, region: String, visited: [String]) throws(CredentialsError) -> any CredentialProvider {
        if visited.contains(name) { throw .profileCycle(visited + [name]) }
        guard let profile = files.profiles[name] else { throw .profileNotFound(name, files: files.paths) }
        let profileRegion = profile["region"] ?? region

        if let roleARN = profile["role_arn"] {
            let sessionName = profile["role_session_name"] ?? defaultSessionName
            let duration = profile["duration_seconds"].flatMap(Int.init)
            if profile["mfa_serial"] != nil {
                throw .invalidProfile(name, reason: "mfa_serial needs an interactive MFA code, which infra cannot prompt for; use credential_process or export temporary keys")
            }
            if let tokenFile = profile["web_identity_token_file"] {
                return WebIdentityCredentialProvider(roleARN: roleARN, tokenFile: tokenFile, sessionName: sessionName, region: profileRegion, sts: sts)
            }
            let source: any CredentialProvider
            if let sourceProfile = profile["source_profile"] {
                // A source profile that names itself uses its own static keys (an SDK rule).
                if sourceProfile == name {
                    source = try staticProvider(name, profile: profile)
                } else {
                    source = try profileProvider(sourceProfile, files: files, region: region, visited: visited + [name])
                }
            } else if let credentialSource = profile["credential_source"] {
                source = try credentialSourceProvider(credentialSource, profile: name)
            } else {
                throw .invalidProfile(name, reason: "role_arn needs source_profile, credential_source or web_identity_token_file")
            }
            return AssumeRoleCredentialProvider(
                source: source, roleARN: roleARN, sessionName: sessionName, externalID: profile["external_id"],
                durationSeconds: duration, region: profileRegion, profile: name, sts: sts)
        }
        if profile["aws_access_key_id"] != nil {
            return try staticProvider(name, profile: profile)
        }
        if let command = profile["credential_process"] {
            return ProcessCredentialProvider(command: command, profile: name)
        }
        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            throw .invalidProfile(name, reason: "IAM Identity Center (SSO) profiles are not read directly; set credential_process = aws configure export-credentials --profile \(name) --format process")
        }
        throw .invalidProfile(name, reason: "it has no credentials (aws_access_key_id, role_arn or credential_process)")
    }

    private func staticProvider(_ name: String, profile: [String: String]) throws(CredentialsError) -> any CredentialProvider {
        guard let key = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] else {
            throw .invalidProfile(name, reason: "aws_access_key_id needs aws_secret_access_key")
        }
        return StaticCredentialProvider(AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: profile["aws_session_token"], source: "profile \(name)"))
    }

    private func credentialSourceProvider(_ source: String, profile: String) throws(CredentialsError) -> any CredentialProvider {
        switch source {
        case "Environment":
            guard let env = EnvironmentCredentialProvider(environment: environment) else {
                throw .invalidProfile(profile, reason: "credential_source = Environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
            }
            return env
        case "EcsContainer":
            guard let container = try ContainerCredentialProvider(environment: environment, http: http) else {
                throw .invalidProfile(profile, reason: "credential_source = EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI are not set")
            }
            return container
        case "Ec2InstanceMetadata":
            guard let imds = InstanceMetadataCredentialProvider(environment: environment, http: http) else {
                throw .invalidProfile(profile, reason: "credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true")
            }
            return imds
        default:
            throw .invalidProfile(profile, reason: "credential_source '\(source)' is not one of Environment, EcsContainer, Ec2InstanceMetadata")
        }
    }
}

/// The last link: instance metadata if it answers, else a clear "no credentials" error.
struct FallbackProvider: CredentialProvider {
    var provider: (any CredentialProvider)?
    var tried: [String]

    func credentials() async throws -> AWSCredentials {
        guard let provider else { throw CredentialsError.noCredentials(tried: tried) }
        do {
            return try await provider.credentials()
        } catch CredentialsError.metadataFailed(_, let reason) where reason.hasPrefix("not reachable") {
            throw CredentialsError.noCredentials(tried: tried)
        }
    }
}

/// Where the region comes from: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
public enum AWSRegionResolver {
    public static func region(environment: [String: String]) -> String? {
        if let region = environment["AWS_REGION"], !region.isEmpty { return region }
        if let region = environment["AWS_DEFAULT_REGION"], !region.isEmpty { return region }
        let profile = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        return (try? SharedConfigFiles.load(environment: environment))?.profiles[profile]?["region"]
    }
}
