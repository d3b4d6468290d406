import Foundation

/// ECS (and EKS Pod Identity) container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// against 169.254.170.2, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` with
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` or `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
public struct ContainerCredentialProvider: CredentialProvider {
    public var url: URLComponents
    public var authorization: Authorization?
    public var http: any MetadataHTTPClient

    public enum Authorization: Sendable {
        case token(String)
        case tokenFile(String)
    }

    /// Nil when the environment names no container credentials endpoint.
    public init?(environment: [String: String], http: any MetadataHTTPClient) throws(CredentialsError) {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard let components = URLComponents(string: "http://169.254.170.2" + relative) else {
                throw .metadataFailed(source: "ECS container credentials", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '\(relative)' is not a URL path")
            }
            url = components
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            guard let components = URLComponents(string: full), let host = components.host else {
                throw .metadataFailed(source: "ECS container credentials", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' is not a URL")
            }
            // As the SDKs: plain HTTP only to loopback or the ECS/EKS link-local agents.
            let allowedHTTPHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]
            if components.scheme == "http", !allowedHTTPHosts.contains(host), !host.hasPrefix("127.") {
                throw .metadataFailed(source: "ECS container credentials", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback or container agent address, not \(host)")
            }
            url = components
        } else {
            return nil
        }
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            authorization = .tokenFile(file)
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            authorization = .token(token)
        }
        self.http = http
    }

    public func credentials() async throws -> AWSCredentials {
        let source = "container credentials (\(url.host ?? "?"))"
        var request = AWSHTTPRequest(
            method: "GET", scheme: url.scheme ?? "http", host: url.host ?? "", port: url.port,
            path: url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath,
            query: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        request.setHeader("Accept", "application/json")
        switch authorization {
        case .token(let token): request.setHeader("Authorization", token)
        case .tokenFile(let file):
            do {
                let token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                request.setHeader("Authorization", token)
            } catch {
                throw CredentialsError.unreadableFile(path: file, reason: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error.localizedDescription)")
            }
        case nil: break
        }
        let response: AWSHTTPResponse
        do {
            response = try await http.send(request, timeout: .seconds(5))
        } catch {
            throw CredentialsError.metadataFailed(source: source, reason: "\(error)")
        }
        guard response.status == 200 else {
            throw CredentialsError.metadataFailed(source: source, reason: "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return try MetadataCredentialsDocument.decode(response.body, source: source)
    }
}

/// The JSON document both the container agent and IMDS return.
enum MetadataCredentialsDocument {
    struct Document: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    static func decode(_ body: [UInt8], source: String) throws(CredentialsError) -> AWSCredentials {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(body))
        } catch {
            throw .metadataFailed(source: source, reason: "the response is not a credentials document (AccessKeyId, SecretAccessKey, Token, Expiration)")
        }
        return AWSCredentials(
            accessKeyID: document.AccessKeyId, secretAccessKey: document.SecretAccessKey, sessionToken: document.Token,
            expiration: document.Expiration.flatMap(parseISO8601Date), source: source)
    }
}
