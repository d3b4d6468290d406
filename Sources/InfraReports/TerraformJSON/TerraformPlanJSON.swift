import Foundation
import InfraEngine

/// Writes a ``Plan`` in Terraform's JSON plan format (`terraform show -json tfplan`, format 1.2),
/// so that checkov, conftest/OPA, terraform-compliance and Infracost read our plans unchanged.
///
/// Values follow the Terraform AWS provider's JSON: nested blocks are lists of objects, IAM
/// policy documents and ECS container definitions are JSON strings, values known only after
/// apply are left out of `after` and marked `true` in `after_unknown`. Unlike Terraform, which
/// writes sensitive values in clear text, sensitive values are left out everywhere and only
/// marked in `before_sensitive`/`after_sensitive`/`sensitive_values`: no secret reaches the file.
public enum TerraformPlanJSON {
    public static let formatVersion = "1.2"
    /// The state-format version Terraform writes inside `prior_state`.
    public static let stateFormatVersion = "1.0"
    public static let providerName = "registry.terraform.io/hashicorp/aws"

    /// Attributes the Terraform AWS provider holds as JSON text; the engine holds them as
    /// structured values, so they are encoded (canonically: keys sorted) on the way out.
    public static let jsonStringAttributes: Set<String> = ["assume_role_policy", "policy", "container_definitions"]

    /// The provider's schema versions where they are not 0 (AWS provider 5.x), as readers such
    /// as Infracost compare them.
    public static let schemaVersions: [String: Int] = [
        "aws_db_instance": 2, "aws_ecs_service": 1, "aws_ecs_task_definition": 1, "aws_eks_cluster": 1,
        "aws_security_group": 1, "aws_subnet": 1, "aws_vpc": 1,
    ]

    /// The plan as Terraform's JSON plan document (UTF-8, compact, keys sorted).
    /// - Parameters:
    ///   - timestamp: when the plan was made (`timestamp`, RFC 3339).
    ///   - terraformVersion: what to write as `terraform_version`; nil writes infra's own
    ///     version (the plan's `toolVersion`). Some readers refuse versions that are not
    ///     Terraform's (terraform-compliance accepts only 0.12.x to 1.16.x), so callers feeding
    ///     them pass a Terraform version whose format this document follows, e.g. "1.11.4".
    public static func render(plan: Plan, timestamp: Date = Date(), terraformVersion: String? = nil) -> Data {
        Data(document(plan: plan, timestamp: timestamp, terraformVersion: terraformVersion).text.utf8)
    }

    /// The Terraform release whose `show -json` output this format follows (format 1.2).
    public static let compatibleTerraformVersion = "1.11.4"

    /// The same document as a tree, for callers that post-process it.
    public static func document(plan: Plan, timestamp: Date = Date(), terraformVersion: String? = nil) -> JSONNode {
        let version = terraformVersion ?? plan.toolVersion
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var root: [String: JSONNode] = [
            "format_version": .string(formatVersion),
            "terraform_version": .string(version),
            "planned_values": plannedValues(plan),
            "resource_changes": .array(plan.changes.filter { $0.action != .read || $0.after != nil }.map(resourceChange)),
            "configuration": configuration(plan.configuration),
            "timestamp": .string(formatter.string(from: timestamp)),
            "applyable": .bool(plan.hasChanges),
            "complete": .bool(true),
            "errored": .bool(false),
        ]
        if !plan.outputChanges.isEmpty {
            root["output_changes"] = .object(Dictionary(
                plan.outputChanges.map { ($0.name, outputChange($0)) }, uniquingKeysWith: { first, _ in first }))
        }
        // Always present (empty for a first plan), so readers that walk it need no special case.
        root["prior_state"] = priorState(plan.priorState, toolVersion: version)
        return .object(root)
    }

    // MARK: Sections

