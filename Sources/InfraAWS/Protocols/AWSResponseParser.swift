import Foundation

/// Reads successful responses into ``AWSDocument`` guided by the operation's output shape, for
/// every protocol: query/ec2 XML (result wrappers, `item`/`member` list elements), JSON, and the
/// REST protocols' headers, status code, payloads and raw bodies (S3 objects).
public enum AWSResponseParser {
    /// The output of `operationName`, keyed by the model's member names.
    public static func parse(_ response: AWSHTTPResponse, operation operationName: String,
                             model: ServiceModel) throws -> AWSDocument
    {
        let operation = try model.operation(operationName)
        guard let outputName = operation.output else { return [:] }
        let context = ParseContext(model: model, operation: operation)
        let shape = try context.lookup(outputName)
        switch model.metadata.protocol {
        case .query, .ec2:
            guard !isBlank(response.body) else { return [:] }
            let root = try context.xmlRoot(response.body)
            var node = root
            if let wrapper = operation.resultWrapper {
                if let inner = root.child(wrapper) {
                    node = inner
                } else if root.name != wrapper {
                    return [:]
                }
            }
            return try context.structure(fromXML: node, shape: shape)
        case .json:
            guard !isBlank(response.body) else { return [:] }
            return try context.structure(fromJSON: context.jsonRoot(response.body), shape: shape)
        case .restJSON, .restXML:
            return try context.rest(response, shape: shape)
        }
    }

    static func isBlank(_ body: [UInt8]) -> Bool {
        body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}

/// Shape-guided conversion of XML, JSON and header values for one operation.
struct ParseContext {
    let model: ServiceModel
    let operation: OperationModel

    func lookup(_ name: String) throws -> ShapeModel {
        guard let shape = model.shape(name) else { throw malformed("the model has no shape \(name)") }
        return shape
    }

    func malformed(_ reason: String) -> AWSProtocolError {
        AWSProtocolError(.malformedResponse, service: model.metadata.name, operation: operation.name, reason: reason)
    }

    func xmlRoot(_ body: [UInt8]) throws -> XMLTreeNode {
        guard let root = XMLTreeNode.parse(body) else {
            throw malformed("the response is not XML: " + snippet(body))
        }
        return root
    }

