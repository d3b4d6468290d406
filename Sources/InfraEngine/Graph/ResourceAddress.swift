/// Where a resource lives in a stack: `aws_vpc.main`, `aws_subnet.main_private_a`.
///
/// Addresses follow Terraform's `TYPE.NAME` form so that users, checkov and Infracost read them
/// unchanged. Names are `[A-Za-z0-9_-]+`; components prefix the names of what they create.
public struct ResourceAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var type: String
    public var name: String

    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    /// Parses `TYPE.NAME`, as users type it after `--target` or `state rm`.
    public init(parsing text: String) throws(AddressError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isValidPart(parts[0]), Self.isValidPart(parts[1]) else {
            throw AddressError(text: text)
        }
        self.init(type: String(parts[0]), name: String(parts[1]))
    }

    public var description: String { "\(type).\(name)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.type, lhs.name) < (rhs.type, rhs.name)
    }

    static func isValidPart(_ part: Substring) -> Bool {
        !part.isEmpty && part.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A resource address that does not have the `TYPE.NAME` form.
public struct AddressError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var description: String {
        "'\(text)' is not a resource address: expected TYPE.NAME, e.g. aws_vpc.main"
    }
}