    static func plannedValues(_ plan: Plan) -> JSONNode {
        var resources: [JSONNode] = []
        for change in plan.changes {
            guard let after = change.after, change.action != .delete else { continue }
            let converted = convert(after, sensitive: Set(change.sensitiveAttributes), unknown: Set(change.afterUnknown))
            var r = header(change.address)
            r["values"] = .object(converted.values)
            r["sensitive_values"] = .object(converted.sensitive)
            resources.append(.object(r))
        }
        var outputs: [String: JSONNode] = [:]
        for output in plan.outputChanges where output.action != .delete {
            var o: [String: JSONNode] = ["sensitive": .bool(output.sensitive)]
            if !output.sensitive, let value = output.after, !value.containsSensitive, let known = node(value).value {
                o["value"] = known
            }
            outputs[output.name] = .object(o)
        }
        var planned: [String: JSONNode] = ["root_module": .object(["resources": .array(resources)])]
        if !outputs.isEmpty { planned["outputs"] = .object(outputs) }
        return .object(planned)
    }

    static func resourceChange(_ change: ResourceChange) -> JSONNode {
        var r = header(change.address)
        r.removeValue(forKey: "schema_version")  // Terraform writes it in values, not in changes
        if let deposed = change.deposedKey, change.action == .delete { r["deposed"] = .string(deposed) }
        var c: [String: JSONNode] = ["actions": .array(actions(change.action).map { .string($0) })]
        let sensitive = Set(change.sensitiveAttributes)
        if let before = change.before {
            let converted = convert(withID(before, change.priorID), sensitive: sensitive, unknown: [])
            c["before"] = .object(converted.values)
            c["before_sensitive"] = .object(converted.sensitive)
        } else {
            c["before"] = .null
            c["before_sensitive"] = .bool(false)
        }
        if let after = change.after, change.action != .delete {
            let converted = convert(after, sensitive: sensitive, unknown: Set(change.afterUnknown))
            c["after"] = .object(converted.values)
            c["after_unknown"] = .object(converted.unknown)
            c["after_sensitive"] = .object(converted.sensitive)
        } else {
            c["after"] = .null
            c["after_unknown"] = .object([:])
            c["after_sensitive"] = .bool(false)
        }
        if !change.replacePaths.isEmpty {
            c["replace_paths"] = .array(change.replacePaths.sorted().map { path in
                .array(path.split(separator: ".").map { .string(String($0)) })
            })
        }
        r["change"] = .object(c)
        if let reason = actionReason(change) { r["action_reason"] = .string(reason) }
        return .object(r)
    }

    static func outputChange(_ output: OutputChange) -> JSONNode {
        func side(_ value: Value?) -> (value: JSONNode, unknown: JSONNode, sensitive: JSONNode) {
            guard let value else { return (.null, .bool(false), .bool(false)) }
            if output.sensitive || value.containsSensitive { return (.null, .bool(false), .bool(true)) }
            let n = node(value)
            return (n.value ?? .null, n.unknown ?? .bool(false), .bool(false))
        }
        let before = side(output.before)
        let after = side(output.after)
        return .object([
            "actions": .array(actions(output.action).map { .string($0) }),
            "before": before.value, "before_sensitive": before.sensitive,
            "after": after.value, "after_unknown": after.unknown, "after_sensitive": after.sensitive,
        ])
    }

