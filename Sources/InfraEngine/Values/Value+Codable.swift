import Crypto
import Foundation

/// Which of the two JSON forms ``Value`` is encoded in; set through the coder's `userInfo`
/// under ``Value/codingFormKey``.
public enum ValueCodingForm: Sendable {
    /// Plain JSON as state holds it. Unknowns, references and concatenations cannot be encoded,
    /// sensitivity marks are dropped (the schema says what is sensitive).
    case state
    /// Tagged JSON as the plan file holds it: unknowns, references, concatenations and
    /// sensitivity marks survive; sensitive string literals are stored as a salted hash only.
    case plan
}

extension Value: Codable {
    /// The `userInfo` key choosing the ``ValueCodingForm``; absent means `.state`.
    public static let codingFormKey = CodingUserInfoKey(rawValue: "infra.value.form")!  // static literal key, never nil

    /// The key of the map that stands for a sensitive literal the plan file stored only as a hash.
    ///
    /// A decoded plan holds `.sensitive(.map([redactedKey: "sha256:…"]))` in its place; apply
    /// refuses to send such a value to a provider (see ``Value/containsRedactedSecret``).
    public static let redactedKey = "__infra_redacted_sensitive__"

    private enum Tag: String, CodingKey, CaseIterable {
        case map, unknown, ref, concat, sensitive, sensitiveHash
    }

    private static func form(_ userInfo: [CodingUserInfoKey: Any]) -> ValueCodingForm {
        (userInfo[codingFormKey] as? ValueCodingForm) ?? .state
    }

    public func encode(to encoder: any Encoder) throws {
        switch Self.form(encoder.userInfo) {
        case .state: try encodeState(to: encoder)
        case .plan: try encodePlan(to: encoder)
        }
    }

    public init(from decoder: any Decoder) throws {
        switch Self.form(decoder.userInfo) {
        case .state: self = try Self.decodeState(from: decoder)
        case .plan: self = try Self.decodePlan(from: decoder)
        }
    }

    // MARK: state form

    private func encodeState(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let n):
            var c = encoder.singleValueContainer()
            try c.encode(n)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .list(let l):
            var c = encoder.unkeyedContainer()
            for v in l { try c.encode(v) }
        case .map(let m):
            var c = encoder.singleValueContainer()
            try c.encode(m)
        case .sensitive(let v):
            try v.encodeState(to: encoder)
        case .unknown, .reference, .concat:
            throw EncodingError.invalidValue(
                self,
                .init(
                    codingPath: encoder.codingPath,
                    debugDescription: "\(renderedScalar) cannot be stored in state: only known values can"))
        }
    }

    private static func decodeState(from decoder: any Decoder) throws -> Value {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { return .null }
        if let b = try? c.decode(Bool.self) { return .bool(b) }
        if let n = try? c.decode(Double.self) { return .number(n) }
        if let s = try? c.decode(String.self) { return .string(s) }
        if let l = try? c.decode([Value].self) { return .list(l) }
        if let m = try? c.decode([String: Value].self) { return .map(m) }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }

    // MARK: plan form

    private func encodePlan(to encoder: any Encoder) throws {
        switch self {
        case .null, .bool, .number, .string:
            try encodeState(to: encoder)
        case .list(let l):
            var c = encoder.unkeyedContainer()
            for v in l { try c.encode(v) }
        case .map(let m):
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(m, forKey: .map)
        case .unknown:
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(true, forKey: .unknown)
        case .reference(let r):
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(r.description, forKey: .ref)
        case .concat(let parts):
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(parts, forKey: .concat)
        case .sensitive(.string(let s)):
            // Secret plaintext never reaches the plan file; a salted hash keeps equal values
            // comparable by whoever knows the secret without revealing it.
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(Self.saltedHash(of: s), forKey: .sensitiveHash)
        case .sensitive(let v):
            var c = encoder.container(keyedBy: Tag.self)
            try c.encode(v, forKey: .sensitive)
        }
    }

    static func saltedHash(of secret: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Data(secret.utf8))
        return "sha256:" + Hex.encode(salt) + ":" + Hex.encode(Array(hasher.finalize()))
    }

    private static func decodePlan(from decoder: any Decoder) throws -> Value {
        if let c = try? decoder.container(keyedBy: Tag.self) {
            let present = Tag.allCases.filter { c.contains($0) }
            guard present.count == 1, let tag = present.first else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath,
                          debugDescription: "a tagged value must have exactly one of \(Tag.allCases.map(\.rawValue))"))
            }
            switch tag {
            case .map: return .map(try c.decode([String: Value].self, forKey: .map))
            case .unknown: return .unknown
            case .ref:
                let text = try c.decode(String.self, forKey: .ref)
                guard let reference = Reference(parsing: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .ref, in: c, debugDescription: "'\(text)' is not TYPE.NAME.ATTRIBUTE")
                }
                return .reference(reference)
            case .concat: return .concat(try c.decode([Value].self, forKey: .concat))
            case .sensitive: return .sensitive(try c.decode(Value.self, forKey: .sensitive))
            case .sensitiveHash:
                let hash = try c.decode(String.self, forKey: .sensitiveHash)
                return .sensitive(.map([redactedKey: .string(hash)]))
            }
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { return .null }
        if let b = try? c.decode(Bool.self) { return .bool(b) }
        if let n = try? c.decode(Double.self) { return .number(n) }
        if let s = try? c.decode(String.self) { return .string(s) }
        if let l = try? c.decode([Value].self) { return .list(l) }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a plan value")
    }

    /// True when some part is a sensitive literal that a plan file stored only as a hash, so
    /// the value cannot be sent to a provider.
    public var containsRedactedSecret: Bool {
        switch self {
        case .sensitive(.map(let m)) where m.count == 1 && m[Self.redactedKey] != nil: return true
        case .sensitive(let v): return v.containsRedactedSecret
        case .list(let l): return l.contains(where: \.containsRedactedSecret)
        case .map(let m): return m.values.contains(where: \.containsRedactedSecret)
        case .concat(let parts): return parts.contains(where: \.containsRedactedSecret)
        default: return false
        }
    }
}

extension Reference {
    /// Parses `TYPE.NAME.ATTRIBUTE` (the attribute may itself be dotted).
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty,
            let address = try? ResourceAddress(parsing: "\(parts[0]).\(parts[1])")
        else { return nil }
        self.init(address, String(parts[2]))
    }
}

extension ResourceAddress: CodingKeyRepresentable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public var codingKey: any CodingKey { Key(stringValue: description) }

    public init?<T: CodingKey>(codingKey: T) {
        guard let parsed = try? ResourceAddress(parsing: codingKey.stringValue) else { return nil }
        self = parsed
    }
}

/// Lower-case hexadecimal, for checksums and tokens.
enum Hex {
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func sha256(_ data: Data) -> String { encode(SHA256.hash(data: data)) }
    static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }
}
