/// Why a plan could not be made; each names the resource and what to do.
public enum PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownResourceType(address: ResourceAddress, type: String)
    case missingRequiredAttribute(address: ResourceAddress, attribute: String)
    case preventDestroy(address: ResourceAddress, action: ChangeAction, reasons: [String])
    case unknownTarget(ResourceAddress)
    case conflictingOptions(String)
    case invalidConfiguration(GraphErrors)

    public var description: String {
        switch self {
        case .unknownResourceType(let address, let type):
            return "\(address): no provider manages the resource type '\(type)'"
        case .missingRequiredAttribute(let address, let attribute):
            return "\(address): the required attribute '\(attribute)' is not set"
        case .preventDestroy(let address, let action, let reasons):
            let why = reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"
            return "\(address) has preventDestroy set, but this plan would \(action == .delete ? "destroy" : "replace") it\(why). "
                + "Change the configuration so it is kept, or remove preventDestroy deliberately first"
        case .unknownTarget(let address):
            return "--target/--replace \(address): neither the configuration nor the state has this resource"
        case .conflictingOptions(let text):
            return text
        case .invalidConfiguration(let errors):
            return errors.description
        }
    }
}

/// Several problems found while planning, reported together.
public struct PlanErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [PlanError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