    static func priorState(_ snapshot: StateSnapshot?, toolVersion: String) -> JSONNode {
        let state = snapshot ?? StateSnapshot(stack: "", environment: "", toolVersion: toolVersion)
        var resources: [JSONNode] = []
        for address in state.resources.keys.sorted() {
            guard let resource = state.resources[address] else { continue }
            let converted = convert(withID(resource.attributes, resource.id), sensitive: [], unknown: [])
            var r = header(address)
            r["values"] = .object(converted.values)
            r["sensitive_values"] = .object(converted.sensitive)
            if !resource.dependencies.isEmpty {
                r["depends_on"] = .array(resource.dependencies.sorted().map { .string($0.description) })
            }
            resources.append(.object(r))
        }
        var values: [String: JSONNode] = ["root_module": .object(["resources": .array(resources)])]
        if !state.outputs.isEmpty {
            var outputs: [String: JSONNode] = [:]
            for (name, output) in state.outputs {
                var o: [String: JSONNode] = ["sensitive": .bool(output.sensitive)]
                if !output.sensitive, !output.value.containsSensitive, let n = node(output.value).value { o["value"] = n }
                outputs[name] = .object(o)
            }
            values["outputs"] = .object(outputs)
        }
        return .object([
            "format_version": .string(stateFormatVersion),
            "terraform_version": .string(toolVersion),
            "values": .object(values),
        ])
    }

    static func configuration(_ configuration: Configuration) -> JSONNode {
        let resources: [JSONNode] = configuration.resources.map { spec in
            var expressions: [String: JSONNode] = [:]
            for (name, value) in spec.attributes {
                if let e = expression(value, jsonString: jsonStringAttributes.contains(name)) { expressions[name] = e }
            }
            var r = header(spec.address)
            r.removeValue(forKey: "provider_name")
            r["provider_config_key"] = .string("aws")
            r["expressions"] = .object(expressions)
            if !spec.explicitDependencies.isEmpty {
                r["depends_on"] = .array(spec.explicitDependencies.sorted().map { .string($0.description) })
            }
            return .object(r)
        }
        var module: [String: JSONNode] = ["resources": .array(resources)]
        if !configuration.outputs.isEmpty {
            var outputs: [String: JSONNode] = [:]
            for output in configuration.outputs {
                var o: [String: JSONNode] = [:]
                if let e = expression(output.value, jsonString: false) { o["expression"] = e }
                if output.sensitive { o["sensitive"] = .bool(true) }
                if let d = output.description { o["description"] = .string(d) }
                outputs[output.name] = .object(o)
            }
            module["outputs"] = .object(outputs)
        }
        return .object([
            "provider_config": .object([
                "aws": .object(["name": .string("aws"), "full_name": .string(providerName)])
            ]),
            "root_module": .object(module),
        ])
    }

    // MARK: Pieces

    static func header(_ address: ResourceAddress) -> [String: JSONNode] {
        [
            "address": .string(address.description), "mode": .string("managed"), "type": .string(address.type),
            "name": .string(address.name), "provider_name": .string(providerName),
            "schema_version": .number(Double(schemaVersions[address.type] ?? 0)),
        ]
    }

    /// Terraform's `change.actions` for an action.
    public static func actions(_ action: ChangeAction) -> [String] {
        switch action {
        case .create: ["create"]
        case .update: ["update"]
        case .deleteThenCreate: ["delete", "create"]
        case .createThenDelete: ["create", "delete"]
        case .delete: ["delete"]
        case .noOp: ["no-op"]
        case .read: ["read"]
        }
    }

    static func actionReason(_ change: ResourceChange) -> String? {
        switch (change.action, change.cause) {
        case (.deleteThenCreate, .tainted), (.createThenDelete, .tainted): "replace_because_tainted"
        case (.deleteThenCreate, .replaceRequested), (.createThenDelete, .replaceRequested): "replace_by_request"
        case (.deleteThenCreate, _), (.createThenDelete, _): "replace_because_cannot_update"
        case (.delete, .notInConfiguration): "delete_because_no_resource_config"
        default: nil
        }
    }

    static func withID(_ attributes: [String: Value], _ id: String?) -> [String: Value] {
        guard let id, attributes["id"] == nil else { return attributes }
        var all = attributes
        all["id"] = .string(id)
        return all
    }

    /// An attribute map split into what may be written, what is unknown, and what is sensitive.
    struct Converted {
        var values: [String: JSONNode] = [:]
        var unknown: [String: JSONNode] = [:]
        var sensitive: [String: JSONNode] = [:]
    }

