import Foundation

/// `credential_process` in a profile: runs the command and reads the JSON it prints
/// (`{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}`).
public struct ProcessCredentialProvider: CredentialProvider {
    public var command: String
    public var profile: String

    public init(command: String, profile: String) {
        self.command = command
        self.profile = profile
    }

    public func credentials() async throws -> AWSCredentials {
        let (status, output, errorOutput) = try await run()
        guard status == 0 else {
            let detail = errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            throw CredentialsError.processFailed(
                command: command, reason: "exit status \(status)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        struct Output: Decodable {
            var Version: Int
            var AccessKeyId: String
            var SecretAccessKey: String
            var SessionToken: String?
            var Expiration: String?
        }
        let decoded: Output
        do {
            decoded = try JSONDecoder().decode(Output.self, from: output)
        } catch {
            throw CredentialsError.processFailed(
                command: command, reason: "its output is not the credential_process JSON (Version, AccessKeyId, SecretAccessKey)")
        }
        guard decoded.Version == 1 else {
            throw CredentialsError.processFailed(command: command, reason: "unsupported Version \(decoded.Version) (expected 1)")
        }
        var expiration: Date?
        if let text = decoded.Expiration {
            guard let date = parseISO8601Date(text) else {
                throw CredentialsError.processFailed(command: command, reason: "Expiration '\(text)' is not an ISO 8601 time")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyID: decoded.AccessKeyId, secretAccessKey: decoded.SecretAccessKey,
            sessionToken: decoded.SessionToken, expiration: expiration,
            source: "profile \(profile) (credential_process)")
    }

    private func run() async throws -> (Int32, Data, String) {
        let command = self.command
        return try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: CredentialsError.processFailed(command: command, reason: "\(error)"))
                return
            }
            // Read before waiting, so a chatty process cannot block on a full pipe.
            DispatchQueue.global().async {
                let data = out.fileHandleForReading.readDataToEndOfFile()
                let errData = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, data, String(decoding: errData, as: UTF8.self)))
            }
        }
    }
}
