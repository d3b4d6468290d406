import InfraAWS
import InfraEngine

/// Tags as infra writes and reads them.
///
/// Every object infra creates carries `infra:token` = the create's idempotency token, so a
/// create whose response was lost (a crash, a reset connection) is found again instead of
/// duplicated. Reads strip `infra:` tags, so they never show as drift.
public enum Tags {
    public static let tokenKey = "infra:token"

    /// The desired `tags` attribute plus the token tag.
    public static func withToken(_ tags: [String: String], token: String) -> [String: String] {
        var all = tags
        all[tokenKey] = token
        return all
    }

    /// `[{Key, Value}]`, sorted by key, as EC2, IAM, RDS, ElastiCache, Secrets Manager and ECS
    /// (`key`/`value` lowercase: pass `keyName`/`valueName`) take them.
    public static func list(_ tags: [String: String], keyName: String = "Key", valueName: String = "Value") -> AWSDocument {
        .list(tags.keys.sorted().map { key in .map([keyName: .string(key), valueName: .string(tags[key] ?? "")]) })
    }

    /// EC2's `TagSpecifications` for a create.
    public static func ec2Specifications(_ resourceType: String, _ tags: [String: String]) -> AWSDocument {
        .list([.map(["ResourceType": .string(resourceType), "Tags": list(tags)])])
    }

    /// The `tags` attribute from an API's tag list, without infra's own tags; absent when empty
    /// so an untagged object matches code that sets no tags.
    public static func attribute(from document: AWSDocument, keyName: String = "Key", valueName: String = "Value") -> InfraEngine.Value? {
        var tags: [String: InfraEngine.Value] = [:]
        for item in document.array ?? [] {
            guard let key = item[keyName].string, !key.hasPrefix("infra:") else { continue }
            tags[key] = .string(item[valueName].string ?? "")
        }
        return tags.isEmpty ? nil : .map(tags)
    }

    /// The token tag's value in an API tag list.
    public static func token(in document: AWSDocument, keyName: String = "Key", valueName: String = "Value") -> String? {
        (document.array ?? []).first { $0[keyName].string == tokenKey }?[valueName].string
    }

    /// What to add or change, and which keys to remove, to go from `old` to `new`.
    public static func diff(from old: [String: String], to new: [String: String]) -> (set: [String: String], remove: [String]) {
        let set = new.filter { old[$0.key] != $0.value }
        let remove = old.keys.filter { new[$0] == nil && !$0.hasPrefix("infra:") }.sorted()
        return (set, remove)
    }
}
