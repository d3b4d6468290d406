import Foundation
import InfraAWS
import InfraReports

/// Creates or updates infra's plan comment on a GitHub pull request (`infra comment --post`).
///
/// One comment per environment and stack: the comment carries a hidden marker
/// (`<!-- infra:<env>/<stack> -->`); when a comment with the marker exists it is edited in place,
/// so a pull request shows the latest plan instead of a growing list of stale ones.
/// Speaks GitHub's REST API through ``HTTPTransport`` (a generic HTTP client).
public struct GitHubCommentPoster: Sendable {
    /// Where to post and with which credentials.
    public struct Target: Sendable, Equatable {
        /// `GITHUB_TOKEN` (never printed).
        public var token: String
        /// `owner/name` (`GITHUB_REPOSITORY`).
        public var owner: String
        public var repository: String
        public var pullRequest: Int
        /// `GITHUB_API_URL`: https://api.github.com, or GitHub Enterprise's `https://host/api/v3`.
        public var apiURL: String

        public init(token: String, repository: String, pullRequest: Int, apiURL: String = GitHubCommentPoster.defaultAPIURL)
            throws(GitHubError)
        {
            let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw GitHubError.invalidRepository(repository)
            }
            guard pullRequest > 0 else { throw GitHubError.invalidPullRequest(String(pullRequest)) }
            self.token = token
            self.owner = String(parts[0])
            self.repository = String(parts[1])
            self.pullRequest = pullRequest
            self.apiURL = apiURL
        }

        /// `owner/name`.
        public var fullName: String { "\(owner)/\(repository)" }

        /// Reads the target from GitHub Actions' variables: `GITHUB_TOKEN`, `GITHUB_REPOSITORY`,
        /// `GITHUB_API_URL` and the pull request number, from `pullRequest` when given, else
        /// from the event file at `GITHUB_EVENT_PATH` (`pull_request.number`).
        public static func fromEnvironment(_ environment: [String: String], pullRequest: Int? = nil)
            throws(GitHubError) -> Target
        {
            guard let token = environment["GITHUB_TOKEN"], !token.isEmpty else { throw GitHubError.missingToken }
            guard let repository = environment["GITHUB_REPOSITORY"], !repository.isEmpty else {
                throw GitHubError.missingRepository
            }
            let number: Int
            if let pullRequest {
                number = pullRequest
            } else if let path = environment["GITHUB_EVENT_PATH"], !path.isEmpty {
                number = try pullRequestNumber(eventFile: path)
            } else {
                throw GitHubError.missingPullRequest(reason: "GITHUB_EVENT_PATH is not set")
            }
            let api = environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? GitHubCommentPoster.defaultAPIURL
            return try Target(token: token, repository: repository, pullRequest: number, apiURL: api)
        }

        static func pullRequestNumber(eventFile path: String) throws(GitHubError) -> Int {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw GitHubError.missingPullRequest(reason: "cannot read the event file \(path) (GITHUB_EVENT_PATH): \(error.localizedDescription)")
            }
            let object = try? JSONSerialization.jsonObject(with: data)
            guard let event = object as? [String: Any] else {
                throw GitHubError.missingPullRequest(reason: "the event file \(path) (GITHUB_EVENT_PATH) is not a JSON object")
            }
            if let pr = event["pull_request"] as? [String: Any], let number = GitHubCommentPoster.integer(pr["number"]) {
                return number
            }
            throw GitHubError.missingPullRequest(
                reason: "the event file \(path) has no pull_request.number (the workflow did not run on a pull_request event)")
        }
    }

    /// What ``post(_:marker:)`` did.
    public enum Outcome: Sendable, Equatable {
        case created(id: Int, url: String?)
        case updated(id: Int, url: String?)

        public var id: Int {
            switch self {
            case .created(let id, _), .updated(let id, _): id
            }
        }
    }

    public static let defaultAPIURL = "https://api.github.com"
    /// Comments read per page while looking for ours (GitHub's maximum).
    static let pageSize = 100

    public var target: Target
    public var transport: any AWSHTTPTransport

    public init(target: Target, transport: any AWSHTTPTransport = HTTPTransport.shared) {
        self.target = target
        self.transport = transport
    }

    /// Updates the pull request's comment holding `marker`, or creates one. The body gets the
    /// marker appended when it does not already hold it, so the next run finds this comment.
    public func post(_ body: String, marker: String) async throws(GitHubError) -> Outcome {
        let text = body.contains(marker) ? body : body + "\n\n" + marker
        let payload = JSONNode.object(["body": .string(text)])
        if let existing = try await findComment(marker: marker) {
            let response = try await send(
                "PATCH", path: "/repos/\(target.owner)/\(target.repository)/issues/comments/\(existing)",
                body: payload, what: "updating comment \(existing)")
            return .updated(id: existing, url: Self.object(response)?["html_url"] as? String)
        }
        let response = try await send(
            "POST", path: "/repos/\(target.owner)/\(target.repository)/issues/\(target.pullRequest)/comments",
            body: payload, what: "creating a comment")
        guard let object = Self.object(response), let id = Self.integer(object["id"]) else {
            throw GitHubError.unexpectedResponse(what: "creating a comment", detail: "no comment id in the answer")
        }
        return .created(id: id, url: object["html_url"] as? String)
    }

    /// The id of the pull request's first comment whose body holds `marker`, reading every page.
    public func findComment(marker: String) async throws(GitHubError) -> Int? {
        var page = 1
        while true {
            let response = try await send(
                "GET", path: "/repos/\(target.owner)/\(target.repository)/issues/\(target.pullRequest)/comments",
                query: [("per_page", String(Self.pageSize)), ("page", String(page))], what: "listing comments")
            guard let comments = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [[String: Any]] else {
                throw GitHubError.unexpectedResponse(what: "listing comments", detail: "the answer is not a list of comments")
            }
            for comment in comments {
                if let body = comment["body"] as? String, body.contains(marker),
                    let id = Self.integer(comment["id"])
                {
                    return id
                }
            }
            // A short page is the last; a `Link: rel="next"` header says the same.
            let hasNext = response.header("link")?.contains("rel=\"next\"") ?? (comments.count >= Self.pageSize)
            guard hasNext, !comments.isEmpty else { return nil }
            page += 1
        }
    }

    // MARK: HTTP

    func send(_ method: String, path: String, query: [(String, String)] = [], body: JSONNode? = nil, what: String)
        async throws(GitHubError) -> AWSHTTPResponse
    {
        guard let base = URLComponents(string: target.apiURL), let scheme = base.scheme, let host = base.host else {
            throw GitHubError.invalidAPIURL(target.apiURL)
        }
        let prefix = base.percentEncodedPath.hasSuffix("/") ? String(base.percentEncodedPath.dropLast()) : base.percentEncodedPath
        var request = AWSHTTPRequest(
            method: method, scheme: scheme, host: host, port: base.port, path: prefix + path,
            query: query.map { (name: $0.0, value: $0.1) },
            headers: [
                ("Authorization", "Bearer \(target.token)"),
                ("Accept", "application/vnd.github+json"),
                ("X-GitHub-Api-Version", "2022-11-28"),
                ("User-Agent", "infra"),
            ])
        if let body {
            request.body = Array(body.text.utf8)
            request.setHeader("Content-Type", "application/json")
        }
        let response: AWSHTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw GitHubError.unreachable(apiURL: target.apiURL, detail: String(describing: error))
        }
        guard (200..<300).contains(response.status) else {
            throw GitHubError.from(status: response.status, body: response.body, what: what, target: target)
        }
        return response
    }

    /// A JSON number as an Int, however Foundation boxed it.
    static func integer(_ value: Any?) -> Int? {
        if let int = value as? Int { return int }
        return (value as? NSNumber)?.intValue
    }

    static func object(_ response: AWSHTTPResponse) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
    }
}

