import Foundation

/// The AWS shared configuration: `~/.aws/credentials` and `~/.aws/config`, merged per profile
/// as the SDKs merge them (the credentials file wins for the keys it sets).
public struct SharedConfigFiles: Sendable {
    /// Profile name → settings (keys lowercased, as the SDKs treat them).
    public var profiles: [String: [String: String]]
    /// The files that were looked at, for error messages.
    public var paths: [String]

    public init(profiles: [String: [String: String]], paths: [String]) {
        self.profiles = profiles
        self.paths = paths
    }

    /// Loads the files named by `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`, or the
    /// defaults under `$HOME/.aws`. Missing files are simply empty.
    public static func load(environment: [String: String]) throws(CredentialsError) -> SharedConfigFiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials", home: home)
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config", home: home)
        var profiles: [String: [String: String]] = [:]
        if let text = try readIfPresent(configPath) {
            for (section, values) in parseINI(text) {
                // In the config file, non-default profiles are `[profile NAME]`.
                let name: String
                if section.hasPrefix("profile ") {
                    name = section.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
                } else if section == "default" {
                    name = "default"
                } else {
                    continue  // [sso-session x], [services x]: not profiles
                }
                profiles[name, default: [:]].merge(values) { _, new in new }
            }
        }
        if let text = try readIfPresent(credentialsPath) {
            for (section, values) in parseINI(text) {
                profiles[section, default: [:]].merge(values) { _, new in new }
            }
        }
        return SharedConfigFiles(profiles: profiles, paths: [credentialsPath, configPath])
    }

    /// Parses INI text into sections of lowercased keys. Comments start with `#` or `;`;
    /// indented lines continue the previous key (as nested `s3 =` blocks do), and are ignored.
    static func parseINI(_ text: String) -> [(String, [String: String])] {
        var sections: [(String, [String: String])] = []
        var current: (String, [String: String])?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let isIndented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || isIndented { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                if let current { sections.append(current) }
                current = (line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces), [:])
                continue
            }
            guard let eq = line.firstIndex(of: "="), current != nil else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            // Inline comments need a space before them, as in botocore.
            if let hash = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            current?.1[key] = value
        }
        if let current { sections.append(current) }
        return sections
    }

    private static func readIfPresent(_ path: String) throws(CredentialsError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }
}
