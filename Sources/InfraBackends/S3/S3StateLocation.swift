import Foundation

/// Where one stack's state lives in S3: `s3://<bucket>/<prefix/><env>/<stack>.json`.
public struct S3StateLocation: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// The object key (`prod/platform.json`, or `infra/prod/platform.json` with a prefix).
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// The location of `stack` in `environment`, under an optional key prefix (slashes trimmed).
    public init(bucket: String, keyPrefix: String?, environment: String, stack: String) {
        let prefix = (keyPrefix ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let base = "\(environment)/\(stack).json"
        self.init(bucket: bucket, key: prefix.isEmpty ? base : "\(prefix)/\(base)")
    }

    /// `<bucket>/<key>`: the DynamoDB lock item's `LockID`, as Terraform names it.
    public var lockID: String { "\(bucket)/\(key)" }
    /// `<bucket>/<key>-md5`: the digest item's `LockID`.
    public var digestID: String { "\(bucket)/\(key)-md5" }
    /// The S3-native lock object's key.
    public var lockObjectKey: String { "\(key).lock" }

    public var description: String { "s3://\(bucket)/\(key)" }
}
