import Foundation
import InfraAWS
import InfraEngine

/// One version of a state object in the versioned bucket.
public struct StateVersion: Sendable, Hashable {
    public var versionID: String
    public var lastModified: Date?
    public var size: Int
    public var isLatest: Bool
    /// The state's serial, when the listing was asked to read each version.
    public var serial: Int?
}

/// `infra state versions`: the S3 versions of a backend's state object, to inspect or restore
/// an earlier state.
public struct StateVersions: Sendable {
    public let backend: S3Backend

    public init(backend: S3Backend) {
        self.backend = backend
    }

    /// The versions of the state object, newest first (delete markers left out). With
    /// `readSerials`, each version is downloaded to report its serial (one GetObject each).
    public func list(readSerials: Bool = false) async throws -> [StateVersion] {
        let location = backend.location
        // The prefix is the key's first path segment, not the whole key: moto (5.2.1) rejects the
        // signature of any S3 list whose query value holds a '/' (botocore's own requests too),
        // and an environment folder holds only a handful of keys; the exact key is filtered below.
        let prefix = location.key.split(separator: "/").first.map(String.init) ?? location.key
        let out = try await backend.client.paginate(.s3, "ListObjectVersions", [
            "Bucket": .string(location.bucket), "Prefix": .string(prefix),
        ])
        var versions: [StateVersion] = (out["Versions"].array ?? []).compactMap { item in
            // The prefix also matches other stacks and `<key>.lock`: keep the exact key only.
            guard item["Key"].string == location.key, let id = item["VersionId"].string else { return nil }
            return StateVersion(versionID: id, lastModified: item["LastModified"].date, size: item["Size"].int ?? 0,
                                isLatest: item["IsLatest"].bool ?? false, serial: nil)
        }
        // S3 lists a key's versions newest first; the stable sort keeps that order within a second.
        versions = versions.enumerated().sorted { a, b in
            if a.element.isLatest != b.element.isLatest { return a.element.isLatest }
            let da = a.element.lastModified ?? .distantPast, db = b.element.lastModified ?? .distantPast
            return da != db ? da > db : a.offset < b.offset
        }.map(\.element)
        if readSerials {
            for index in versions.indices {
                versions[index].serial = try await read(version: versions[index].versionID).serial
            }
        }
        return versions
    }

    /// The state as it was in version `versionID`.
    public func read(version versionID: String) async throws -> StateSnapshot {
        let object: (data: Data, etag: String)?
        do {
            object = try await backend.getObject(versionID: versionID)
        } catch let error as AWSError where error.code == "InvalidArgument" || error.code == "NoSuchVersion" {
            throw S3BackendError.versionNotFound(location: backend.key, versionID: versionID)
        }
        guard let object else { throw S3BackendError.versionNotFound(location: backend.key, versionID: versionID) }
        return try StateFileCodec.decode(object.data, path: "\(backend.key)?versionId=\(versionID)")
    }
}
