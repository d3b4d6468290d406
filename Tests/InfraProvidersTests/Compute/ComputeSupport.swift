import Foundation
import InfraAWS
import InfraDSL
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

extension NetworkHarness {
    /// The harness with moto's signature checking off: moto rejects correctly signed EKS GET
    /// and DELETE requests (moto-notes.md). The next `start()` resets and turns it on again.
    static func startForEKS() async throws -> NetworkHarness {
        let h = try await start()
        try await h.server.setAuth(enabled: false)
        return h
    }

    /// `python3 -c script` with `client(name)` returning a boto3 client of this server.
    @discardableResult
    func python(_ script: String) throws -> String {
        try boto3("""
            def client(name):
                return boto3.client(name, endpoint_url="\(server.endpoint.absoluteString)", region_name="us-east-1",
                    aws_access_key_id="\(server.credentials.accessKeyID)", aws_secret_access_key="\(server.credentials.secretAccessKey)")
            \(script)
            """)
    }

    /// Writes a state holding only `object` at `address` (what `infra import` records).
    func recordImport(_ address: String, type: String, _ object: ObservedResource, extra: [String: ObservedResource] = [:],
                      types: [String: String] = [:]) async throws
    {
        var resources = [try ResourceAddress(parsing: address): ResourceState(type: type, id: object.id, attributes: object.attributes)]
        for (other, observed) in extra {
            resources[try ResourceAddress(parsing: other)] = ResourceState(type: types[other] ?? "", id: observed.id, attributes: observed.attributes)
        }
        try await backend.write(StateSnapshot(serial: 1, stack: "net", environment: "dev", resources: resources))
    }
}

/// A provider-level test double of one describe call: forwards to moto, and for the requests
/// `matches` selects, hands the JSON answer to `rewrite` with the number of the call (from 1).
/// `rewrite` returns the new JSON object, or nil to keep moto's answer; `replace` may answer
/// without asking moto at all (an object moto already deleted).
final class DescribeDouble: AWSHTTPTransport, @unchecked Sendable {
    typealias JSON = [String: Any]
    private let lock = NSLock()
    private var calls = 0
    private var log: [String] = []
    let matches: @Sendable (AWSHTTPRequest) -> Bool
    let rewrite: @Sendable (Int, JSON) -> JSON?
    let replace: @Sendable (Int) -> (status: Int, body: JSON)?

    init(matches: @escaping @Sendable (AWSHTTPRequest) -> Bool,
         replace: @escaping @Sendable (Int) -> (status: Int, body: JSON)? = { _ in nil },
         rewrite: @escaping @Sendable (Int, JSON) -> JSON? = { _, _ in nil })
    {
        self.matches = matches
        self.rewrite = rewrite
        self.replace = replace
    }

    var count: Int { lock.withLock { calls } }
    var requests: [String] { lock.withLock { log } }

    static func target(_ request: AWSHTTPRequest) -> String {
        request.headers.first { $0.name.lowercased() == "x-amz-target" }?.value ?? ""
    }

    func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
        lock.withLock { log.append("\(request.method) \(request.path) \(Self.target(request))") }
        guard matches(request) else { return try await HTTPTransport.shared.send(request, deadline: deadline) }
        let n = lock.withLock { () -> Int in
            calls += 1
            return calls
        }
        if let (status, body) = replace(n) {
            var response = try await HTTPTransport.shared.send(request, deadline: deadline)
            response.status = status
            response.body = Array(try JSONSerialization.data(withJSONObject: body))
            return response
        }
        var response = try await HTTPTransport.shared.send(request, deadline: deadline)
        guard response.status == 200, let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? JSON,
              let changed = rewrite(n, json)
        else { return response }
        response.body = Array(try JSONSerialization.data(withJSONObject: changed))
        return response
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `self[key]` as a JSON object with `edit` applied.
    func editing(_ key: String, _ edit: (inout [String: Any]) -> Void) -> [String: Any] {
        var copy = self
        var inner = self[key] as? [String: Any] ?? [:]
        edit(&inner)
        copy[key] = inner
        return copy
    }
}
