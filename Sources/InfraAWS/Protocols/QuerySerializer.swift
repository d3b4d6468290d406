import Foundation

/// Serializes inputs for the `query` protocol (IAM, STS, RDS, ElastiCache) and EC2's dialect of
/// it into ordered form pairs: `Action`, `Version`, then the members in model order.
///
/// Query: lists are `Name.member.1` (or `Name.<locationName>.1`), flattened lists `Name.1`,
/// maps `Name.entry.1.key`/`.value`, empty lists `Name=`. EC2: every list is `Name.1`, names come
/// from `queryName`, else the capitalised `locationName`, else the member name; empty lists vanish.
struct QuerySerializer: ModelDrivenSerializer {
    let model: ServiceModel
    let operation: OperationModel
    let isEC2: Bool

    init(model: ServiceModel, operation: OperationModel) {
        self.model = model
        self.operation = operation
        self.isEC2 = model.metadata.protocol == .ec2
    }

    func pairs(_ input: AWSDocument) throws -> [(String, String)] {
        var out: [(String, String)] = [("Action", operation.name), ("Version", model.metadata.apiVersion)]
        if let inputShape = operation.input {
            try serializeStructure(input, shapeName: inputShape, prefix: "", path: "", into: &out)
        }
        return out
    }

    private func serializeStructure(_ value: AWSDocument, shapeName: String, prefix: String, path: String,
                                    into out: inout [(String, String)]) throws
    {
        let shape = try lookup(shapeName, path)
        guard case .map(let fields) = value else {
            if value.isNull { return }
            throw invalid(path, "expected a structure (\(shapeName)), got \(value)")
        }
        try checkMembers(fields, shape, path)
        for member in shape.members {
            guard let child = fields[member.name], !child.isNull else { continue }
            let name = isEC2 ? ec2Name(member) : member.wireName
            let childPrefix = prefix.isEmpty ? name : prefix + "." + name
            try serialize(child, member: member, prefix: childPrefix, path: join(path, member.name), into: &out)
        }
    }

    private func serialize(_ value: AWSDocument, member: MemberModel, prefix: String, path: String,
                           into out: inout [(String, String)]) throws
    {
        let shape = try lookup(member.shape, path)
        switch shape.type {
        case .structure:
            try serializeStructure(value, shapeName: shape.name, prefix: prefix, path: path, into: &out)
        case .list:
            guard case .list(let items) = value, let element = shape.member else {
                throw invalid(path, "expected a list (\(shape.name)), got \(value)")
            }
            if items.isEmpty {
                if !isEC2 { out.append((prefix, "")) }
                return
            }
            let listPrefix: String
            if isEC2 {
                listPrefix = prefix
            } else if shape.flattened || member.flattened {
                if let elementName = element.locationName {
                    var parts = prefix.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    parts[parts.count - 1] = elementName
                    listPrefix = parts.joined(separator: ".")
                } else {
                    listPrefix = prefix
                }
            } else {
                listPrefix = prefix + "." + (element.locationName ?? "member")
            }
            for (index, item) in items.enumerated() {
                try serialize(item, member: element, prefix: "\(listPrefix).\(index + 1)",
                              path: "\(path)[\(index)]", into: &out)
            }
        case .map:
            guard case .map(let fields) = value, let keyMember = shape.key, let valueMember = shape.value else {
                throw invalid(path, "expected a map (\(shape.name)), got \(value)")
            }
            let base = (shape.flattened || member.flattened) ? prefix : prefix + ".entry"
            for (index, key) in fields.keys.sorted().enumerated() {
                let entry = "\(base).\(index + 1)."
                out.append((entry + (keyMember.locationName ?? "key"), key))
                if let item = fields[key] {
                    try serialize(item, member: valueMember, prefix: entry + (valueMember.locationName ?? "value"),
                                  path: "\(path)[\(key)]", into: &out)
                }
            }
        default:
            out.append((prefix, try ScalarText.text(value, shape: shape, member: member, fallbackTimestamp: "iso8601",
                                                   error: { invalid(path, $0) })))
        }
    }

    private func ec2Name(_ member: MemberModel) -> String {
        if let queryName = member.queryName { return queryName }
        if let locationName = member.locationName, let first = locationName.first {
            return first.uppercased() + locationName.dropFirst()
        }
        return member.name
    }

    private func checkMembers(_ fields: [String: AWSDocument], _ shape: ShapeModel, _ path: String) throws {
        for key in fields.keys where shape.member(named: key) == nil {
            throw AWSProtocolError(.unknownMember, service: model.metadata.name, operation: operation.name,
                                   path: join(path, key),
                                   reason: "\(shape.name) has no member \(key); members: "
                                       + shape.members.map(\.name).joined(separator: ", "))
        }
    }

}

func join(_ path: String, _ name: String) -> String {
    path.isEmpty ? name : path + "." + name
}

/// Scalars as text, shared by the query, REST header/URI/querystring and XML serializers.
enum ScalarText {
    static func text(_ value: AWSDocument, shape: ShapeModel, member: MemberModel, fallbackTimestamp: String,
                     error: (String) -> AWSProtocolError) throws -> String
    {
        switch (shape.type, value) {
        case (.boolean, .bool(let b)):
            return b ? "true" : "false"
        case (.timestamp, .timestamp(let date)):
            return TimestampCoding.format(date, member.timestampFormat ?? shape.timestampFormat,
                                          fallback: fallbackTimestamp)
        case (.blob, .blob(let bytes)):
            return Data(bytes).base64EncodedString()
        case (.blob, .string(let text)):
            return Data(text.utf8).base64EncodedString()
        case (.integer, .integer(let i)), (.long, .integer(let i)):
            return String(i)
        case (.double, .double(let d)), (.float, .double(let d)):
            return formatDouble(d)
        case (.double, .integer(let i)), (.float, .integer(let i)):
            return String(i)
        case (.string, _), (.integer, .string), (.long, .string), (.boolean, .string), (.double, .string),
             (.float, .string), (.timestamp, .string):
            guard let text = value.string else { break }
            return text
        default:
            break
        }
        throw error("expected a \(shape.type.rawValue) (\(shape.name)), got \(value)")
    }

    static func formatDouble(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