    func jsonRoot(_ body: [UInt8]) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw malformed("the response is not JSON: " + snippet(body))
        }
    }

    // MARK: REST

    func rest(_ response: AWSHTTPResponse, shape: ShapeModel) throws -> AWSDocument {
        var result: [String: AWSDocument] = [:]
        for member in shape.members {
            switch member.location {
            case .header:
                guard let text = response.header(member.wireName) else { continue }
                let memberShape = try lookup(member.shape)
                if member.jsonValue, let data = Data(base64Encoded: text),
                   let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
                {
                    result[member.name] = free(any)
                } else if memberShape.type == .list, let element = memberShape.member {
                    let elementShape = try lookup(element.shape)
                    result[member.name] = .list(text.split(separator: ",").map {
                        scalar(fromText: $0.trimmingCharacters(in: .whitespaces), shape: elementShape)
                    })
                } else {
                    result[member.name] = scalar(fromText: text, shape: memberShape)
                }
            case .headers:
                let prefix = member.wireName.lowercased()
                var map: [String: AWSDocument] = [:]
                for header in response.headers where header.name.lowercased().hasPrefix(prefix) {
                    map[String(header.name.dropFirst(prefix.count))] = .string(header.value)
                }
                if !map.isEmpty { result[member.name] = .map(map) }
            case .statusCode:
                result[member.name] = .integer(Int64(response.status))
            case .uri, .querystring, nil:
                continue
            }
        }
        let isJSON = model.metadata.protocol == .restJSON
        if let payloadName = shape.payload, let payloadMember = shape.member(named: payloadName) {
            let payloadShape = try lookup(payloadMember.shape)
            switch payloadShape.type {
            case .blob:
                result[payloadName] = .blob(response.body)
            case .string:
                result[payloadName] = .string(String(decoding: response.body, as: UTF8.self))
            default:
                guard !AWSResponseParser.isBlank(response.body) else { break }
                if isJSON {
                    result[payloadName] = try structure(fromJSON: jsonRoot(response.body), shape: payloadShape)
                } else {
                    result[payloadName] = try structure(fromXML: xmlRoot(response.body), shape: payloadShape)
                }
            }
        } else if !AWSResponseParser.isBlank(response.body), shape.members.contains(where: { $0.location == nil }) {
            let body: AWSDocument
            if isJSON {
                body = try structure(fromJSON: jsonRoot(response.body), shape: shape)
            } else {
                body = try structure(fromXML: xmlRoot(response.body), shape: shape)
            }
            if case .map(let fields) = body {
                for (key, value) in fields { result[key] = value }
            }
        }
        return .map(result)
    }

    // MARK: XML

    func structure(fromXML node: XMLTreeNode, shape: ShapeModel) throws -> AWSDocument {
        var byName: [String: [XMLTreeNode]] = [:]
        for child in node.children { byName[child.name, default: []].append(child) }
        var result: [String: AWSDocument] = [:]
        for member in shape.members where member.location == nil {
            let memberShape = try lookup(member.shape)
            if member.xmlAttribute {
                if let text = node.attributes[member.wireName] { result[member.name] = scalar(fromText: text, shape: memberShape) }
                continue
            }
            var key = member.wireName
            let flattened = memberShape.type == .list && (memberShape.flattened || member.flattened)
            if flattened, let elementName = memberShape.member?.locationName { key = elementName }
            guard let nodes = byName[key], let first = nodes.first else { continue }
            if flattened, let element = memberShape.member {
                let elementShape = try lookup(element.shape)
                result[member.name] = .list(try nodes.map { try value(fromXML: $0, shape: elementShape) })
            } else if memberShape.type == .map, memberShape.flattened || member.flattened {
                result[member.name] = try map(fromXMLEntries: nodes, shape: memberShape)
            } else {
                result[member.name] = try value(fromXML: first, shape: memberShape)
            }
        }
        return .map(result)
    }

    private func value(fromXML node: XMLTreeNode, shape: ShapeModel) throws -> AWSDocument {
        switch shape.type {
        case .structure:
            return try structure(fromXML: node, shape: shape)
        case .list:
            guard let element = shape.member else { return .list([]) }
            let elementShape = try lookup(element.shape)
            let elementName = element.locationName ?? "member"
            return .list(try node.children.filter { $0.name == elementName }.map {
                try value(fromXML: $0, shape: elementShape)
            })
        case .map:
            return try map(fromXMLEntries: node.children.filter { $0.name == "entry" }, shape: shape)
        default:
            return scalar(fromText: node.text, shape: shape)
        }
    }

    private func map(fromXMLEntries entries: [XMLTreeNode], shape: ShapeModel) throws -> AWSDocument {
        guard let keyMember = shape.key, let valueMember = shape.value else { return .map([:]) }
        let valueShape = try lookup(valueMember.shape)
        var result: [String: AWSDocument] = [:]
        for entry in entries {
            guard let key = entry.child(keyMember.locationName ?? "key")?.text else { continue }
            if let valueNode = entry.child(valueMember.locationName ?? "value") {
                result[key] = try value(fromXML: valueNode, shape: valueShape)
            }
        }
        return .map(result)
    }

    // MARK: JSON

    func structure(fromJSON any: Any, shape: ShapeModel) throws -> AWSDocument {
        if shape.document { return free(any) }
        guard let object = any as? [String: Any] else {
            if any is NSNull { return .null }
            throw malformed("expected a JSON object for \(shape.name)")
        }
        var result: [String: AWSDocument] = [:]
        for member in shape.members where member.location == nil {
            guard let child = object[member.wireName], !(child is NSNull) else { continue }
            result[member.name] = try value(fromJSON: child, shape: lookup(member.shape))
        }
        return .map(result)
    }

    private func value(fromJSON any: Any, shape: ShapeModel) throws -> AWSDocument {
        if any is NSNull { return .null }
        switch shape.type {
        case .structure:
            return try structure(fromJSON: any, shape: shape)
        case .list:
            guard let items = any as? [Any], let element = shape.member else {
                throw malformed("expected a JSON array for \(shape.name)")
            }
            let elementShape = try lookup(element.shape)
            return .list(try items.map { try value(fromJSON: $0, shape: elementShape) })
        case .map:
            guard let object = any as? [String: Any], let valueMember = shape.value else {
                throw malformed("expected a JSON object for \(shape.name)")
            }
            let valueShape = try lookup(valueMember.shape)
            var result: [String: AWSDocument] = [:]
            for (key, item) in object { result[key] = try value(fromJSON: item, shape: valueShape) }
            return .map(result)
        case .string:
            if let text = any as? String { return .string(text) }
            return .string(String(describing: any))
        case .boolean:
            if let number = any as? NSNumber { return .bool(number.boolValue) }
            if let text = any as? String { return .bool(text == "true") }
            throw malformed("expected a boolean for \(shape.name)")
        case .integer, .long:
            if let number = any as? NSNumber { return .integer(number.int64Value) }
            if let text = any as? String, let number = Int64(text) { return .integer(number) }
            throw malformed("expected an integer for \(shape.name)")
        case .double, .float:
            if let number = any as? NSNumber { return .double(number.doubleValue) }
            if let text = any as? String, let number = Double(text) { return .double(number) }
            throw malformed("expected a number for \(shape.name)")
        case .timestamp:
            if let number = any as? NSNumber { return .timestamp(Date(timeIntervalSince1970: number.doubleValue)) }
            if let text = any as? String, let date = TimestampCoding.parse(text) { return .timestamp(date) }
            throw malformed("expected a timestamp for \(shape.name)")
        case .blob:
            guard let text = any as? String else { throw malformed("expected base64 text for \(shape.name)") }
            return .blob(Data(base64Encoded: text).map { Array($0) } ?? Array(text.utf8))
        }
    }

    /// JSON with no shape to guide it (documents, JSON-valued headers).
    func free(_ any: Any) -> AWSDocument {
        switch any {
        case is NSNull: return .null
        case let text as String: return .string(text)
        case let items as [Any]: return .list(items.map(free))
        case let object as [String: Any]: return .map(object.mapValues(free))
        case let number as NSNumber:
            if Self.isBoolean(number) { return .bool(number.boolValue) }
            let double = number.doubleValue
            if double == double.rounded(), abs(double) < 9e15 { return .integer(number.int64Value) }
            return .double(double)
        default: return .string(String(describing: any))
        }
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        #if canImport(Darwin)
        return CFGetTypeID(number) == CFBooleanGetTypeID()
        #else
        return number === NSNumber(value: true) || number === NSNumber(value: false)
            || String(cString: number.objCType) == "c" || String(cString: number.objCType) == "B"
        #endif
    }

    // MARK: Scalars

    func scalar(fromText text: String, shape: ShapeModel) -> AWSDocument {
        switch shape.type {
        case .integer, .long:
            if let number = Int64(text.trimmingCharacters(in: .whitespaces)) { return .integer(number) }
        case .double, .float:
            if let number = Double(text.trimmingCharacters(in: .whitespaces)) { return .double(number) }
        case .boolean:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed == "true" { return .bool(true) }
            if trimmed == "false" { return .bool(false) }
        case .timestamp:
            if let date = TimestampCoding.parse(text) { return .timestamp(date) }
        case .blob:
            if let data = Data(base64Encoded: text) { return .blob(Array(data)) }
            return .blob(Array(text.utf8))
        case .string, .structure, .list, .map:
            break
        }
        return .string(text)
    }
}

/// The first bytes of a body, for error messages about bodies we could not read.
func snippet(_ body: [UInt8], limit: Int = 200) -> String {
    let text = String(decoding: body.prefix(limit), as: UTF8.self)
        .replacingOccurrences(of: "\n", with: " ")
        .trimmingCharacters(in: .whitespaces)
    return body.count > limit ? text + "…" : text
}
