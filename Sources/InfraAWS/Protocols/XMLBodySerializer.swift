/// Writes REST-XML bodies (S3 bucket configuration) from an ``AWSDocument`` guided by a shape.
///
/// Element names come from `locationName` else the member name; non-flattened lists wrap their
/// elements (`<TagSet><Tag>…</Tag></TagSet>`), flattened ones repeat the element in place; the
/// namespace of a member (`xmlNamespace`) becomes the `xmlns` of its element.
struct XMLBodySerializer: ModelDrivenSerializer {
    let model: ServiceModel
    let operation: OperationModel

    /// `<rootName xmlns="…">…</rootName>` for the payload member `member`.
    func document(_ value: AWSDocument, member: MemberModel) throws -> String {
        var writer = XMLWriter()
        try write(value, member: member, name: member.wireName, path: member.name, into: &writer)
        return writer.output
    }

    private func write(_ value: AWSDocument, member: MemberModel, name: String, path: String,
                       into writer: inout XMLWriter) throws
    {
        let shape = try lookup(member.shape, path)
        var attributes: [(String, String)] = []
        if let namespace = member.xmlNamespace ?? shape.xmlNamespace { attributes.append(("xmlns", namespace)) }
        switch shape.type {
        case .structure:
            guard case .map(let fields) = value else {
                throw invalid(path, "expected a structure (\(shape.name)), got \(value)")
            }
            for key in fields.keys where shape.member(named: key) == nil {
                throw AWSProtocolError(.unknownMember, service: model.metadata.name, operation: operation.name,
                                       path: join(path, key),
                                       reason: "\(shape.name) has no member \(key); members: "
                                           + shape.members.map(\.name).joined(separator: ", "))
            }
            for child in shape.members where child.xmlAttribute {
                if let text = fields[child.name]?.string { attributes.append((child.wireName, text)) }
            }
            writer.open(name, attributes: attributes)
            for child in shape.members where !child.xmlAttribute {
                guard let childValue = fields[child.name], !childValue.isNull else { continue }
                try write(childValue, member: child, name: child.wireName, path: join(path, child.name),
                          into: &writer)
            }
            writer.close(name)
        case .list:
            guard case .list(let items) = value, let element = shape.member else {
                throw invalid(path, "expected a list (\(shape.name)), got \(value)")
            }
            if shape.flattened || member.flattened {
                for (index, item) in items.enumerated() {
                    try write(item, member: element, name: name, path: "\(path)[\(index)]", into: &writer)
                }
            } else {
                writer.open(name, attributes: attributes)
                let elementName = element.locationName ?? "member"
                for (index, item) in items.enumerated() {
                    try write(item, member: element, name: elementName, path: "\(path)[\(index)]", into: &writer)
                }
                writer.close(name)
            }
        case .map:
            guard case .map(let fields) = value, let keyMember = shape.key, let valueMember = shape.value else {
                throw invalid(path, "expected a map (\(shape.name)), got \(value)")
            }
            writer.open(name, attributes: attributes)
            for key in fields.keys.sorted() {
                writer.open("entry")
                let keyName = keyMember.locationName ?? "key"
                writer.open(keyName)
                writer.text(key)
                writer.close(keyName)
                try write(fields[key] ?? .null, member: valueMember, name: valueMember.locationName ?? "value",
                          path: "\(path)[\(key)]", into: &writer)
                writer.close("entry")
            }
            writer.close(name)
        default:
            let text = try ScalarText.text(value, shape: shape, member: member, fallbackTimestamp: "iso8601",
                                           error: { invalid(path, $0) })
            writer.open(name, attributes: attributes)
            writer.text(text)
            writer.close(name)
        }
    }

}