/// Why a comment could not be posted, with what to do about it. Never holds the token.
public enum GitHubError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingToken
    case missingRepository
    case missingPullRequest(reason: String)
    case invalidRepository(String)
    case invalidPullRequest(String)
    case invalidAPIURL(String)
    /// 401: the token was refused.
    case badCredentials(message: String)
    /// 403: the token may not do this (or a rate limit).
    case forbidden(repository: String, message: String)
    /// 404: the repository or pull request does not exist, or the token cannot see it.
    case notFound(repository: String, pullRequest: Int, message: String)
    case apiError(status: Int, what: String, message: String)
    case unreachable(apiURL: String, detail: String)
    case unexpectedResponse(what: String, detail: String)

    public var description: String {
        switch self {
        case .missingToken:
            return "GITHUB_TOKEN is not set: set GITHUB_TOKEN to a token that may write pull request comments "
                + "(in GitHub Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: pull-requests: write`)"
        case .missingRepository:
            return "GITHUB_REPOSITORY is not set: set it to owner/name (GitHub Actions sets it for you)"
        case .missingPullRequest(let reason):
            return "no pull request number: \(reason); pass --pr NUMBER"
        case .invalidRepository(let text):
            return "GITHUB_REPOSITORY is '\(text)', expected owner/name"
        case .invalidPullRequest(let text):
            return "'\(text)' is not a pull request number"
        case .invalidAPIURL(let text):
            return "GITHUB_API_URL '\(text)' is not a URL (expected e.g. https://api.github.com or https://github.example.com/api/v3)"
        case .badCredentials(let message):
            return "GitHub refused GITHUB_TOKEN (401 \(message)): the token is invalid or expired; set GITHUB_TOKEN to a valid token"
        case .forbidden(let repository, let message):
            return "GitHub forbids this token to comment on \(repository) (403 \(message)): grant it pull request write access "
                + "(GitHub Actions: `permissions: pull-requests: write`), or wait if this is a rate limit"
        case .notFound(let repository, let pullRequest, let message):
            return "GitHub found no pull request #\(pullRequest) in \(repository) (404 \(message)): check GITHUB_REPOSITORY "
                + "and the PR number, and that the token can see the repository"
        case .apiError(let status, let what, let message):
            return "GitHub answered \(status) while \(what): \(message)"
        case .unreachable(let apiURL, let detail):
            return "cannot reach the GitHub API at \(apiURL): \(detail) (check GITHUB_API_URL and network access)"
        case .unexpectedResponse(let what, let detail):
            return "unexpected answer from GitHub while \(what): \(detail)"
        }
    }

    static func from(status: Int, body: [UInt8], what: String, target: GitHubCommentPoster.Target) -> GitHubError {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let message = (object?["message"] as? String) ?? String(decoding: body.prefix(200), as: UTF8.self)
        switch status {
        case 401: return .badCredentials(message: message)
        case 403: return .forbidden(repository: target.fullName, message: message)
        case 404: return .notFound(repository: target.fullName, pullRequest: target.pullRequest, message: message)
        default: return .apiError(status: status, what: what, message: message)
        }
    }
}
