import Foundation
import InfraAWS
import InfraTestSupport
import XCTest

@testable import InfraCLI

/// A stand-in for GitHub's issue-comments API: one repository (`acme/platform`), one pull
/// request (#7) that already holds `noise` unrelated comments, one valid token.
final class FakeGitHub: @unchecked Sendable {
    // @unchecked: every field is touched only while `lock` is held.
    private let lock = NSLock()
    private var comments: [(id: Int, body: String)] = []
    private var nextID = 1000
    let token = "ghs_valid"

    init(noise: Int) {
        for i in 0..<noise { comments.append((id: i + 1, body: "looks good \(i)")) }
    }

    var all: [(id: Int, body: String)] { lock.withLock { comments } }

    func handle(_ request: RecordedRequest) -> FaultAction {
        func json(_ status: Int, _ object: Any) -> FaultAction {
            let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            return .respond(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
        }
        guard request.header("Authorization") == "Bearer \(token)" else {
            return json(401, ["message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"])
        }
        let base = "/api/v3/repos/acme/platform/issues"
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
        return lock.withLock { () -> FaultAction in
            switch (request.method, request.path) {
            case ("GET", "\(base)/7/comments"):
                let query = URLComponents(string: request.uri)?.queryItems ?? []
                let page = Int(query.first { $0.name == "page" }?.value ?? "1") ?? 1
                let size = Int(query.first { $0.name == "per_page" }?.value ?? "30") ?? 30
                let slice = comments.dropFirst((page - 1) * size).prefix(size)
                return json(200, slice.map { ["id": $0.id, "body": $0.body, "html_url": "https://github.test/c/\($0.id)"] })
            case ("POST", "\(base)/7/comments"):
                nextID += 1
                comments.append((id: nextID, body: body?["body"] as? String ?? ""))
                return json(201, ["id": nextID, "html_url": "https://github.test/c/\(nextID)"])
            case ("PATCH", let path) where path.hasPrefix("\(base)/comments/"):
                guard let id = Int(path.dropFirst("\(base)/comments/".count)),
                    let index = comments.firstIndex(where: { $0.id == id })
                else { return json(404, ["message": "Not Found"]) }
                comments[index].body = body?["body"] as? String ?? ""
                return json(200, ["id": id, "html_url": "https://github.test/c/\(id)"])
            default:
                return json(404, ["message": "Not Found"])
            }
        }
    }
}

final class GitHubCommentPosterTests: XCTestCase {
    let marker = "<!-- infra:prod/platform -->"

    func withServer(noise: Int = 0, _ body: (FakeGitHub, FaultServer, HTTPTransport) async throws -> Void) async throws {
        let github = FakeGitHub(noise: noise)
        let server = try await FaultServer.start { github.handle($0) }
        let transport = HTTPTransport()
        do {
            try await body(github, server, transport)
        } catch {
            try? await transport.shutdown()
            try? await server.shutdown()
            throw error
        }
        try await transport.shutdown()
        try await server.shutdown()
    }

    func poster(_ server: FaultServer, _ transport: HTTPTransport, token: String = "ghs_valid",
                repository: String = "acme/platform", pr: Int = 7) throws -> GitHubCommentPoster {
        GitHubCommentPoster(
            target: try .init(token: token, repository: repository, pullRequest: pr, apiURL: server.endpoint + "/api/v3"),
            transport: transport)
    }

    func testCreatesThenUpdatesTheSameComment() async throws {
        // 150 earlier comments: ours is found across pages.
        try await withServer(noise: 150) { github, server, transport in
            let poster = try poster(server, transport)
            let first = try await poster.post("Plan: 1 to add\n" + marker, marker: marker)
            guard case .created(let id, let url) = first else { return XCTFail("expected a new comment, got \(first)") }
            XCTAssertEqual(url, "https://github.test/c/\(id)")

            let second = try await poster.post("Plan: 2 to add\n" + marker, marker: marker)
            XCTAssertEqual(second, .updated(id: id, url: "https://github.test/c/\(id)"))
            let ours = github.all.filter { $0.body.contains(marker) }
            XCTAssertEqual(ours.count, 1, "one comment per environment and stack")
            XCTAssertEqual(ours.first?.body, "Plan: 2 to add\n" + marker)

            // Another environment's marker gets its own comment; the body gains the marker.
            let staging = try await poster.post("Plan: staging", marker: "<!-- infra:staging/platform -->")
            guard case .created = staging else { return XCTFail("expected a new comment, got \(staging)") }
            XCTAssertEqual(github.all.last?.body, "Plan: staging\n\n<!-- infra:staging/platform -->")

            // The requests carried GitHub's headers and paged through the comments.
            let gets = server.requests.filter { $0.method == "GET" }
            XCTAssertTrue(gets.contains { $0.uri.contains("page=2") })
            XCTAssertEqual(gets.first?.header("Accept"), "application/vnd.github+json")
            XCTAssertNotNil(gets.first?.header("User-Agent"))
        }
    }

