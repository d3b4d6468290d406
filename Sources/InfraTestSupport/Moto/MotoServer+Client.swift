import Foundation
import InfraAWS

extension MotoServer {
    /// The environment that points every service at this server (`AWS_ENDPOINT_URL`).
    public var endpointEnvironment: [String: String] {
        ["AWS_ENDPOINT_URL": endpoint.absoluteString]
    }

    /// A client for this server, signing with the harness user's key unless `credentials` says
    /// otherwise. Retries are fast (1 ms base) so a failing test fails quickly.
    public func client(region: String = "us-east-1", credentials: AWSCredentials? = nil,
                       transport: any AWSHTTPTransport = HTTPTransport.shared) -> AWSClient
    {
        AWSClient(region: region, credentials: StaticCredentialProvider(credentials ?? self.credentials),
                  endpoints: AWSEndpointResolver(environment: endpointEnvironment), transport: transport,
                  retry: RetryConfiguration(maxAttempts: 3, baseDelay: .milliseconds(1)), clockSkew: ClockSkew())
    }

    /// One server for the whole test process, started on first use and stopped at exit. Tests
    /// that share it call ``reset()`` first, so none depends on another's state.
    public static func shared() async throws -> MotoServer {
        try await SharedMoto.checked.server()
    }

    /// A second shared server with signature checking off, for EKS only: moto rejects EKS
    /// GET and DELETE requests as `SignatureDoesNotMatch` even when they are signed correctly
    /// (see moto-notes). Point `AWS_ENDPOINT_URL_EKS` at it; everything else stays checked.
    public static func sharedForEKS() async throws -> MotoServer {
        try await SharedMoto.unchecked.server()
    }
}

private actor SharedMoto {
    static let checked = SharedMoto(checking: true)
    static let unchecked = SharedMoto(checking: false)
    private let checking: Bool
    private var running: MotoServer?

    init(checking: Bool) { self.checking = checking }

    func server() async throws -> MotoServer {
        if let running { return running }
        let started = try await MotoServer.start()
        if !checking { try await started.setAuth(enabled: false) }
        running = started
        return started
    }
}

/// Counts requests on their way to another transport: how tests prove "exactly one attempt".
public final class CountingTransport: AWSHTTPTransport, @unchecked Sendable {
    private let base: any AWSHTTPTransport
    private let lock = NSLock()
    private var sent = 0

    public init(_ base: any AWSHTTPTransport = HTTPTransport.shared) {
        self.base = base
    }

    public var count: Int { lock.withLock { sent } }

    public func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
        lock.withLock { sent += 1 }
        return try await base.send(request, deadline: deadline)
    }
}
