/// A request as the ``FaultServer`` received it.
public struct RecordedRequest: Sendable {
    /// Position in arrival order, from 0, across all connections.
    public var index: Int
    public var method: String
    /// The request target as sent (path and query, still encoded).
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When the request's last byte arrived (wall clock; for reporting, never for assertions).
    public var arrival: ContinuousClock.Instant

    public init(index: Int, method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8],
                arrival: ContinuousClock.Instant)
    {
        self.index = index
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.arrival = arrival
    }

    /// The path part of ``uri``.
    public var path: String {
        String(uri.prefix { $0 != "?" })
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What the ``FaultServer`` does with one request.
public indirect enum FaultAction: Sendable {
    /// Answer with this status, headers and body (`Content-Length` is added).
    case respond(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// Close the connection without answering: the client sees the connection drop mid-request.
    case closeConnection
    /// Wait, then do `action` (latency injection).
    case delayed(Duration, FaultAction)
    /// Send the request on to `upstream` (`http://host:port`) unchanged, Host header included
    /// (it is signed), then deal with the answer as `then` says.
    case forward(upstream: String, then: AfterForward)
    /// Answer with `body` in pieces of `chunk` bytes, pausing `pause` before each.
    case respondSlowly(status: Int, headers: [(name: String, value: String)], body: [UInt8], chunk: Int, pause: Duration)

    /// What a forwarding server does with the upstream's answer.
    public enum AfterForward: Sendable {
        /// Pass it to the client.
        case relay
        /// Drop the connection: the upstream acted on the request, the client never hears of it.
        case closeConnection
        /// Pass it on slowly (see ``FaultAction/respondSlowly(status:headers:body:chunk:pause:)``).
        case relaySlowly(chunk: Int, pause: Duration)
    }

    /// The error-body formats of the AWS wire protocols.
    public enum ErrorFormat: Sendable {
        /// `query` protocol (IAM, STS, RDS, ElastiCache): `<ErrorResponse><Error><Code>`.
        case query
        /// `ec2` protocol: `<Response><Errors><Error><Code>`.
        case ec2
        /// JSON 1.0/1.1: `{"__type": ..., "message": ...}`.
        case json
        /// REST-XML (S3): `<Error><Code>`.
        case restXML
    }

    /// `200 OK` with `body`.
    public static func ok(_ body: String = "", contentType: String = "text/xml") -> FaultAction {
        .respond(status: 200, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    /// An AWS error response in `format` with `code`, `message` and HTTP `status`.
    public static func awsError(
        _ format: ErrorFormat, status: Int, code: String, message: String = "injected fault",
        extraHeaders: [(name: String, value: String)] = []
    ) -> FaultAction {
        let requestID = "fault-00000000-0000-0000-0000-000000000000"
        let body: String
        let contentType: String
        switch format {
        case .query:
            contentType = "text/xml"
            body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
                + "<Code>\(xmlEscaped(code))</Code><Message>\(xmlEscaped(message))</Message></Error>"
                + "<RequestId>\(requestID)</RequestId></ErrorResponse>"
        case .ec2:
            contentType = "text/xml"
            body = "<Response><Errors><Error><Code>\(xmlEscaped(code))</Code><Message>\(xmlEscaped(message))</Message>"
                + "</Error></Errors><RequestID>\(requestID)</RequestID></Response>"
        case .restXML:
            contentType = "application/xml"
            body = "<Error><Code>\(xmlEscaped(code))</Code><Message>\(xmlEscaped(message))</Message>"
                + "<RequestId>\(requestID)</RequestId></Error>"
        case .json:
            contentType = "application/x-amz-json-1.1"
            body = "{\"__type\":\"\(jsonEscaped(code))\",\"message\":\"\(jsonEscaped(message))\"}"
        }
        var headers: [(name: String, value: String)] = [("Content-Type", contentType), ("x-amzn-RequestId", requestID)]
        headers += extraHeaders
        return .respond(status: status, headers: headers, body: Array(body.utf8))
    }

    /// `503 Service Unavailable` with a `ServiceUnavailable` error body in `format`.
    public static func serviceUnavailable(_ format: ErrorFormat = .query) -> FaultAction {
        awsError(format, status: 503, code: "ServiceUnavailable", message: "Service is unavailable")
    }

    /// A throttling error as the given protocol sends it (`Throttling` for XML, `ThrottlingException` for JSON).
    public static func throttling(_ format: ErrorFormat) -> FaultAction {
        switch format {
        case .json: awsError(.json, status: 400, code: "ThrottlingException", message: "Rate exceeded")
        case .restXML: awsError(.restXML, status: 503, code: "SlowDown", message: "Please reduce your request rate.")
        case .ec2: awsError(.ec2, status: 503, code: "RequestLimitExceeded", message: "Request limit exceeded.")
        case .query: awsError(.query, status: 400, code: "Throttling", message: "Rate exceeded")
        }
    }

    /// A 400 client error that no retry can fix.
    public static func clientError(_ format: ErrorFormat = .query, code: String = "ValidationError",
                                   message: String = "1 validation error detected") -> FaultAction
    {
        awsError(format, status: 400, code: code, message: message)
    }
}

private func xmlEscaped(_ text: String) -> String {
    text.replacingAll(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"])
}

private func jsonEscaped(_ text: String) -> String {
    text.replacingAll(["\\": "\\\\", "\"": "\\\""])
}

extension String {
    fileprivate func replacingAll(_ replacements: [Character: String]) -> String {
        var output = ""
        for character in self {
            if let replacement = replacements[character] { output += replacement } else { output.append(character) }
        }
        return output
    }
}
