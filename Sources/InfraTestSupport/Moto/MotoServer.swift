import Foundation
import InfraAWS
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the moto emulator could not be started or driven. A missing `moto_server` is an error,
/// never a reason to skip: the wire tests are the point.
public struct MotoError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A `moto_server` child process on a free 127.0.0.1 port, with signature checking on and an IAM
/// user whose access key is allowed everything.
///
/// `start()` finds a free port, launches the server with `INITIAL_NO_AUTH_ACTION_COUNT=3`, waits
/// until it answers, and spends the three unauthenticated requests on creating the user, its
/// inline `*` policy and its access key. Every request after that is checked with SigV4, so a
/// broken signer fails the tests that use it.
public final class MotoServer: @unchecked Sendable {
    /// `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL`.
    public let endpoint: URL
    public let port: Int
    private let process: Process
    private let lock = NSLock()
    private var currentCredentials: AWSCredentials

    /// The user name the harness creates; its ARN is `arn:aws:iam::123456789012:user/<name>`.
    public static let userName = "infra-tests"
    /// moto's fixed account id.
    public static let accountID = "123456789012"

    /// Credentials of the harness user: they pass moto's signature and policy checks.
    public var credentials: AWSCredentials {
        lock.withLock { currentCredentials }
    }

    private init(endpoint: URL, port: Int, process: Process, credentials: AWSCredentials) {
        self.endpoint = endpoint
        self.port = port
        self.process = process
        self.currentCredentials = credentials
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Starts a server; throws ``MotoError`` with the install command if `moto_server` is missing.
    public static func start() async throws -> MotoServer {
        guard let executable = findExecutable("moto_server") else {
            throw MotoError("moto_server is not on PATH; the AWS wire tests need it. Install it with: "
                + "pip install 'moto[server]'")
        }
        var lastError: any Error = MotoError("moto_server did not start")
        for _ in 0..<5 {
            let port = try freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
            var environment = ProcessInfo.processInfo.environment
            environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
            environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
            process.environment = environment
            // moto's log goes to a file, not a pipe: nobody has to drain it, and it is there to quote
            // when the server fails to start.
            let logPath = FileManager.default.temporaryDirectory
                .appendingPathComponent("moto-\(port)-\(UUID().uuidString).log").path
            FileManager.default.createFile(atPath: logPath, contents: nil)
            guard let log = FileHandle(forWritingAtPath: logPath) else {
                throw MotoError("cannot write moto's log file \(logPath)")
            }
            process.standardOutput = log
            process.standardError = log
            try process.run()
            try? log.close()
            ChildRegistry.shared.add(process.processIdentifier)
            guard let endpoint = URL(string: "http://127.0.0.1:\(port)") else { continue }
            do {
                try await waitUntilUp(endpoint, process: process)
                let credentials = try await createUser(endpoint)
                return MotoServer(endpoint: endpoint, port: port, process: process, credentials: credentials)
            } catch {
                lastError = error
                Self.terminate(process)
                ChildRegistry.shared.remove(process.processIdentifier)
                let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                if !output.contains("Address already in use") {
                    throw MotoError("\(error); moto_server's log (\(logPath)): \(output.suffix(2000))")
                }
            }
        }
        throw lastError
    }

    /// Wipes all emulated state, then recreates the harness user and key (a reset deletes them)
    /// with checking turned off for that moment. Returns the new credentials, which
    /// ``credentials`` reports from now on.
    @discardableResult
    public func reset() async throws -> AWSCredentials {
        _ = try await Self.post(endpoint, path: "/moto-api/reset", body: "", contentType: "application/json")
        try await setAuth(enabled: false)
        let fresh = try await Self.createUser(endpoint)
        try await setAuth(enabled: true)
        lock.withLock { currentCredentials = fresh }
        return fresh
    }

    /// Turns signature and policy checking on (every request checked) or off.
    public func setAuth(enabled: Bool) async throws {
        _ = try await Self.post(endpoint, path: "/moto-api/reset-auth", body: enabled ? "0" : "inf",
                                contentType: "text/plain")
    }

    /// Terminates the server (also done at process exit for servers never stopped).
    public func stop() {
        Self.terminate(process)
        ChildRegistry.shared.remove(process.processIdentifier)
    }

    /// SIGTERM, then SIGKILL if the server is still there after five seconds.
    private static func terminate(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // MARK: Setup

    private static func createUser(_ endpoint: URL) async throws -> AWSCredentials {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await iam(endpoint, ["Action": "CreateUser", "UserName": userName])
        _ = try await iam(endpoint, ["Action": "PutUserPolicy", "UserName": userName, "PolicyName": "everything",
                                     "PolicyDocument": policy])
        let created = try await iam(endpoint, ["Action": "CreateAccessKey", "UserName": userName])
        guard let root = XMLTreeNode.parse(Array(created.utf8)),
              let keyID = root.first(named: "AccessKeyId")?.text,
              let secret = root.first(named: "SecretAccessKey")?.text
        else {
            throw MotoError("moto's CreateAccessKey answer has no key: \(created.prefix(500))")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, source: "moto test user \(userName)")
    }

    /// An unsigned-but-authorised-looking IAM query call: accepted while checking is off or
    /// within the free initial requests. The dummy `Authorization` tells moto the service.
    private static func iam(_ endpoint: URL, _ parameters: [String: String]) async throws -> String {
        var pairs = parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        pairs.append(("Version", "2010-05-08"))
        let body = pairs.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        return try await post(
            endpoint, path: "/", body: body, contentType: "application/x-www-form-urlencoded; charset=utf-8",
            headers: [
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAHARNESSSETUP0000/20240101/us-east-1/iam/aws4_request, "
                    + "SignedHeaders=host, Signature=0",
                "X-Amz-Date": "20240101T000000Z",
            ])
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static func post(_ endpoint: URL, path: String, body: String, contentType: String,
                             headers: [String: String] = [:]) async throws -> String
    {
        guard let url = URL(string: path, relativeTo: endpoint) else { throw MotoError("bad moto URL \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, status) = try await send(request)
        let text = String(decoding: data, as: UTF8.self)
        guard (200..<300).contains(status) else {
            throw MotoError("moto answered \(status) to \(path): \(text.prefix(500))")
        }
        return text
    }

    private static func send(_ request: URLRequest) async throws -> (Data, Int) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
                }
            }.resume()
        }
    }

    private static func waitUntilUp(_ endpoint: URL, process: Process) async throws {
        guard let url = URL(string: "/moto-api/", relativeTo: endpoint) else { throw MotoError("bad moto URL") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        // Up to about 60 s: a cold Python start on a busy 2-core machine can take a while.
        for _ in 0..<600 {
            guard process.isRunning else { throw MotoError("moto_server exited with \(process.terminationStatus)") }
            if let (_, status) = try? await send(request), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MotoError("moto_server did not answer on \(endpoint) within 60 s")
    }

    private static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A port that was free a moment ago: bind port 0 on 127.0.0.1 and read what the kernel chose.
    private static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw MotoError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw MotoError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw MotoError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Servers still running when the test process exits are terminated by an `atexit` hook.
private final class ChildRegistry: @unchecked Sendable {
    static let shared = ChildRegistry()
    private let lock = NSLock()
    private var pids: Set<Int32> = []
    private var hooked = false

    func add(_ pid: Int32) {
        lock.withLock {
            pids.insert(pid)
            if !hooked {
                hooked = true
                atexit { ChildRegistry.shared.terminateAll() }
            }
        }
    }

    func remove(_ pid: Int32) {
        _ = lock.withLock { pids.remove(pid) }
    }

    func terminateAll() {
        for pid in lock.withLock({ pids }) { kill(pid, SIGTERM) }
    }
}
