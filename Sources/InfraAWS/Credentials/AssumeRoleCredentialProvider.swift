/// `role_arn` with `source_profile` or `credential_source` in a profile: STS AssumeRole,
/// signed with the source credentials.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public var source: any CredentialProvider
    public var roleARN: String
    public var sessionName: String
    public var externalID: String?
    public var durationSeconds: Int?
    public var region: String
    public var profile: String
    public var sts: any STSCredentialService

    public init(source: any CredentialProvider, roleARN: String, sessionName: String, externalID: String?,
                durationSeconds: Int?, region: String, profile: String, sts: any STSCredentialService)
    {
        self.source = source
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.externalID = externalID
        self.durationSeconds = durationSeconds
        self.region = region
        self.profile = profile
        self.sts = sts
    }

    public func credentials() async throws -> AWSCredentials {
        let sourceCredentials = try await source.credentials()
        let label = "profile \(profile) (assumed role \(roleARN) from \(sourceCredentials.source))"
        do {
            var assumed = try await sts.assumeRole(
                using: sourceCredentials, roleARN: roleARN, sessionName: sessionName, externalID: externalID,
                durationSeconds: durationSeconds, region: region)
            assumed.source = label
            return assumed
        } catch {
            throw CredentialsError.stsFailed(source: label, underlying: "\(error)")
        }
    }
}

/// Web identity federation (`AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, or
/// `role_arn` + `web_identity_token_file` in a profile): how GitHub Actions OIDC and EKS IRSA
/// credentials arrive. The token file is read again on every refresh, since it rotates.
public struct WebIdentityCredentialProvider: CredentialProvider {
    public var roleARN: String
    public var tokenFile: String
    public var sessionName: String
    public var region: String
    public var sts: any STSCredentialService

    public init(roleARN: String, tokenFile: String, sessionName: String, region: String, sts: any STSCredentialService) {
        self.roleARN = roleARN
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.region = region
        self.sts = sts
    }

    public func credentials() async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw CredentialsError.unreadableFile(path: tokenFile, reason: "the web identity token file: \(error.localizedDescription)")
        }
        let label = "web identity (assumed role \(roleARN), token \(tokenFile))"
        do {
            var assumed = try await sts.assumeRoleWithWebIdentity(
                roleARN: roleARN, sessionName: sessionName, webIdentityToken: token, durationSeconds: nil, region: region)
            assumed.source = label
            return assumed
        } catch {
            throw CredentialsError.stsFailed(source: label, underlying: "\(error)")
        }
    }
}

import Foundation