    func testNotFoundNamesRepositoryAndPullRequest() async throws {
        try await withServer { _, server, transport in
            do {
                _ = try await poster(server, transport, repository: "acme/nope", pr: 12).post("x", marker: marker)
                XCTFail("expected an error")
            } catch let error as GitHubError {
                XCTAssertEqual(error, .notFound(repository: "acme/nope", pullRequest: 12, message: "Not Found"))
                XCTAssertTrue(error.description.contains("no pull request #12 in acme/nope"), error.description)
                XCTAssertTrue(error.description.contains("GITHUB_REPOSITORY"), error.description)
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
    }

    func testBadTokenIsReportedWithoutTheToken() async throws {
        try await withServer { github, server, transport in
            do {
                _ = try await poster(server, transport, token: "ghs_expired_token").post("x", marker: marker)
                XCTFail("expected an error")
            } catch let error as GitHubError {
                XCTAssertEqual(error, .badCredentials(message: "Bad credentials"))
                XCTAssertTrue(error.description.contains("GitHub refused GITHUB_TOKEN (401 Bad credentials)"), error.description)
                XCTAssertFalse(error.description.contains("ghs_expired_token"))
            } catch {
                XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(github.all.isEmpty)
        }
    }

    func testForbiddenSaysWhichPermission() throws {
        let target = try GitHubCommentPoster.Target(token: "t", repository: "acme/platform", pullRequest: 7)
        let error = GitHubError.from(status: 403, body: Array(#"{"message":"Resource not accessible by integration"}"#.utf8),
                                     what: "creating a comment", target: target)
        XCTAssertTrue(error.description.contains("pull-requests: write"), error.description)
        XCTAssertTrue(error.description.contains("acme/platform"), error.description)
    }

    func testTargetFromEnvironment() throws {
        let event = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString).json")
        try #"{"action":"synchronize","pull_request":{"number":42,"title":"x"}}"#.write(to: event, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: event) }
        let env = ["GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/platform", "GITHUB_EVENT_PATH": event.path]
        let target = try GitHubCommentPoster.Target.fromEnvironment(env)
        XCTAssertEqual(target.pullRequest, 42)
        XCTAssertEqual(target.apiURL, "https://api.github.com")
        XCTAssertEqual(try GitHubCommentPoster.Target.fromEnvironment(env, pullRequest: 9).pullRequest, 9)
        XCTAssertEqual(try GitHubCommentPoster.Target.fromEnvironment(env.merging(["GITHUB_API_URL": "https://ghe.test/api/v3"]) { $1 }).apiURL,
                       "https://ghe.test/api/v3")

        XCTAssertThrowsError(try GitHubCommentPoster.Target.fromEnvironment(["GITHUB_REPOSITORY": "acme/platform"], pullRequest: 1)) {
            XCTAssertEqual($0 as? GitHubError, .missingToken)
            XCTAssertTrue(String(describing: $0).contains("set GITHUB_TOKEN"))
        }
        XCTAssertThrowsError(try GitHubCommentPoster.Target.fromEnvironment(["GITHUB_TOKEN": "t"], pullRequest: 1)) {
            XCTAssertEqual($0 as? GitHubError, .missingRepository)
        }
        XCTAssertThrowsError(try GitHubCommentPoster.Target.fromEnvironment(["GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/platform"])) {
            XCTAssertTrue(String(describing: $0).contains("--pr"), String(describing: $0))
        }
        XCTAssertThrowsError(try GitHubCommentPoster.Target.fromEnvironment(["GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme"], pullRequest: 1)) {
            XCTAssertEqual($0 as? GitHubError, .invalidRepository("acme"))
        }
        let push = FileManager.default.temporaryDirectory.appendingPathComponent("push-\(UUID().uuidString).json")
        try #"{"ref":"refs/heads/main"}"#.write(to: push, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: push) }
        XCTAssertThrowsError(try GitHubCommentPoster.Target.fromEnvironment(env.merging(["GITHUB_EVENT_PATH": push.path]) { $1 })) {
            XCTAssertTrue(String(describing: $0).contains("no pull_request.number"), String(describing: $0))
        }
    }
}
