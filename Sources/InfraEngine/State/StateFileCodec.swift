import Foundation

/// Reads and writes the JSON state file: pretty-printed with sorted keys, so that a state
/// diff in review or in a bucket's version history shows only what changed.
public enum StateFileCodec {
    public static func encode(_ state: StateSnapshot) throws(StateFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[Value.codingFormKey] = ValueCodingForm.state
        do {
            return try encoder.encode(state)
        } catch {
            throw .unencodable(reason: String(describing: error))
        }
    }

    /// Decodes a state file; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws(StateFileError) -> StateSnapshot {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformedJSON(path: path, reason: Self.reason(error))
        }
        guard let top = object as? [String: Any] else {
            throw .malformedJSON(path: path, reason: "the top level is not a JSON object")
        }
        guard let version = top["version"] as? Int else {
            throw .missingField(path: path, field: "version")
        }
        guard version == StateSnapshot.formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: StateSnapshot.formatVersion)
        }
        let decoder = JSONDecoder()
        decoder.userInfo[Value.codingFormKey] = ValueCodingForm.state
        do {
            return try decoder.decode(StateSnapshot.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .missingField(path: path, field: Self.dotted(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalidField(path: path, field: Self.dotted(context.codingPath), reason: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalidField(path: path, field: Self.dotted(context.codingPath), reason: context.debugDescription)
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalidField(path: path, field: Self.dotted(context.codingPath), reason: context.debugDescription)
        } catch {
            throw .malformedJSON(path: path, reason: Self.reason(error))
        }
    }

    private static func dotted(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? String(describing: error)
    }
}

/// Why a state file could not be read or written.
public enum StateFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformedJSON(path: String, reason: String)
    case unsupportedVersion(path: String, found: Int, supported: Int)
    case missingField(path: String, field: String)
    case invalidField(path: String, field: String, reason: String)
    case unencodable(reason: String)

    public var description: String {
        switch self {
        case .malformedJSON(let path, let reason):
            return "state file \(path) is not valid JSON (\(reason)); restore it from \(path).backup or the bucket's versions"
        case .unsupportedVersion(let path, let found, let supported):
            return "state file \(path) has format version \(found), but this infra reads version \(supported)"
                + (found > supported ? ": it was written by a newer infra; upgrade infra" : "")
        case .missingField(let path, let field):
            return "state file \(path) lacks the field '\(field)'; restore it from \(path).backup or the bucket's versions"
        case .invalidField(let path, let field, let reason):
            return "state file \(path) has an invalid '\(field)': \(reason)"
        case .unencodable(let reason):
            return "the state cannot be written: \(reason)"
        }
    }
}
