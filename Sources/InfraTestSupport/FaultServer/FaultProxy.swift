import Foundation

/// Which faults a ``FaultProxy`` injects, and how often. Rates are per request, between 0 and 1,
/// and add up to at most 1; the rest of the requests pass through untouched (after `latency`).
public struct FaultMix: Sendable {
    /// Added before every request is forwarded or answered.
    public var latency: Duration = .zero
    /// A uniformly random extra delay of up to this much.
    public var jitter: Duration = .zero
    /// `500 InternalError` or `503 ServiceUnavailable` without forwarding.
    public var serverErrors: Double = 0
    /// The protocol's own throttling error without forwarding.
    public var throttling: Double = 0
    /// The connection dropped before the request reaches the emulator.
    public var resetsBeforeForward: Double = 0
    /// The request reaches the emulator and takes effect; the connection drops before the answer.
    public var resetsAfterForward: Double = 0
    /// The answer comes back in small pieces with pauses.
    public var slowBodies: Double = 0
    /// Seeds the random choices, so a failing run can be repeated.
    public var seed: UInt64 = 1

    public init(latency: Duration = .zero, jitter: Duration = .zero, serverErrors: Double = 0, throttling: Double = 0,
                resetsBeforeForward: Double = 0, resetsAfterForward: Double = 0, slowBodies: Double = 0,
                seed: UInt64 = 1)
    {
        self.latency = latency
        self.jitter = jitter
        self.serverErrors = serverErrors
        self.throttling = throttling
        self.resetsBeforeForward = resetsBeforeForward
        self.resetsAfterForward = resetsAfterForward
        self.slowBodies = slowBodies
        self.seed = seed
    }

    /// No faults, no latency.
    public static let none = FaultMix()

    /// `rate` of all requests faulted, spread evenly over the five kinds.
    public static func mixed(_ rate: Double, seed: UInt64 = 1) -> FaultMix {
        let each = rate / 5
        return FaultMix(serverErrors: each, throttling: each, resetsBeforeForward: each, resetsAfterForward: each,
                        slowBodies: each, seed: seed)
    }
}

/// What happened to a request that passed the proxy.
public enum FaultKind: String, Sendable, CaseIterable {
    case passed, serverError, throttled, resetBeforeForward, resetAfterForward, slowBody, intercepted
}

/// A fault-injecting HTTP proxy between `infra` and the emulator, for tests and benchmarks:
/// point `AWS_ENDPOINT_URL` at ``endpoint``. It adds latency, answers a share of requests with
/// 5xx or throttling errors in each protocol's own format, drops connections before and after
/// the request reaches the emulator (after: the dangerous case, the call took effect and the
/// client never heard), and sends slow bodies. It counts what it forwards.
public final class FaultProxy: Sendable {
    private let server: FaultServer
    private let state: State

    /// `http://127.0.0.1:<port>`.
    public var endpoint: String { server.endpoint }

    /// Starts a proxy in front of `upstream` (e.g. the moto server's endpoint). `intercept`,
    /// when it returns an action, decides a request before the mix does (e.g. answer
    /// `ExpiredToken` for one session token); such requests are counted as `intercepted`.
    public static func start(
        upstream: String, mix: FaultMix = .none,
        intercept: (@Sendable (RecordedRequest) -> FaultAction?)? = nil
    ) async throws -> FaultProxy {
        let state = State(mix: mix)
        let server = try await FaultServer.start { request in
            if let intercept, let action = intercept(request) {
                state.count(.intercepted)
                return action
            }
            return state.decide(request, upstream: upstream)
        }
        return FaultProxy(server: server, state: state)
    }

    private init(server: FaultServer, state: State) {
        self.server = server
        self.state = state
    }

    /// Changes the faults for the requests that arrive from now on.
    public func setMix(_ mix: FaultMix) { state.setMix(mix) }

    /// Requests received since start or the last ``resetCounts()``, by what was done with them.
    public var counts: [FaultKind: Int] { state.snapshot() }

    /// Requests received (faulted or not) since start or the last ``resetCounts()``.
    public var requestCount: Int { counts.values.reduce(0, +) }

