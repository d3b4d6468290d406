import Foundation
import InfraEngine

/// The stack types a project can deploy, looked up by the names environment files list.
public struct StackRegistry: Sendable {
    public let stacks: [any Stack.Type]

    public init(_ stacks: [any Stack.Type]) { self.stacks = stacks }

    public var names: [String] { stacks.map { $0.name } }

    public func stack(named name: String) -> (any Stack.Type)? {
        stacks.first { $0.name == name }
    }
}

/// One environment, loaded: its header and, per deployed stack, the configuration to plan.
public struct LoadedEnvironment: Sendable {
    public var name: String
    /// The environment file, relative to the project directory.
    public var file: String
    public var header: EnvironmentHeader
    public var isProduction: Bool
    /// In the order the environment file lists the stacks.
    public var configurations: [Configuration]
}

/// Why a project could not be loaded; each case says what to do.
public enum ProjectError: Error, Sendable, CustomStringConvertible {
    case unknownEnvironment(name: String, available: [String], directory: String)
    case unknownStack(name: String, known: [String], file: String, line: Int?)
    case stackNotDeployed(name: String, deployed: [String], file: String)
    case unreadable(file: String, reason: String)
    case settings(SettingsError)
    case configuration([ConfigurationError])

    public var description: String {
        switch self {
        case .unknownEnvironment(let name, let available, let directory):
            let list = available.isEmpty ? "there are none" : "the environments are: \(available.joined(separator: ", "))"
            var text = "no environment '\(name)': \(directory)/environments/\(name).yaml does not exist; \(list)"
            if let guess = suggestion(for: name, among: available) { text += " (did you mean '\(guess)'?)" }
            return text
        case .unknownStack(let name, let known, let file, let line):
            let place = line.map { "\(file):\($0)" } ?? file
            let list = known.isEmpty ? "no stacks are registered" : "the known stacks are: \(known.joined(separator: ", "))"
            var text = "\(place): stacks: unknown stack '\(name)'; \(list)"
            if let guess = suggestion(for: name, among: known) { text += " (did you mean '\(guess)'?)" }
            return text
        case .stackNotDeployed(let name, let deployed, let file):
            return "\(file) does not deploy stack '\(name)'; it deploys: \(deployed.joined(separator: ", "))"
        case .unreadable(let file, let reason):
            return "cannot read \(file): \(reason)"
        case .settings(let error):
            return error.description
        case .configuration(let errors):
            return errors.map(\.description).joined(separator: "\n")
        }
    }
}

/// Loads a project: `environments/<env>.yaml` decoded into the environment header and each
/// deployed stack's typed settings, then every stack's ``Configuration``.
public struct ProjectLoader: Sendable {
    /// The project directory (the CLI resolves `--chdir`).
    public var directory: URL
    public var registry: StackRegistry

    public init(directory: URL, registry: StackRegistry) {
        self.directory = directory
        self.registry = registry
    }

    /// The environments that exist: the names of `environments/*.yaml`, sorted.
    public func environmentNames() -> [String] {
        let folder = directory.appendingPathComponent("environments")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(".yaml".count)) }.sorted()
    }

    /// Loads `environment`; `stacks` (if given) restricts which of its stacks are built.
    public func load(environment: String, stacks only: [String]? = nil) throws(ProjectError) -> LoadedEnvironment {
        let relative = "environments/\(environment).yaml"
        let url = directory.appendingPathComponent(relative)
        guard ConfigurationBuilder.isValidName(environment), FileManager.default.fileExists(atPath: url.path) else {
            throw .unknownEnvironment(name: environment, available: environmentNames(), directory: directory.path)
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: relative, reason: error.localizedDescription)
        }
        return try load(environment: environment, yaml: text, file: relative, stacks: only)
    }

    /// Loads an environment from YAML text (the file's contents), naming `file` in errors.
    public func load(environment: String, yaml: String, file: String, stacks only: [String]? = nil) throws(ProjectError)
        -> LoadedEnvironment
    {
        let root: SettingsNode
        do { root = try SettingsNode.parse(yaml: yaml, file: file) } catch { throw .settings(error) }
        guard case .mapping(let entries) = root.kind else {
            throw .settings(
                SettingsError([SettingsProblem(file: file, line: root.line, path: "", message: "expected a mapping of settings")]))
        }

        let header: EnvironmentHeader
        var problems: [SettingsProblem] = []
        switch SettingsDecoding.decode(EnvironmentHeader.self, from: root, at: [], root: root, file: file) {
        case .success((let decoded, _)): header = decoded
        case .failure(let problem): throw .settings(SettingsError([problem]))
        }

        // Stacks first: an unknown stack name is the most useful error to see.
        var stackTypes: [any Stack.Type] = []
        for (i, name) in header.stacks.enumerated() {
            guard let type = registry.stack(named: name) else {
                let line = SettingsDecoding.locate([SettingsKey("stacks"), SettingsIndex(i)], in: root)?.line
                throw .unknownStack(name: name, known: registry.names, file: file, line: line)
            }
            stackTypes.append(type)
        }
        if let only {
            for name in only where !header.stacks.contains(name) {
                throw .stackNotDeployed(name: name, deployed: header.stacks, file: file)
            }
        }

        // Top-level keys that are neither header keys nor settings of a deployed stack.
        for entry in entries where !EnvironmentHeader.keys.contains(entry.key) && !header.stacks.contains(entry.key) {
            var message = "unknown key '\(entry.key)'"
            if registry.names.contains(entry.key) {
                message = "settings for stack '\(entry.key)', which this environment does not deploy (add it to stacks)"
            } else if let guess = suggestion(for: entry.key, among: EnvironmentHeader.keys + header.stacks) {
                message += "; did you mean '\(guess)'?"
            } else {
                message += "; expected \(EnvironmentHeader.keys.joined(separator: ", ")) or a stack's name"
            }
            problems.append(SettingsProblem(file: file, line: entry.keyLine, path: entry.key, message: message))
        }

        let isProduction = header.production ?? looksLikeProduction(environment)
        var configurations: [Configuration] = []
        var configurationErrors: [ConfigurationError] = []
        for type in stackTypes where only?.contains(type.name) ?? true {
            let node = root.entry(for: type.name)?.value ?? .emptyMapping(line: root.line)
            switch build(
                type, node: node, root: root, file: file, environment: environment, header: header,
                isProduction: isProduction)
            {
            case .success((let configuration, let unknown)):
                problems += unknown
                if let configuration { configurations.append(configuration) }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        // Settings problems first: a configuration built from wrong settings is not worth reading.
        if !problems.isEmpty { throw .settings(SettingsError(problems)) }
        if !configurationErrors.isEmpty { throw .configuration(configurationErrors) }
        return LoadedEnvironment(
            name: environment, file: file, header: header, isProduction: isProduction, configurations: configurations)

        func build<S: Stack>(
            _ type: S.Type, node: SettingsNode, root: SettingsNode, file: String, environment: String,
            header: EnvironmentHeader, isProduction: Bool
        ) -> Result<(Configuration?, [SettingsProblem]), SettingsProblem> {
            switch SettingsDecoding.decode(S.Settings.self, from: node, at: [S.name], root: root, file: file) {
            case .failure(let problem):
                return .failure(problem)
            case .success((let settings, let unknown)):
                let env = Environment(
                    name: environment, region: header.region, account: header.account, settings: settings,
                    tags: header.tags, stack: S.name, isProduction: isProduction)
                do {
                    return .success((try S().configuration(in: env), unknown))
                } catch {
                    configurationErrors.append(error)
                    return .success((nil, unknown))
                }
            }
        }
    }
}