    static func convert(_ attributes: [String: Value], sensitive: Set<String>, unknown: Set<String>) -> Converted {
        var out = Converted()
        // `afterUnknown` may name nested paths (`endpoint.address`): the top-level attribute is what Terraform marks.
        let unknownTop = Set(unknown.map { String($0.split(separator: ".").first ?? Substring($0)) })
        for name in Set(attributes.keys).union(unknownTop) {
            let value = attributes[name] ?? .unknown
            let isUnknown = unknownTop.contains(name) && (value == .null || !value.isWhollyKnown)
            if sensitive.contains(name) || value.containsSensitive {
                out.sensitive[name] = .bool(true)
                if isUnknown || !value.isWhollyKnown { out.unknown[name] = .bool(true) }
                continue
            }
            if isUnknown {
                out.unknown[name] = .bool(true)
                continue
            }
            if jsonStringAttributes.contains(name), value.mapValue != nil || value.listValue != nil {
                if value.isWhollyKnown, let document = node(value).value {
                    out.values[name] = .string(document.text)
                } else {
                    out.unknown[name] = .bool(true)  // Terraform cannot render half a JSON string either.
                }
                continue
            }
            let n = node(value)
            if let v = n.value { out.values[name] = v }
            if let u = n.unknown { out.unknown[name] = u }
        }
        return out
    }

    /// A value's known part (nil when wholly unknown) and its unknown mask (nil when wholly known).
    /// Sensitive parts never get here whole: callers check `containsSensitive` first.
    static func node(_ value: Value) -> (value: JSONNode?, unknown: JSONNode?) {
        switch value {
        case .null: return (.null, nil)
        case .bool(let b): return (.bool(b), nil)
        case .number(let n): return (.number(n), nil)
        case .string(let s): return (.string(s), nil)
        case .unknown, .reference: return (nil, .bool(true))
        case .concat:
            let resolved = value.resolving { _ in nil }
            if case .string(let s) = resolved { return (.string(s), nil) }
            return (nil, .bool(true))
        case .sensitive: return (nil, nil)
        case .list(let items):
            let parts = items.map(node)
            let known = JSONNode.array(parts.map { $0.value ?? .null })
            guard parts.contains(where: { $0.unknown != nil }) else { return (known, nil) }
            return (known, .array(parts.map { $0.unknown ?? .bool(false) }))
        case .map(let members):
            var known: [String: JSONNode] = [:]
            var unknown: [String: JSONNode] = [:]
            for (key, member) in members {
                let part = node(member)
                if let v = part.value { known[key] = v }
                if let u = part.unknown { unknown[key] = u }
            }
            return (.object(known), unknown.isEmpty ? nil : .object(unknown))
        }
    }

    /// Terraform's configuration expression: a constant, or the references it is made of.
    static func expression(_ value: Value, jsonString: Bool) -> JSONNode? {
        if value.containsSensitive { return nil }  // a literal secret must not appear even here
        let references = value.references
        if references.isEmpty {
            guard let known = node(value).value else { return nil }
            if jsonString, value.mapValue != nil || value.listValue != nil {
                return .object(["constant_value": .string(known.text)])
            }
            return .object(["constant_value": known])
        }
        if !jsonString, let items = value.listValue, !items.isEmpty, items.allSatisfy({ $0.mapValue != nil }) {
            // A nested block: one object of expressions per block, as Terraform writes it.
            return .array(items.compactMap { item in
                guard let members = item.mapValue else { return nil }
                var block: [String: JSONNode] = [:]
                for (key, member) in members {
                    if let e = expression(member, jsonString: false) { block[key] = e }
                }
                return .object(block)
            })
        }
        var names: [String] = []
        for r in references {
            for name in ["\(r.address).\(r.attribute)", r.address.description] where !names.contains(name) {
                names.append(name)
            }
        }
        return .object(["references": .array(names.map { .string($0) })])
    }
}
