import ArgumentParser
import InfraEngine

/// `infra graph <env>`: the dependency graph in Graphviz DOT.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Print the resource dependency graph in Graphviz DOT (pipe to 'dot -Tsvg').")

    @Argument(help: "The environment.") var environment: String
    @Option(name: .customLong("stack"), help: "Only this stack (repeatable).") var stacks: [String] = []

    func run() async throws {
        let loaded = try Workspace.current().load(environment, stacks: stacks)
        print("digraph infra {")
        print("  rankdir = \"RL\";")
        print("  node [shape = box];")
        for configuration in loaded.configurations {
            let graph = try ResourceGraph(configuration)
            print("  subgraph \"cluster_\(configuration.stack)\" {")
            print("    label = \"\(environment)/\(configuration.stack)\";")
            for spec in graph.resources { print("    \"\(spec.address)\";") }
            for (index, spec) in graph.resources.enumerated() {
                for dependency in graph.dependencies[index] {
                    print("    \"\(spec.address)\" -> \"\(graph.resources[dependency].address)\";")
                }
            }
            print("  }")
        }
        print("}")
    }
}
