import Foundation
import InfraEngine

/// Turns a `Resources` block into the engine's ``Configuration``: renders every resource,
/// merges default tags, and checks names, duplicates and references, collecting every problem.
public enum ConfigurationBuilder {
    public static func build(_ resources: Resources, context: RenderContext) throws(ConfigurationError)
        -> Configuration
    {
        let collected = resources.collected
        var diagnostics: [Diagnostic] = []
        var specs: [ResourceSpec] = []
        var seen: Set<ResourceAddress> = []

        for resource in collected.resources {
            let (spec, problems) = render(resource, in: context)
            diagnostics += problems
            if !seen.insert(spec.address).inserted {
                diagnostics.append(
                    Diagnostic(
                        address: spec.address, attribute: nil,
                        message: "declared more than once; give each resource (or component) a distinct name"))
                continue
            }
            specs.append(spec)
        }

        for spec in specs {
            for (key, value) in spec.attributes.sorted(by: { $0.key < $1.key }) {
                for reference in value.references where !seen.contains(reference.address) {
                    diagnostics.append(
                        Diagnostic(
                            address: spec.address, attribute: key,
                            message: "refers to \(reference.address), which this stack does not declare "
                                + "(add it, or the component that creates it, to the stack's Resources)"))
                }
            }
            for dependency in spec.explicitDependencies.sorted() where !seen.contains(dependency) {
                diagnostics.append(
                    Diagnostic(
                        address: spec.address, attribute: "depends_on",
                        message: "depends on \(dependency), which this stack does not declare"))
            }
        }

        var outputs: [OutputSpec] = []
        var outputNames: Set<String> = []
        for output in collected.outputs {
            if let problem = output.problem {
                diagnostics.append(Diagnostic(address: nil, attribute: "output \(output.name)", message: problem))
            }
            if !outputNames.insert(output.name).inserted {
                diagnostics.append(
                    Diagnostic(address: nil, attribute: "output \(output.name)", message: "declared more than once"))
                continue
            }
            for reference in output.value.references where !seen.contains(reference.address) {
                diagnostics.append(
                    Diagnostic(
                        address: nil, attribute: "output \(output.name)",
                        message: "refers to \(reference.address), which this stack does not declare"))
            }
            outputs.append(
                OutputSpec(
                    name: output.name, value: output.value, sensitive: output.sensitive,
                    description: output.description))
        }

        guard diagnostics.isEmpty else {
            throw ConfigurationError(stack: context.stack, environment: context.environment, diagnostics: diagnostics)
        }
        // Sorted so that the same code always yields the same configuration (dictionaries in
        // `for` loops iterate in random order).
        return Configuration(
            stack: context.stack, environment: context.environment,
            resources: specs.sorted { $0.address < $1.address },
            outputs: outputs.sorted { $0.name < $1.name })
    }

    /// Renders one resource: its attributes, tags, dependencies, lifecycle and annotations.
    public static func render(_ resource: some Resource, in context: RenderContext) -> (ResourceSpec, [Diagnostic]) {
        var writer = AttributeWriter(address: resource.address)
        if !isValidName(resource.name) {
            writer.report(nil, "'\(resource.name)' is not a valid resource name: use letters, digits, '_' and '-'")
        }
        resource.write(to: &writer, in: context)
        var attributes = writer.attributes
        if type(of: resource).isTaggable {
            var tags = context.defaultTags
            tags["Name"] = context.physicalName(resource.name)
            tags.merge(resource.options.tags) { _, own in own }
            attributes["tags"] = .map(tags.mapValues { .string($0) })
        }
        var diagnostics = writer.diagnostics
        for (key, reason) in resource.options.annotations where key.hasPrefix("waiver:") {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                diagnostics.append(
                    Diagnostic(
                        address: resource.address, attribute: nil,
                        message: "the waiver of \(key.dropFirst("waiver:".count)) needs a reason (because: \"...\")"))
            }
        }
        let spec = ResourceSpec(
            address: resource.address, attributes: attributes, dependsOn: resource.options.dependsOn,
            lifecycle: resource.options.lifecycle, annotations: resource.options.annotations)
        return (spec, diagnostics)
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }
}
