#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A file system call that failed, with the path and errno.
public struct FileIOError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// The POSIX calls the local backend needs, with the durability steps spelled out.
enum FileIO {
    static func readIfExists(_ path: String) throws -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileIOError(path: path, operation: "open", code: errno)
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileIOError(path: path, operation: "write", code: errno)
                }
                offset += n
            }
        }
    }

    /// Writes `data` to a temporary file beside `path`, fsyncs it, renames it over `path`,
    /// then fsyncs the folder so the rename itself is durable.
    static func atomicWrite(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = path + ".tmp-\(UUID().uuidString.lowercased())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIOError(path: temp, operation: "create", code: errno) }
        do {
            try writeAll(fd, data, path: temp)
            guard fsync(fd) == 0 else { throw FileIOError(path: temp, operation: "fsync", code: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw FileIOError(path: path, operation: "rename \(temp) to", code: code)
        }
        let dfd = open(directory, O_RDONLY | O_CLOEXEC)
        guard dfd >= 0 else { throw FileIOError(path: directory, operation: "open the folder", code: errno) }
        defer { close(dfd) }
        guard fsync(dfd) == 0 else { throw FileIOError(path: directory, operation: "fsync the folder", code: errno) }
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileIOError(path: path, operation: "create the folder", code: errno == 0 ? EIO : errno)
        }
    }
}
