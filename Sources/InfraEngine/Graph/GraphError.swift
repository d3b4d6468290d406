/// One reason a ``Configuration`` cannot become a ``ResourceGraph``; each names what to fix.
public enum GraphError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Two resources share an address.
    case duplicateAddress(ResourceAddress)
    /// `from` references (through `attribute`) or depends on (`attribute` nil) an address the
    /// configuration does not declare.
    case undeclaredReference(from: ResourceAddress, attribute: String?, to: ResourceAddress)
    /// An output references an address the configuration does not declare.
    case undeclaredOutputReference(output: String, to: ResourceAddress)
    /// A dependency cycle, as the path `a → b → … → a` (the first address repeated at the end).
    case cycle([ResourceAddress])

    public var description: String {
        switch self {
        case .duplicateAddress(let a):
            return "\(a) is declared more than once: give each resource a unique name"
        case .undeclaredReference(let from, let attribute, let to):
            let how = attribute.map { "references \(to) (in \($0))" } ?? "depends on \(to)"
            return "\(from) \(how), which this environment does not declare "
                + "(is it created only when a setting is on?)"
        case .undeclaredOutputReference(let output, let to):
            return "output '\(output)' references \(to), which this environment does not declare "
                + "(is it created only when a setting is on?)"
        case .cycle(let path):
            return "dependency cycle: \(path.map(\.description).joined(separator: " → ")); "
                + "break it by removing one of these references or dependsOn"
        }
    }
}

/// Every problem found while building a ``ResourceGraph``, so the user fixes them in one pass.
public struct GraphErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [GraphError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
