/// A request that got no complete HTTP response: the connection could not be made, broke, or
/// took too long. (An HTTP error status is not a transport error; the protocol layer turns that
/// into an ``AWSError``.)
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as far as retrying is concerned.
    public enum Kind: Sendable, Equatable {
        /// No connection was made (refused, unreachable, DNS, connect timeout, TLS handshake).
        case connectFailed
        /// The connection was reset or closed before the whole response arrived.
        case connectionClosed
        /// The request deadline or a read timeout passed before the response was complete.
        case timeout
        /// The response body was larger than the transport accepts.
        case responseTooLarge(limit: Int)
        /// The request could not be sent as given (bad URL, bad header); retrying cannot help.
        case invalidRequest
        /// Any other failure; not retried, because we cannot tell whether retrying is safe.
        case other
    }

    public var kind: Kind
    /// The host the request was for, so the message names the endpoint.
    public var host: String
    /// Whether the server may have received (and acted on) the request. False only when we
    /// know no connection was made; a retry of a non-idempotent call must take this into account.
    public var mayHaveReachedServer: Bool
    /// A short description of the underlying failure, for the message.
    public var detail: String

    public init(kind: Kind, host: String, mayHaveReachedServer: Bool, detail: String) {
        self.kind = kind
        self.host = host
        self.mayHaveReachedServer = mayHaveReachedServer
        self.detail = detail
    }

    public var description: String {
        let what: String
        switch kind {
        case .connectFailed: what = "could not connect to \(host)"
        case .connectionClosed: what = "connection to \(host) was closed before the response was complete"
        case .timeout: what = "request to \(host) timed out"
        case .responseTooLarge(let limit): what = "response from \(host) is larger than the \(limit)-byte limit"
        case .invalidRequest: what = "request to \(host) is invalid"
        case .other: what = "request to \(host) failed"
        }
        var text = what
        if !detail.isEmpty { text += ": \(detail)" }
        if case .connectFailed = kind {
            text += " (check the endpoint, AWS_ENDPOINT_URL and network access)"
        }
        return text
    }
}
