import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends one signed request and returns the complete response. The protocol layer depends on
/// this protocol, not on ``HTTPTransport``, so it can be tested with an in-memory transport.
public protocol AWSHTTPTransport: Sendable {
    /// Sends `request` and reads the whole response body.
    ///
    /// - Parameter deadline: when the whole exchange must be finished; `nil` means the
    ///   transport's configured request timeout from now.
    /// - Throws: ``TransportError`` when no complete response arrived; `CancellationError`
    ///   when the calling task was cancelled.
    func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse
}

extension AWSHTTPTransport {
    /// Sends `request` with the transport's default deadline.
    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        try await send(request, deadline: nil)
    }
}

/// The process's HTTP client for AWS: one connection pool for every service and region,
/// HTTP/1.1 or HTTP/2 over TLS (negotiated by ALPN), plain HTTP for loopback emulators.
///
/// Use ``shared`` everywhere; create a separate instance only in tests (and shut it down).
public final class HTTPTransport: AWSHTTPTransport {
    /// Limits and timeouts of a transport.
    public struct Configuration: Sendable {
        /// The most connections kept open to one host (HTTP/1.1); more requests wait for one.
        public var maxConnectionsPerHost: Int
        /// How long establishing a connection (TCP and TLS) may take.
        public var connectTimeout: Duration
        /// The deadline of a request when the caller gives none.
        public var requestTimeout: Duration
        /// How long an idle pooled connection is kept.
        public var idleTimeout: Duration
        /// The largest response body accepted; a larger one fails with
        /// ``TransportError/Kind/responseTooLarge(limit:)`` instead of exhausting memory.
        public var maxResponseBytes: Int

        public init(
            maxConnectionsPerHost: Int = 32, connectTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(120), idleTimeout: Duration = .seconds(60),
            maxResponseBytes: Int = 256 * 1024 * 1024
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The process-wide transport. The CLI calls ``shutdown()`` on it before exiting.
    public static let shared = HTTPTransport()

    public let configuration: Configuration
    private let client: HTTPClient

    /// Creates a transport with its own connection pool (tests; everything else uses ``shared``).
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: configuration.connectTimeout.timeAmount),
            connectionPool: .init(
                idleTimeout: configuration.idleTimeout.timeAmount,
                concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maxConnectionsPerHost)),
            decompression: .disabled)
        clientConfiguration.httpVersion = .automatic
        // A refused connection must surface at once, so the retry layer (with its quota and
        // backoff) decides what to do instead of the pool silently retrying until the deadline.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton),
            configuration: clientConfiguration)
    }

    public func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
        let host = request.hostHeader
        let remaining = deadline.map { ContinuousClock.now.duration(to: $0) } ?? configuration.requestTimeout
        guard remaining > .zero else {
            throw TransportError(kind: .timeout, host: host, mayHaveReachedServer: false,
                                 detail: "the deadline passed before the request was sent")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if !request.body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }

        do {
            let response = try await client.execute(outgoing, deadline: .now() + remaining.timeAmount)
            // Content-Length beyond the limit: fail before reading anything.
            if let length = response.headers.first(name: "content-length").flatMap(Int.init),
               length > configuration.maxResponseBytes
            {
                throw NIOTooManyBytesError(maxBytes: configuration.maxResponseBytes)
            }
            let body = try await response.body.collect(upTo: configuration.maxResponseBytes)
            return AWSHTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer: body))
        } catch {
            throw Self.classify(error, host: host, limit: configuration.maxResponseBytes)
        }
    }

    /// Closes every pooled connection. Call once, before the process exits; the transport
    /// cannot send afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Maps the errors of AsyncHTTPClient and SwiftNIO onto ``TransportError``, so that the retry
    /// layer reasons about what happened, not about which library reported it.
    static func classify(_ error: any Error, host: String, limit: Int) -> any Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let transport = error as? TransportError { return transport }
        let detail = String(describing: error)
        func make(_ kind: TransportError.Kind, reached: Bool) -> TransportError {
            TransportError(kind: kind, host: host, mayHaveReachedServer: reached, detail: detail)
        }
        switch error {
        case is NIOTooManyBytesError:
            return make(.responseTooLarge(limit: limit), reached: true)
        case is NIOConnectionError:
            return make(.connectFailed, reached: false)
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                 .getConnectionFromPoolTimeout:
                return make(.connectFailed, reached: false)
            case .readTimeout, .writeTimeout, .deadlineExceeded:
                return make(.timeout, reached: true)
            case .remoteConnectionClosed, .uncleanShutdown:
                return make(.connectionClosed, reached: true)
            case .cancelled:
                return CancellationError()
            case .invalidURL, .emptyHost, .emptyScheme, .bodyLengthMismatch:
                return make(.invalidRequest, reached: false)
            default:
                return make(.other, reached: true)
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout:
                return make(.connectFailed, reached: false)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .inputClosed, .outputClosed:
                return make(.connectionClosed, reached: true)
            default:
                return make(.other, reached: true)
            }
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
                return make(.connectFailed, reached: false)
            case ECONNRESET, EPIPE, ECONNABORTED:
                return make(.connectionClosed, reached: true)
            case ETIMEDOUT:
                return make(.timeout, reached: true)
            default:
                return make(.other, reached: true)
            }
        default:
            return make(.other, reached: true)
        }
    }
}

extension Duration {
    /// The same span as a SwiftNIO `TimeAmount` (nanosecond precision, saturating).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .nanoseconds(seconds < 0 ? .min : .max) }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return .nanoseconds(overflow2 ? .max : total)
    }
}
