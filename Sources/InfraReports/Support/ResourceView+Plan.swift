import InfraEngine

extension ResourceView {
    /// One view per resource a plan touches or keeps, for policies, cost and the broadening table.
    ///
    /// `after` is the planned value (unknowns stay `.unknown`); annotations and references come
    /// from the configuration, since waivers and "which task definition" are code facts.
    public static func views(of plan: Plan) -> [ResourceView] {
        let specs = Dictionary(plan.configuration.resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        return plan.changes.filter { $0.deposedKey == nil }.map { change in
            let spec = specs[change.address]
            var references: [String: ResourceAddress] = [:]
            for (attribute, value) in spec?.attributes ?? [:] {
                if let first = value.references.first { references[attribute] = first.address }
            }
            let after: [String: Value]? = change.action == .delete ? nil : (change.after ?? spec?.attributes)
            return ResourceView(
                address: change.address, before: change.before, after: after,
                annotations: spec?.annotations ?? [:], references: references)
        }
    }
}
