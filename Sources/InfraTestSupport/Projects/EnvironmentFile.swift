import Foundation

/// An environment file of a project, adapted for a test or benchmark run.
public enum EnvironmentFile {
    /// `text` with its `backend:` block replaced by `backend` (YAML, starting `backend:`) and
    /// any `account:` guard removed, so a repository environment runs against an emulator.
    public static func replacingBackend(in text: String, with backend: String) -> String {
        var lines: [String] = []
        var skipping = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if skipping, line.hasPrefix(" ") || line.isEmpty { continue }
            skipping = false
            if line.hasPrefix("backend:") {
                lines.append(backend)
                skipping = true
            } else if !line.hasPrefix("account:") {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
