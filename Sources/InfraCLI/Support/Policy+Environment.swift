import InfraDSL
import InfraEngine
import InfraReports

extension LoadedEnvironment {
    /// The environment file's `policy.fail_on` (default `high`): findings at or above it fail the gate.
    var policyThreshold: Severity {
        get throws {
            guard let text = header.policy["fail_on"]?.stringValue else { return .high }
            guard let severity = Severity(rawValue: text.lowercased()) else {
                throw CLIError("\(file): policy.fail_on '\(text)' is not one of low, medium, high, critical")
            }
            return severity
        }
    }

    var policyContext: PolicyContext { PolicyContext(environment: name, isProduction: isProduction) }
}
