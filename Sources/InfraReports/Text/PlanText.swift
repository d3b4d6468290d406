import InfraEngine

/// The terminal plan, in the conventions Terraform users read fluently: `+ create`,
/// `~ update in-place`, `-/+` and `+/-` replacements, `- destroy`, `<= read`, per-attribute
/// `old -> new`, `(known after apply)`, `(sensitive value)`, `# forces replacement`, drift in
/// its own section, and the `Plan: X to add, Y to change, Z to destroy.` line.
public struct PlanText: Sendable {
    public var style: TextStyle

    public init(style: TextStyle = .plain) {
        self.style = style
    }

    public func render(_ plan: Plan) -> String {
        var out: [String] = []
        if !plan.drift.isEmpty {
            out.append(style.bold("Note: Objects have changed outside of infra"))
            out.append("")
            out.append("infra detected the following changes made outside of infra since the last apply:")
            out.append("")
            for drift in plan.drift { out.append(contentsOf: renderDrift(drift)); out.append("") }
            if plan.options.refreshOnly {
                out.append("This is a refresh-only plan: applying it records these changes in the state and changes nothing in AWS.")
            } else {
                out.append("Unless the code is changed to match, the actions below put these objects back as declared.")
            }
            out.append("")
        }
        let actionable = plan.changes.filter { $0.action != .noOp }
        if actionable.isEmpty && !plan.outputChanges.contains(where: { $0.action != .noOp }) {
            if plan.options.refreshOnly && !plan.drift.isEmpty {
                out.append(style.bold("Plan: the state will be updated to match the objects above."))
            } else {
                out.append(style.bold("No changes.") + " Your infrastructure matches the configuration.")
            }
            return out.joined(separator: "\n")
        }
        if !actionable.isEmpty {
            out.append("infra will perform the following actions:")
            out.append("")
            for change in actionable { out.append(contentsOf: renderChange(change)); out.append("") }
            let s = plan.summary
            out.append(style.bold("Plan:") + " \(s.add) to add, \(s.change) to change, \(s.destroy) to destroy.")
        }
        let outputs = plan.outputChanges.filter { $0.action != .noOp }
        if !outputs.isEmpty {
            out.append("")
            out.append("Changes to Outputs:")
            let width = outputs.map(\.name.count).max() ?? 0
            for o in outputs {
                let name = o.name.padding(toLength: width, withPad: " ", startingAt: 0)
                let before = ValueText.render(o.before, indent: 4, sensitive: o.sensitive)
                let after = ValueText.render(o.after, indent: 4, sensitive: o.sensitive)
                switch o.action {
                case .create: out.append("  \(style.green("+")) \(name) = \(after)")
                case .delete: out.append("  \(style.red("-")) \(name) = \(before) -> null")
                default: out.append("  \(style.yellow("~")) \(name) = \(before) -> \(after)")
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// The `# address will be ...` header and the attribute block of one change.
    public func renderChange(_ change: ResourceChange) -> [String] {
        var lines = ["  " + style.bold("# \(change.address) \(headline(change))")]
        if change.cause == .notInConfiguration {
            lines.append("  # (because \(change.address) is not in the configuration)")
        }
        for reason in change.reasons { lines.append("  # (\(reason))") }
        let symbol = self.symbol(change.action)
        lines.append("\(symbol.padding) \(symbol.text) resource \"\(change.type)\" \"\(change.address.name)\" {")
        lines.append(contentsOf: attributeLines(change))
        lines.append("    }")
        return lines
    }

    private func headline(_ change: ResourceChange) -> String {
        switch change.action {
        case .create: return "will be created"
        case .update: return "will be updated in-place"
        case .deleteThenCreate, .createThenDelete:
            switch change.cause {
            case .tainted: return "is tainted, so must be replaced"
            case .replaceRequested: return "will be replaced, as requested"
            default: return "must be replaced"
            }
        case .delete: return change.deposedKey != nil ? "(deposed object \(change.deposedKey ?? "")) will be destroyed" : "will be destroyed"
        case .read: return "will be read during apply"
        case .noOp: return "is unchanged"
        }
    }

    private func symbol(_ action: ChangeAction) -> (padding: String, text: String) {
        switch action {
        case .create: return (" ", style.green("+"))
        case .update: return (" ", style.yellow("~"))
        case .deleteThenCreate: return ("", style.red("-") + "/" + style.green("+"))
        case .createThenDelete: return ("", style.green("+") + "/" + style.red("-"))
        case .delete: return (" ", style.red("-"))
        case .read: return ("", style.cyan("<="))
        case .noOp: return (" ", " ")
        }
    }

    /// Attributes that stay visible even when unchanged, so a reader knows which object it is.
    static let identifying: Set<String> = ["id", "name", "identifier", "arn"]

    private func attributeLines(_ change: ResourceChange) -> [String] {
        let before = change.before ?? [:]
        let after = change.after ?? [:]
        let sensitive = Set(change.sensitiveAttributes)
        let changed = Set(change.changedAttributes)
        let forcing = Set(change.replacePaths)
        let unknown = Set(change.afterUnknown)
        var names = Set(before.keys).union(after.keys)
        if change.action == .create || change.action == .read { names = Set(after.keys) }
        if change.action == .delete { names = Set(before.keys) }
        let width = names.map(\.count).max() ?? 0
        var lines: [String] = []
        var hidden = 0
        let indent = "      "
        for name in names.sorted() {
            let key = name.padding(toLength: width, withPad: " ", startingAt: 0)
            let isSensitive = sensitive.contains(name)
            let old = before[name]
            var new = after[name]
            if unknown.contains(name), new == nil || new == .null { new = .unknown }
            switch change.action {
            case .create, .read:
                lines.append(indent + style.green("+") + " \(key) = " + ValueText.render(new, indent: 8, sensitive: isSensitive))
            case .delete:
                guard old != nil, old != .null else { continue }
                lines.append(indent + style.red("-") + " \(key) = " + ValueText.render(old, indent: 8, sensitive: isSensitive) + " -> null")
            default:
                let differs = changed.contains(name) || (old?.unmarked != new?.unmarked && new != nil)
                if !differs {
                    if Self.identifying.contains(name), old != nil {
                        lines.append(indent + "  \(key) = " + ValueText.render(old, indent: 8, sensitive: isSensitive))
                    } else {
                        hidden += 1
                    }
                    continue
                }
                let note = forcing.contains(name) ? " " + style.red("# forces replacement") : ""
                if old == nil || old == .null {
                    lines.append(indent + style.green("+") + " \(key) = " + ValueText.render(new, indent: 8, sensitive: isSensitive) + note)
                } else if new == nil {
                    lines.append(indent + style.red("-") + " \(key) = " + ValueText.render(old, indent: 8, sensitive: isSensitive) + " -> null" + note)
                } else if !isSensitive, let oldMap = old?.mapValue, let newMap = new?.mapValue {
                    lines.append(indent + style.yellow("~") + " \(key) = {" + note)
                    lines.append(contentsOf: mapDiff(oldMap, newMap, indent: indent + "    "))
                    lines.append(indent + "  }")
                } else {
                    lines.append(indent + style.yellow("~") + " \(key) = " + ValueText.render(old, indent: 8, sensitive: isSensitive)
                                 + " -> " + ValueText.render(new, indent: 8, sensitive: isSensitive) + note)
                }
            }
        }
        if hidden > 0 {
            lines.append(indent + "  " + style.dim("# (\(hidden) unchanged attribute\(hidden == 1 ? "" : "s") hidden)"))
        }
        return lines
    }

    private func mapDiff(_ old: [String: Value], _ new: [String: Value], indent: String) -> [String] {
        let keys = Set(old.keys).union(new.keys).sorted()
        let width = keys.map { ValueText.quote($0).count }.max() ?? 0
        var lines: [String] = []
        var hidden = 0
        for key in keys {
            let k = ValueText.quote(key).padding(toLength: width, withPad: " ", startingAt: 0)
            switch (old[key], new[key]) {
            case (nil, let n?): lines.append(indent + style.green("+") + " \(k) = " + ValueText.render(n, indent: indent.count + 2))
            case (let o?, nil): lines.append(indent + style.red("-") + " \(k) = " + ValueText.render(o, indent: indent.count + 2) + " -> null")
            case (let o?, let n?) where o.unmarked != n.unmarked:
                lines.append(indent + style.yellow("~") + " \(k) = " + ValueText.render(o, indent: indent.count + 2) + " -> " + ValueText.render(n, indent: indent.count + 2))
            default: hidden += 1
            }
        }
        if hidden > 0 { lines.append(indent + "  " + style.dim("# (\(hidden) unchanged element\(hidden == 1 ? "" : "s") hidden)")) }
        return lines
    }

    private func renderDrift(_ drift: Drift) -> [String] {
        switch drift.kind {
        case .deleted:
            return ["  " + style.bold("# \(drift.address) has been deleted"),
                    "  " + style.red("-") + " resource \"\(drift.address.type)\" \"\(drift.address.name)\" {", "    }"]
        case .changed:
            var lines = ["  " + style.bold("# \(drift.address) has changed"),
                         "  " + style.yellow("~") + " resource \"\(drift.address.type)\" \"\(drift.address.name)\" {"]
            let width = drift.attributes.map(\.name.count).max() ?? 0
            for attribute in drift.attributes {
                let key = attribute.name.padding(toLength: width, withPad: " ", startingAt: 0)
                if let old = attribute.recorded?.mapValue, let new = attribute.observed?.mapValue {
                    lines.append("      " + style.yellow("~") + " \(key) = {")
                    lines.append(contentsOf: mapDiff(old, new, indent: "          "))
                    lines.append("        }")
                } else {
                    lines.append("      " + style.yellow("~") + " \(key) = " + ValueText.render(attribute.recorded, indent: 8)
                                 + " -> " + ValueText.render(attribute.observed, indent: 8))
                }
            }
            lines.append("    }")
            return lines
        }
    }
}
