import Foundation

/// The saved plan (`infra plan -out tfplan`): a small framed format around a JSON payload.
///
/// ```
/// INFRA-PLAN 1\n
/// tool 0.1.0\n
/// sha256 <hex of the payload>\n
/// length <payload bytes>\n
/// \n
/// <payload: the Plan as canonical JSON, values in the tagged plan form>
/// ```
/// The header is readable with `head`; the length detects truncation, the checksum any edit.
/// Sensitive string literals are stored as salted hashes (see ``ValueCodingForm/plan``).
public enum PlanFile {
    public static let magic = "INFRA-PLAN"
    public static let formatVersion = 1

    public static func encode(_ plan: Plan) throws(PlanFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[Value.codingFormKey] = ValueCodingForm.plan
        let payload: Data
        do { payload = try encoder.encode(plan) } catch { throw .unencodable(reason: String(describing: error)) }
        var out = Data()
        out.append(contentsOf: Array("\(magic) \(formatVersion)\n".utf8))
        out.append(contentsOf: Array("tool \(plan.toolVersion)\n".utf8))
        out.append(contentsOf: Array("sha256 \(Hex.sha256(payload))\n".utf8))
        out.append(contentsOf: Array("length \(payload.count)\n\n".utf8))
        out.append(payload)
        return out
    }

    /// Reads a plan file; `path` names it in errors. Staleness is checked by apply, against the backend.
    public static func decode(_ data: Data, path: String, toolVersion: String = ToolVersion.current)
        throws(PlanFileError) -> Plan
    {
        var header: [String] = []
        var offset = data.startIndex
        while header.count < 5 {
            guard let newline = data[offset...].firstIndex(of: 0x0A) else {
                if header.isEmpty && !data.starts(with: Array(magic.utf8)) { throw .notAPlan(path: path) }
                throw .truncated(path: path)
            }
            header.append(String(decoding: data[offset..<newline], as: UTF8.self))
            offset = data.index(after: newline)
            if header.count == 1 && !header[0].hasPrefix(magic + " ") { throw .notAPlan(path: path) }
        }
        guard let version = Int(header[0].dropFirst(magic.count + 1)) else { throw .notAPlan(path: path) }
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: formatVersion)
        }
        guard header[1].hasPrefix("tool "), header[2].hasPrefix("sha256 "), header[3].hasPrefix("length "),
            header[4].isEmpty, let length = Int(header[3].dropFirst("length ".count))
        else { throw .malformedHeader(path: path) }
        let madeBy = String(header[1].dropFirst("tool ".count))
        guard madeBy == toolVersion else { throw .wrongToolVersion(path: path, planTool: madeBy, thisTool: toolVersion) }
        let payload = data[offset...]
        guard payload.count >= length else { throw .truncated(path: path) }
        guard payload.count == length else { throw .checksumMismatch(path: path) }
        guard Hex.sha256(Data(payload)) == String(header[2].dropFirst("sha256 ".count)) else {
            throw .checksumMismatch(path: path)
        }
        let decoder = JSONDecoder()
        decoder.userInfo[Value.codingFormKey] = ValueCodingForm.plan
        do {
            return try decoder.decode(Plan.self, from: Data(payload))
        } catch {
            throw .undecodable(path: path, reason: String(describing: error))
        }
    }
}

/// Why a plan file cannot be used; nothing has been changed when one is thrown.
public enum PlanFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAPlan(path: String)
    case truncated(path: String)
    case checksumMismatch(path: String)
    case unsupportedVersion(path: String, found: Int, supported: Int)
    case wrongToolVersion(path: String, planTool: String, thisTool: String)
    case malformedHeader(path: String)
    case undecodable(path: String, reason: String)
    case unencodable(reason: String)

    public var description: String {
        switch self {
        case .notAPlan(let path):
            return "\(path) is not an infra plan file (write one with infra plan <env> -out \(path))"
        case .truncated(let path):
            return "the plan file \(path) is truncated (an interrupted copy?); run plan again"
        case .checksumMismatch(let path):
            return "the plan file \(path) was altered after it was written (its checksum does not match); "
                + "nothing was applied; run plan again"
        case .unsupportedVersion(let path, let found, let supported):
            return "the plan file \(path) has format \(found); this infra reads format \(supported)"
        case .wrongToolVersion(let path, let planTool, let thisTool):
            return "the plan file \(path) was made by infra \(planTool), this is infra \(thisTool); "
                + "apply it with infra \(planTool), or plan again with this version"
        case .malformedHeader(let path):
            return "the plan file \(path) has a damaged header; run plan again"
        case .undecodable(let path, let reason):
            return "the plan file \(path) cannot be read: \(reason)"
        case .unencodable(let reason):
            return "the plan cannot be saved: \(reason)"
        }
    }
}
