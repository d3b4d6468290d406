import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into cancellation of one task: the apply scheduler stops starting
/// work, lets calls in flight finish, saves state and releases the lock. A second signal
/// exits at once (state already holds everything completed).
public final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var signalled = 0
    private var onInterrupt: (@Sendable (Int32) -> Void)?

    public init() {}

    /// Runs `operation`; a first SIGINT/SIGTERM cancels it and calls `notice`, a second exits 130.
    public func run<T: Sendable>(notice: @escaping @Sendable (Int32) -> Void, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await operation() }
        install { signal in
            notice(signal)
            task.cancel()
        }
        defer { uninstall() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    private func install(_ handler: @escaping @Sendable (Int32) -> Void) {
        lock.withLock {
            onInterrupt = handler
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in self?.received(sig) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func received(_ sig: Int32) {
        let (count, handler) = lock.withLock { () -> (Int, (@Sendable (Int32) -> Void)?) in
            signalled += 1
            return (signalled, onInterrupt)
        }
        if count == 1 {
            handler?(sig)
        } else {
            FileHandle.standardError.write(Data("\nInterrupted twice: exiting now. State holds every operation that completed.\n".utf8))
            exit(130)
        }
    }

    private func uninstall() {
        lock.withLock {
            for source in sources { source.cancel() }
            sources.removeAll()
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }
}
