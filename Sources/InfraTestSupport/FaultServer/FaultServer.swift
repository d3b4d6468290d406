import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 server on 127.0.0.1 (random port) whose every answer is decided by a handler:
/// it can answer with errors, throttle, delay, or drop the connection, and it records each
/// request. Tests point a transport at ``endpoint`` to exercise retries without AWS.
///
/// The handler sees each ``RecordedRequest`` and returns a ``FaultAction``; ``FaultProxy`` is
/// built on it (its actions forward to an emulator).
public final class FaultServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// `127.0.0.1`.
    public let host = "127.0.0.1"
    private let channel: any Channel
    private let core: Core

    /// `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://\(host):\(port)" }

    /// The requests received so far, in arrival order.
    public var requests: [RecordedRequest] { core.recorded() }

    /// How many connections clients have opened so far (shows whether a client pools them).
    public var connectionsAccepted: Int { core.acceptedCount() }

    /// Starts a server that asks `handler` what to do with each request.
    public static func start(handler: @escaping @Sendable (RecordedRequest) -> FaultAction) async throws -> FaultServer {
        let core = Core(handler: handler)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                core.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FaultHTTPHandler(core: core))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw FaultServerError.noLocalPort
        }
        return FaultServer(port: port, channel: channel, core: core)
    }

    /// Starts a server that answers the n-th request with `script[n]`, and every request after
    /// the script with `then` (by default `200 OK` with an empty body).
    public static func scripted(_ script: [FaultAction], then fallback: FaultAction = .ok()) async throws -> FaultServer {
        try await start { request in
            request.index < script.count ? script[request.index] : fallback
        }
    }

    private init(port: Int, channel: any Channel, core: Core) {
        self.port = port
        self.channel = channel
        self.core = core
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async throws {
        try await channel.close()
        for child in core.children() {
            try? await child.close()
        }
    }

    /// State shared by the server's connections.
    final class Core: @unchecked Sendable {
        // @unchecked: the mutable fields are only touched while `lock` is held.
        private let lock = NSLock()
        private var log: [RecordedRequest] = []
        private var open: [ObjectIdentifier: any Channel] = [:]
        private var accepted = 0
        let handler: @Sendable (RecordedRequest) -> FaultAction

        init(handler: @escaping @Sendable (RecordedRequest) -> FaultAction) {
            self.handler = handler
        }

        /// Numbers and records a request; the caller then asks the handler (outside the lock,
        /// so a handler may read ``recorded()``).
        func receive(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8])
            -> RecordedRequest
        {
            lock.withLock {
                let request = RecordedRequest(index: log.count, method: method, uri: uri, headers: headers, body: body,
                                              arrival: .now)
                log.append(request)
                return request
            }
        }

        func recorded() -> [RecordedRequest] {
            lock.withLock { log }
        }

        func track(_ channel: any Channel) {
            let id = ObjectIdentifier(channel)
            lock.withLock {
                open[id] = channel
                accepted += 1
            }
            channel.closeFuture.whenComplete { [weak self] _ in
                guard let self else { return }
                _ = self.lock.withLock { self.open.removeValue(forKey: id) }
            }
        }

        func acceptedCount() -> Int {
            lock.withLock { accepted }
        }

        func children() -> [any Channel] {
            lock.withLock { Array(open.values) }
        }
    }
}

/// Why a ``FaultServer`` could not start.
public enum FaultServerError: Error, CustomStringConvertible {
    case noLocalPort

    public var description: String {
        switch self {
        case .noLocalPort: "the fault server's socket has no local port after binding to 127.0.0.1:0"
        }
    }
}

/// Collects one request (head, body, end) and carries out the handler's action.
private final class FaultHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: FaultServer.Core
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(core: FaultServer.Core) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = core.receive(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body)
            perform(core.handler(request), request: request, keepAlive: head.isKeepAlive, version: head.version,
                    context: context)
        }
    }

    private func perform(_ action: FaultAction, request: RecordedRequest, keepAlive: Bool, version: HTTPVersion,
                         context: ChannelHandlerContext)
    {
        switch action {
        case .closeConnection:
            context.close(promise: nil)
        case .delayed(let delay, let next):
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanoseconds)) {
                self.perform(next, request: request, keepAlive: keepAlive, version: version, context: context)
            }
        case .respond(let status, let headers, let body):
            writeHead(status: status, headers: headers, length: body.count, keepAlive: keepAlive, version: version,
                      context: context)
            if !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            }
            finish(keepAlive: keepAlive, context: context)
        case .respondSlowly(let status, let headers, let body, let chunk, let pause):
            writeHead(status: status, headers: headers, length: body.count, keepAlive: keepAlive, version: version,
                      context: context)
            context.flush()
            writeSlowly(body[...], chunk: max(1, chunk), pause: pause, keepAlive: keepAlive, context: context)
        case .forward(let upstream, let then):
            let answer = context.eventLoop.makeFutureWithTask { try await Forwarder.send(request, to: upstream) }
            answer.assumeIsolated().whenComplete { result in
                let next: FaultAction
                switch (result, then) {
                case (.failure(let error), _):
                    next = .respond(status: 502, headers: [("Content-Type", "text/plain")],
                                    body: Array("fault proxy: upstream failed: \(error)".utf8))
                case (.success, .closeConnection):
                    next = .closeConnection
                case (.success(let answer), .relay):
                    next = .respond(status: answer.status, headers: answer.headers, body: answer.body)
                case (.success(let answer), .relaySlowly(let chunk, let pause)):
                    next = .respondSlowly(status: answer.status, headers: answer.headers, body: answer.body,
                                          chunk: chunk, pause: pause)
                }
                self.perform(next, request: request, keepAlive: keepAlive, version: version, context: context)
            }
        }
    }

    private func writeHead(status: Int, headers: [(name: String, value: String)], length: Int, keepAlive: Bool,
                           version: HTTPVersion, context: ChannelHandlerContext)
    {
        var responseHeaders = HTTPHeaders(headers.map { ($0.name, $0.value) })
        responseHeaders.replaceOrAdd(name: "Content-Length", value: String(length))
        if !keepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status),
                                    headers: responseHeaders)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    private func writeSlowly(_ rest: ArraySlice<UInt8>, chunk: Int, pause: Duration, keepAlive: Bool,
                             context: ChannelHandlerContext)
    {
        guard !rest.isEmpty else {
            finish(keepAlive: keepAlive, context: context)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(pause.nanoseconds)) {
            let piece = rest.prefix(chunk)
            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: piece)))), promise: nil)
            self.writeSlowly(rest.dropFirst(piece.count), chunk: chunk, pause: pause, keepAlive: keepAlive,
                             context: context)
        }
    }

    private func finish(keepAlive: Bool, context: ChannelHandlerContext) {
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}

/// Sends a recorded request on to an upstream server, as received.
enum Forwarder {
    struct Answer: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// Headers that describe one hop's framing, not the message.
    static let hopHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "keep-alive"]

    /// Many connections: a proxy must not queue what its client sends in parallel.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    static func send(_ request: RecordedRequest, to upstream: String) async throws -> Answer {
        var outgoing = HTTPClientRequest(url: upstream + request.uri)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers where !hopHeaders.contains(header.name.lowercased()) {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(outgoing, timeout: .seconds(120))
        var body = try await response.body.collect(upTo: 64 << 20)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        let headers = response.headers.filter { !hopHeaders.contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
        return Answer(status: Int(response.status.code), headers: headers, body: bytes)
    }
}

extension Duration {
    /// Whole nanoseconds, for NIO's timers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
