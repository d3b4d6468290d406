import Foundation
import InfraEngine

/// Runs `body` holding the state lock, released on every exit path: success, error and
/// cancellation (Ctrl-C). With a timeout, contention is retried with backoff while saying who
/// holds the lock; without one it fails at once naming the holder.
func withStateLock<T: Sendable>(
    _ backend: any StateBackend, operation: String, timeout: Duration, enabled: Bool = true, terminal: Terminal,
    _ body: () async throws -> T
) async throws -> T {
    guard enabled else { return try await body() }
    let handle = try await acquireLock(backend, operation: operation, timeout: timeout, terminal: terminal)
    let result: T
    do {
        result = try await body()
    } catch {
        await release(backend, handle, terminal: terminal)
        throw error
    }
    await release(backend, handle, terminal: terminal)
    return result
}

func acquireLock(_ backend: any StateBackend, operation: String, timeout: Duration, terminal: Terminal) async throws -> LockHandle {
    let info = LockInfo(operation: operation, path: backend.key)
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var delay = Duration.milliseconds(250)
    var announced: String?
    while true {
        do {
            return try await backend.lock(info)
        } catch let contention as LockContentionError {
            guard clock.now + delay < deadline else { throw contention }
            if announced != contention.holder.id {
                announced = contention.holder.id
                terminal.error("Waiting for the state lock of \(backend.key), held by \(contention.holder.who) "
                               + "(\(contention.holder.operation), since \(contention.holder.created.formatted(.iso8601)), ID \(contention.holder.id))...")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

/// Releases without throwing: the work is done; a failed release is reported with the command that fixes it.
func release(_ backend: any StateBackend, _ handle: LockHandle, terminal: Terminal) async {
    // Unlock even when the surrounding task was cancelled: an abandoned lock blocks the team.
    let task = Task.detached { try await backend.unlock(handle) }
    do {
        try await task.value
    } catch {
        terminal.error("Warning: could not release the state lock \(handle.info.id) of \(backend.key): \(error). "
                       + "Release it with: infra force-unlock <env> \(handle.info.id)")
    }
}

extension Duration {
    /// `5s`, `1m20s`, `2h3m`: how Terraform prints elapsed time.
    var compact: String {
        let total = Int(components.seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\((total % 3600) / 60)m"
    }

    /// Hundredths of a second under ten seconds (most creates take well under one: whole
    /// seconds would say "0s" for all of them), ``compact`` above.
    var fine: String {
        let c = components
        let seconds = Double(c.seconds) + Double(c.attoseconds) / 1e18
        return seconds < 10 ? String(format: "%.2fs", seconds) : compact
    }

    /// Parses `30s`, `5m`, `1h`, `250ms` (the `--lock-timeout` forms).
    static func parse(_ text: String) -> Duration? {
        let units: [(String, (Int) -> Duration)] = [("ms", { .milliseconds($0) }), ("s", { .seconds($0) }), ("m", { .seconds($0 * 60) }), ("h", { .seconds($0 * 3600) })]
        for (suffix, make) in units where text.hasSuffix(suffix) {
            if let n = Int(text.dropLast(suffix.count)), n >= 0 { return make(n) }
        }
        return Int(text).map { .seconds($0) }
    }
}
