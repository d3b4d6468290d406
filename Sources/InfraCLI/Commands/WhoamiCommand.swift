import ArgumentParser
import Foundation
import InfraAWS

/// `infra whoami`: which account and identity the credentials are, and where they came from.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show the AWS account, caller ARN, region and where the credentials came from.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let region = AWSRegionResolver.region(environment: environment) else {
            throw CLIError("no AWS region: set AWS_REGION (or region in your AWS profile)")
        }
        let client = try AWSClient.standard(region: region, environment: environment)
        let credentials = try await client.credentialProvider.credentials()
        let identity = try await client.call(.sts, "GetCallerIdentity")
        let terminal = global.terminal
        terminal.line("Account:      \(identity["Account"].string ?? "?")")
        terminal.line("Caller ARN:   \(identity["Arn"].string ?? "?")")
        terminal.line("User ID:      \(identity["UserId"].string ?? "?")")
        terminal.line("Region:       \(region)")
        terminal.line("Credentials:  \(credentials.source)")
        terminal.line("Access key:   \(credentials.accessKeyID)")
        if let expiration = credentials.expiration {
            terminal.line("Expires:      \(expiration.formatted(.iso8601))")
        }
        if let endpoint = environment["AWS_ENDPOINT_URL"] {
            terminal.line("Endpoint:     \(endpoint) (AWS_ENDPOINT_URL)")
        }
    }
}
