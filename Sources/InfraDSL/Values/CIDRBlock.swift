import InfraEngine

/// An IPv4 network in CIDR notation (`10.0.0.0/16`), validated when built.
///
/// `subnet(newBits:netNum:)` carves subnets exactly as Terraform's `cidrsubnet` does.
public struct CIDRBlock: CheckedValue, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    private enum Storage: Hashable {
        case valid(network: UInt32, prefixLength: Int)
        case invalid(InvalidValue)
    }

    private let storage: Storage

    /// Everything: `0.0.0.0/0`.
    public static let anywhere = CIDRBlock(network: 0, prefixLength: 0)

    public init(parsing text: String) throws(InvalidValue) {
        func fail(_ reason: String) -> InvalidValue { InvalidValue(kind: "CIDR block", input: text, reason: reason) }
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { throw fail("expected an address and a prefix length, e.g. 10.0.0.0/16") }
        let octets = halves[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { throw fail("expected four dot-separated numbers before the '/'") }
        var network: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCIIDigit), let n = UInt32(octet), n <= 255
            else { throw fail("'\(octet)' is not a number from 0 to 255") }
            network = network << 8 | n
        }
        guard !halves[1].isEmpty, halves[1].allSatisfy(\.isASCIIDigit), let prefix = Int(halves[1]), prefix <= 32 else {
            throw fail("prefix length '\(halves[1])' must be a number from 0 to 32")
        }
        let mask = Self.mask(prefix)
        if network & ~mask != 0 {
            let canonical = CIDRBlock(network: network & mask, prefixLength: prefix)
            throw fail("it has host bits set after the /\(prefix); did you mean \(canonical)?")
        }
        storage = .valid(network: network, prefixLength: prefix)
    }

    public init(invalid error: InvalidValue) { storage = .invalid(error) }

    public init(stringLiteral value: String) { self.init(lenient: value) }

    private init(network: UInt32, prefixLength: Int) {
        storage = .valid(network: network, prefixLength: prefixLength)
    }

    public var invalidity: InvalidValue? {
        if case .invalid(let e) = storage { return e }
        return nil
    }

    /// The prefix length (`16` for `/16`), nil when invalid.
    public var prefixLength: Int? {
        if case .valid(_, let p) = storage { return p }
        return nil
    }

    /// The network address as a 32-bit number, nil when invalid.
    public var networkAddress: UInt32? {
        if case .valid(let n, _) = storage { return n }
        return nil
    }

    /// How many addresses the block holds.
    public var addressCount: UInt64? { prefixLength.map { UInt64(1) << UInt64(32 - $0) } }

    public var description: String {
        switch storage {
        case .valid(let n, let p):
            return "\(n >> 24 & 255).\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)/\(p)"
        case .invalid(let e):
            return e.input
        }
    }

    public var value: Value { .string(description) }

    /// Terraform's `cidrsubnet(self, newBits, netNum)`: the `netNum`-th subnet whose prefix is
    /// `newBits` longer. `10.0.0.0/16`, 8, 2 → `10.0.2.0/24`.
    public func subnet(newBits: Int, netNum: Int) throws(InvalidValue) -> CIDRBlock {
        func fail(_ reason: String) -> InvalidValue {
            InvalidValue(kind: "subnet of \(description)", input: "cidrsubnet(\(description), \(newBits), \(netNum))", reason: reason)
        }
        if let invalidity { throw invalidity }
        guard case .valid(let network, let prefix) = storage else { throw fail("the block is invalid") }
        guard newBits >= 0 else { throw fail("newBits must not be negative") }
        guard prefix + newBits <= 32 else {
            throw fail("insufficient address space to extend prefix of \(prefix) by \(newBits)")
        }
        guard netNum >= 0, UInt64(netNum) < UInt64(1) << UInt64(newBits) else {
            throw fail("prefix extension of \(newBits) does not accommodate a subnet numbered \(netNum)")
        }
        let newPrefix = prefix + newBits
        let offset = newPrefix == 32 ? UInt32(netNum) : UInt32(netNum) << UInt32(32 - newPrefix)
        return CIDRBlock(network: network | offset, prefixLength: newPrefix)
    }

    /// Like ``subnet(newBits:netNum:)``, but an impossible subnet becomes an invalid value that
    /// is reported where it is used (components use this so they never stop the program).
    public func subnetOrInvalid(newBits: Int, netNum: Int) -> CIDRBlock {
        do { return try subnet(newBits: newBits, netNum: netNum) } catch { return CIDRBlock(invalid: error) }
    }

    /// Whether `other` lies entirely inside this block.
    public func contains(_ other: CIDRBlock) -> Bool {
        guard case .valid(let n, let p) = storage, case .valid(let on, let op) = other.storage, op >= p else {
            return false
        }
        return on & Self.mask(p) == n
    }

    /// Whether the two blocks share any address.
    public func overlaps(_ other: CIDRBlock) -> Bool { contains(other) || other.contains(self) }

    private static func mask(_ prefix: Int) -> UInt32 {
        prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
