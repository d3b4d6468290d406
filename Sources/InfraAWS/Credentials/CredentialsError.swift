/// Why no usable credentials could be found or obtained. Each case says what to do.
public enum CredentialsError: Error, Sendable, CustomStringConvertible {
    /// No provider in the chain had credentials; `tried` lists what was looked at.
    case noCredentials(tried: [String])
    /// A profile named by `AWS_PROFILE` or `source_profile` does not exist.
    case profileNotFound(String, files: [String])
    /// A profile exists but is unusable (missing key, unsupported setting...).
    case invalidProfile(String, reason: String)
    /// `source_profile` chains loop back on themselves.
    case profileCycle([String])
    /// `credential_process` failed or printed something unusable.
    case processFailed(command: String, reason: String)
    /// The container or instance metadata endpoint failed.
    case metadataFailed(source: String, reason: String)
    /// STS refused to issue credentials (AssumeRole, AssumeRoleWithWebIdentity).
    case stsFailed(source: String, underlying: String)
    /// A file the configuration names could not be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .noCredentials(let tried):
            return """
                no AWS credentials found (looked at: \(tried.joined(separator: ", "))). \
                Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile \
                in ~/.aws/credentials or ~/.aws/config
                """
        case .profileNotFound(let name, let files):
            return "AWS profile '\(name)' not found in \(files.joined(separator: " or ")): check AWS_PROFILE or source_profile"
        case .invalidProfile(let name, let reason):
            return "AWS profile '\(name)': \(reason)"
        case .profileCycle(let chain):
            return "AWS profiles form a source_profile cycle: \(chain.joined(separator: " → ")); break the cycle in ~/.aws/config"
        case .processFailed(let command, let reason):
            return "credential_process '\(command)' failed: \(reason)"
        case .metadataFailed(let source, let reason):
            return "\(source): \(reason)"
        case .stsFailed(let source, let underlying):
            return "\(source): STS refused: \(underlying)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        }
    }
}