    /// Requests that reached the emulator: passed, reset after forward, slow bodies.
    public var forwardedCount: Int {
        let counts = self.counts
        return [FaultKind.passed, .resetAfterForward, .slowBody].reduce(0) { $0 + (counts[$1] ?? 0) }
    }

    public func resetCounts() { state.resetCounts() }

    public func shutdown() async throws { try await server.shutdown() }

    /// The operation a request calls, for the query, EC2 and JSON protocols (`Action=` of the
    /// form body, or the `X-Amz-Target` suffix); nil for REST protocols.
    public static func operation(of request: RecordedRequest) -> String? {
        if let target = request.header("X-Amz-Target"), let dot = target.lastIndex(of: ".") {
            return String(target[target.index(after: dot)...])
        }
        let form = String(decoding: request.body, as: UTF8.self)
        for pair in form.split(separator: "&") where pair.hasPrefix("Action=") {
            return String(pair.dropFirst("Action=".count))
        }
        return nil
    }

    /// The error format of the service a request is for, from its signature's credential
    /// scope (`Credential=AKID/20261123/us-east-1/ec2/aws4_request`).
    public static func errorFormat(of request: RecordedRequest) -> FaultAction.ErrorFormat {
        let authorization = request.header("Authorization") ?? ""
        let scope = authorization.split(separator: "/")
        let service = scope.count >= 4 ? String(scope[3]) : ""
        switch service {
        case "ec2": return .ec2
        case "s3": return .restXML
        case "iam", "sts", "rds", "elasticache": return .query
        default: return .json  // dynamodb, secretsmanager, ecs, eks, logs
        }
    }

    final class State: @unchecked Sendable {
        // @unchecked: mutable fields are only touched while `lock` is held.
        private let lock = NSLock()
        private var mix: FaultMix
        private var random: SeededRandom
        private var counts: [FaultKind: Int] = [:]

        init(mix: FaultMix) {
            self.mix = mix
            random = SeededRandom(seed: mix.seed)
        }

        func setMix(_ new: FaultMix) {
            lock.withLock {
                mix = new
                random = SeededRandom(seed: new.seed)
            }
        }

        func snapshot() -> [FaultKind: Int] { lock.withLock { counts } }
        func count(_ kind: FaultKind) { lock.withLock { counts[kind, default: 0] += 1 } }
        func resetCounts() { lock.withLock { counts = [:] } }

        func decide(_ request: RecordedRequest, upstream: String) -> FaultAction {
            let (kind, delay, coin) = lock.withLock { () -> (FaultKind, Duration, Double) in
                let roll = random.nextUnit()
                var kind = FaultKind.passed
                var edge = 0.0
                for (candidate, rate) in [
                    (FaultKind.serverError, mix.serverErrors), (.throttled, mix.throttling),
                    (.resetBeforeForward, mix.resetsBeforeForward), (.resetAfterForward, mix.resetsAfterForward),
                    (.slowBody, mix.slowBodies),
                ] {
                    edge += rate
                    if roll < edge {
                        kind = candidate
                        break
                    }
                }
                counts[kind, default: 0] += 1
                let jitter = mix.jitter == .zero ? .zero : mix.jitter * random.nextUnit()
                return (kind, mix.latency + jitter, random.nextUnit())
            }
            let format = FaultProxy.errorFormat(of: request)
            let action: FaultAction
            switch kind {
            case .passed, .intercepted: action = .forward(upstream: upstream, then: .relay)
            case .serverError:
                action = coin < 0.5
                    ? .awsError(format, status: 500, code: "InternalError", message: "injected server error")
                    : .serviceUnavailable(format)
            case .throttled: action = .throttling(format)
            case .resetBeforeForward: action = .closeConnection
            case .resetAfterForward: action = .forward(upstream: upstream, then: .closeConnection)
            case .slowBody: action = .forward(upstream: upstream, then: .relaySlowly(chunk: 256, pause: .milliseconds(5)))
            }
            return delay == .zero ? action : .delayed(delay, action)
        }

    }
}

/// A small seedable generator (SplitMix64): the same seed gives the same sequence on every
/// platform, so a failing property test, fault run or crash point is repeated by its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { nextUnit() < p }
}
