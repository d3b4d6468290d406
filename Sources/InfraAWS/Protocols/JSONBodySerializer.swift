import Foundation

/// Writes JSON bodies (JSON 1.0/1.1 and REST-JSON) from an ``AWSDocument`` guided by a shape:
/// member names from `locationName`, timestamps as epoch seconds, blobs as base64. Keys are
/// written in model order so bodies are reproducible.
struct JSONBodySerializer: ModelDrivenSerializer {
    let model: ServiceModel
    let operation: OperationModel

    /// The JSON text of structure `shapeName`, skipping members that travel elsewhere
    /// (`location` set) when `bodyMembersOnly`.
    func body(_ value: AWSDocument, shapeName: String, bodyMembersOnly: Bool) throws -> String {
        var out = ""
        try writeStructure(value, shapeName: shapeName, path: "", bodyMembersOnly: bodyMembersOnly, into: &out)
        return out
    }

    private func writeStructure(_ value: AWSDocument, shapeName: String, path: String, bodyMembersOnly: Bool,
                                into out: inout String) throws
    {
        let shape = try lookup(shapeName, path)
        if shape.document {
            Self.writeFree(value, into: &out)
            return
        }
        guard case .map(let fields) = value else {
            throw invalid(path, "expected a structure (\(shapeName)), got \(value)")
        }
        for key in fields.keys where shape.member(named: key) == nil {
            throw AWSProtocolError(.unknownMember, service: model.metadata.name, operation: operation.name,
                                   path: join(path, key),
                                   reason: "\(shape.name) has no member \(key); members: "
                                       + shape.members.map(\.name).joined(separator: ", "))
        }
        out += "{"
        var first = true
        for member in shape.members {
            if bodyMembersOnly, member.location != nil { continue }
            guard let child = fields[member.name], !child.isNull else { continue }
            if !first { out += "," }
            first = false
            Self.writeString(member.wireName, into: &out)
            out += ":"
            try write(child, member: member, path: join(path, member.name), into: &out)
        }
        out += "}"
    }

    private func write(_ value: AWSDocument, member: MemberModel, path: String, into out: inout String) throws {
        let shape = try lookup(member.shape, path)
        switch shape.type {
        case .structure:
            try writeStructure(value, shapeName: shape.name, path: path, bodyMembersOnly: false, into: &out)
        case .list:
            guard case .list(let items) = value, let element = shape.member else {
                throw invalid(path, "expected a list (\(shape.name)), got \(value)")
            }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                try write(item, member: element, path: "\(path)[\(index)]", into: &out)
            }
            out += "]"
        case .map:
            guard case .map(let fields) = value, let valueMember = shape.value else {
                throw invalid(path, "expected a map (\(shape.name)), got \(value)")
            }
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                try write(fields[key] ?? .null, member: valueMember, path: "\(path)[\(key)]", into: &out)
            }
            out += "}"
        case .string:
            guard let text = value.string else { throw invalid(path, "expected a string (\(shape.name)), got \(value)") }
            Self.writeString(text, into: &out)
        case .boolean:
            guard let flag = value.bool else { throw invalid(path, "expected a boolean (\(shape.name)), got \(value)") }
            out += flag ? "true" : "false"
        case .integer, .long:
            guard let number = value.int64 else {
                throw invalid(path, "expected an integer (\(shape.name)), got \(value)")
            }
            out += String(number)
        case .double, .float:
            guard let number = value.double, number.isFinite else {
                throw invalid(path, "expected a number (\(shape.name)), got \(value)")
            }
            out += ScalarText.formatDouble(number)
        case .timestamp:
            switch value {
            case .timestamp(let date):
                let format = member.timestampFormat ?? shape.timestampFormat ?? "unixTimestamp"
                let text = TimestampCoding.format(date, format, fallback: "unixTimestamp")
                if format == "unixTimestamp" { out += text } else { Self.writeString(text, into: &out) }
            case .integer(let seconds):
                out += String(seconds)
            case .double(let seconds):
                out += ScalarText.formatDouble(seconds)
            default:
                throw invalid(path, "expected a timestamp (\(shape.name)), got \(value)")
            }
        case .blob:
            guard let bytes = value.bytes else { throw invalid(path, "expected bytes (\(shape.name)), got \(value)") }
            Self.writeString(Data(bytes).base64EncodedString(), into: &out)
        }
    }

    /// Writes a value with no shape to guide it (documents).
    static func writeFree(_ value: AWSDocument, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .double(let d): out += d.isFinite ? ScalarText.formatDouble(d) : "null"
        case .string(let s): writeString(s, into: &out)
        case .timestamp(let d): out += TimestampCoding.epochSeconds(d)
        case .blob(let b): writeString(Data(b).base64EncodedString(), into: &out)
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                writeFree(item, into: &out)
            }
            out += "]"
        case .map(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                writeFree(fields[key] ?? .null, into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

}
