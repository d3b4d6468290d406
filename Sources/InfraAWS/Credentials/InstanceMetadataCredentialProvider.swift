import Foundation

/// EC2 instance role credentials through IMDSv2: a session token from `PUT /latest/api/token`,
/// then the role name and its credentials. `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves the
/// endpoint (tests use a loopback server); `AWS_EC2_METADATA_DISABLED=true` turns it off.
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public var endpoint: URLComponents
    public var http: any MetadataHTTPClient

    /// Nil when instance metadata is disabled.
    public init?(environment: [String: String], http: any MetadataHTTPClient) {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        let text = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        guard let components = URLComponents(string: text), components.host != nil else { return nil }
        endpoint = components
        self.http = http
    }

    private var label: String { "EC2 instance metadata (\(endpoint.host ?? "?"))" }

    public func credentials() async throws -> AWSCredentials {
        let token = try await call("PUT", "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")])
        let tokenHeader = [("X-aws-ec2-metadata-token", String(decoding: token, as: UTF8.self))]
        let roles = try await call("GET", "/latest/meta-data/iam/security-credentials/", headers: tokenHeader)
        guard let role = String(decoding: roles, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw CredentialsError.metadataFailed(source: label, reason: "this instance has no IAM role attached")
        }
        let document = try await call("GET", "/latest/meta-data/iam/security-credentials/\(role)", headers: tokenHeader)
        var credentials = try MetadataCredentialsDocument.decode(document, source: label)
        credentials.source = "\(label), role \(role)"
        return credentials
    }

    private func call(_ method: String, _ path: String, headers: [(String, String)]) async throws -> [UInt8] {
        let base = endpoint.percentEncodedPath.hasSuffix("/") ? String(endpoint.percentEncodedPath.dropLast()) : endpoint.percentEncodedPath
        var request = AWSHTTPRequest(method: method, scheme: endpoint.scheme ?? "http", host: endpoint.host ?? "", port: endpoint.port, path: base + path)
        for (name, value) in headers { request.setHeader(name, value) }
        let response: AWSHTTPResponse
        do {
            // Short: off EC2, nothing answers and the chain should fail fast.
            response = try await http.send(request, timeout: .seconds(1))
        } catch {
            throw CredentialsError.metadataFailed(source: label, reason: "not reachable (\(error))")
        }
        guard response.status == 200 else {
            throw CredentialsError.metadataFailed(source: label, reason: "\(method) \(path): HTTP \(response.status)")
        }
        return response.body
    }
}
