import Crypto
import Foundation

/// Turns an operation's input into an HTTP request, following the service's protocol.
///
/// I/O free: the result has the method, the path (percent-encoded, relative to the endpoint),
/// query, headers and body, but an empty `host`; the client fills in the endpoint and signs it.
public enum AWSRequestSerializer {
    /// Serializes `input` (keys are the model's member names) for `operationName` of `model`.
    public static func serialize(_ input: AWSDocument, operation operationName: String,
                                 model: ServiceModel) throws -> AWSHTTPRequest
    {
        let operation = try model.operation(operationName)
        let meta = model.metadata
        switch meta.protocol {
        case .query, .ec2:
            let pairs = try QuerySerializer(model: model, operation: operation).pairs(input)
            return AWSHTTPRequest(
                method: "POST", host: "", path: "/",
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: Array(formBody(pairs).utf8))
        case .json:
            var body = "{}"
            if let shape = operation.input {
                body = try JSONBodySerializer(model: model, operation: operation)
                    .body(input, shapeName: shape, bodyMembersOnly: false)
            }
            var headers: [(name: String, value: String)] = [
                ("Content-Type", "application/x-amz-json-\(meta.jsonVersion ?? "1.0")"),
            ]
            if let prefix = meta.targetPrefix { headers.append(("X-Amz-Target", "\(prefix).\(operation.name)")) }
            return AWSHTTPRequest(method: "POST", host: "", path: "/", headers: headers, body: Array(body.utf8))
        case .restJSON, .restXML:
            return try RESTSerializer(model: model, operation: operation).request(input)
        }
    }
}

/// `application/x-www-form-urlencoded` from ordered pairs, byte for byte as botocore writes it
/// (Python's `urlencode`): unreserved characters kept, space as `+`, the rest `%XX`.
///
/// AWS hashes the body as sent, so `%20` would do there; moto re-encodes the parsed form before
/// checking the signature, so anything but botocore's spelling fails with SignatureDoesNotMatch.
func formBody(_ pairs: [(String, String)]) -> String {
    pairs.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
}

private func formEncode(_ text: String) -> String {
    AWSPercentEncoding.encode(text).replacingOccurrences(of: "%20", with: "+")
}

extension ServiceModel {
    /// The operation called `name`, or an error naming what infra ships for the service.
    public func operation(_ name: String) throws -> OperationModel {
        guard let operation = operations[name] else {
            throw AWSProtocolError(.unknownOperation, service: metadata.name, operation: name,
                                   reason: "not in infra's \(metadata.name) model (add it to "
                                       + "scripts/generate-aws-models.py); known: "
                                       + operations.keys.sorted().joined(separator: ", "))
        }
        return operation
    }
}

/// REST-JSON and REST-XML: URI labels, query string, headers, and a JSON or XML (or raw) body.
struct RESTSerializer: ModelDrivenSerializer {
    let model: ServiceModel
    let operation: OperationModel

    func request(_ input: AWSDocument) throws -> AWSHTTPRequest {
        let template = operation.requestURI.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(name: String, value: String)] = []
        if template.count == 2 {
            for item in template[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(pair[0]), pair.count == 2 ? String(pair[1]) : ""))
            }
        }
        var request = AWSHTTPRequest(method: operation.httpMethod, host: "", path: String(template[0]))
        guard let inputName = operation.input else { return request }
        let shape = try lookup(inputName, "")
        let fields: [String: AWSDocument]
        switch input {
        case .map(let map): fields = map
        case .null: fields = [:]
        default: throw invalid("", "expected a structure (\(inputName)), got \(input)")
        }
        for key in fields.keys where shape.member(named: key) == nil {
            throw AWSProtocolError(.unknownMember, service: model.metadata.name, operation: operation.name,
                                   path: key, reason: "\(shape.name) has no member \(key); members: "
                                       + shape.members.map(\.name).joined(separator: ", "))
        }
        request.path = try expandLabels(String(template[0]), shape: shape, fields: fields)

        var bodyFields: [String: AWSDocument] = [:]
        for member in shape.members {
            let value = fields[member.name] ?? .null
            switch member.location {
            case .uri, .statusCode:
                continue
            case .querystring:
                if !value.isNull { try addQuery(value, member: member, into: &query) }
            case .header:
                if !value.isNull { request.headers.append((member.wireName, try headerText(value, member: member))) }
            case .headers:
                guard case .map(let map) = value else { continue }
                for key in map.keys.sorted() {
                    if let text = map[key]?.string { request.headers.append((member.wireName + key, text)) }
                }
            case nil:
                if !value.isNull { bodyFields[member.name] = value }
            }
        }
        request.query = query
        request.body = try body(shape: shape, fields: fields, bodyFields: bodyFields, request: &request)
        if operation.checksumRequired, request.header("Content-MD5") == nil {
            request.headers.append(("Content-MD5", Data(Insecure.MD5.hash(data: request.body)).base64EncodedString()))
        }
        return request
    }

    private func expandLabels(_ template: String, shape: ShapeModel, fields: [String: AWSDocument]) throws -> String {
        var path = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            path += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            var label = String(rest[rest.index(after: open)..<close])
            let greedy = label.hasSuffix("+")
            if greedy { label.removeLast() }
            guard let member = shape.members.first(where: { $0.location == .uri && $0.wireName == label }),
                  let value = fields[member.name]?.string, !value.isEmpty
            else {
                throw AWSProtocolError(.missingURILabel, service: model.metadata.name, operation: operation.name,
                                       path: label, reason: "\(label) is required (it is part of the URL)")
            }
            path += AWSPercentEncoding.encode(value, keepSlash: greedy)
            rest = rest[rest.index(after: close)...]
        }
        path += rest
        return path
    }

    private func addQuery(_ value: AWSDocument, member: MemberModel, into query: inout [(name: String, value: String)])
        throws
    {
        let shape = try lookup(member.shape, member.name)
        switch shape.type {
        case .list:
            guard case .list(let items) = value, let element = shape.member else {
                throw invalid(member.name, "expected a list (\(shape.name)), got \(value)")
            }
            let elementShape = try lookup(element.shape, member.name)
            for item in items {
                query.append((member.wireName, try scalar(item, shape: elementShape, member: element,
                                                          timestamp: "iso8601", path: member.name)))
            }
        case .map:
            guard case .map(let map) = value, let valueMember = shape.value else {
                throw invalid(member.name, "expected a map (\(shape.name)), got \(value)")
            }
            let valueShape = try lookup(valueMember.shape, member.name)
            for key in map.keys.sorted() {
                let item = map[key] ?? .null
                if case .list(let items) = item, let element = valueShape.member {
                    let elementShape = try lookup(element.shape, member.name)
                    for entry in items {
                        query.append((key, try scalar(entry, shape: elementShape, member: element,
                                                      timestamp: "iso8601", path: member.name)))
                    }
                } else {
                    query.append((key, try scalar(item, shape: valueShape, member: valueMember,
                                                  timestamp: "iso8601", path: member.name)))
                }
            }
        default:
            query.append((member.wireName, try scalar(value, shape: shape, member: member, timestamp: "iso8601",
                                                      path: member.name)))
        }
    }

    private func headerText(_ value: AWSDocument, member: MemberModel) throws -> String {
        let shape = try lookup(member.shape, member.name)
        if member.jsonValue {
            var json = ""
            JSONBodySerializer.writeFree(value, into: &json)
            return Data(json.utf8).base64EncodedString()
        }
        if shape.type == .list, case .list(let items) = value, let element = shape.member {
            let elementShape = try lookup(element.shape, member.name)
            return try items.map {
                try scalar($0, shape: elementShape, member: element, timestamp: "rfc822", path: member.name)
            }.joined(separator: ",")
        }
        return try scalar(value, shape: shape, member: member, timestamp: "rfc822", path: member.name)
    }

    private func body(shape: ShapeModel, fields: [String: AWSDocument], bodyFields: [String: AWSDocument],
                      request: inout AWSHTTPRequest) throws -> [UInt8]
    {
        let isJSON = model.metadata.protocol == .restJSON
        if let payloadName = shape.payload, let payloadMember = shape.member(named: payloadName) {
            guard let value = fields[payloadName], !value.isNull else { return [] }
            let payloadShape = try lookup(payloadMember.shape, payloadName)
            switch payloadShape.type {
            case .blob, .string:
                guard let bytes = value.bytes else {
                    throw invalid(payloadName, "expected bytes or a string for the body, got \(value)")
                }
                return bytes
            default:
                if isJSON {
                    setContentType(&request, "application/json")
                    return Array(try JSONBodySerializer(model: model, operation: operation)
                        .body(value, shapeName: payloadShape.name, bodyMembersOnly: false).utf8)
                }
                return Array(try XMLBodySerializer(model: model, operation: operation)
                    .document(value, member: payloadMember).utf8)
            }
        }
        let hasBodyMembers = shape.members.contains { $0.location == nil }
        guard hasBodyMembers else { return [] }
        if isJSON {
            setContentType(&request, "application/json")
            return Array(try JSONBodySerializer(model: model, operation: operation)
                .body(.map(bodyFields), shapeName: shape.name, bodyMembersOnly: true).utf8)
        }
        if bodyFields.isEmpty { return [] }
        let root = MemberModel(shape.locationName ?? shape.name, shape.name, xmlNamespace: shape.xmlNamespace)
        return Array(try XMLBodySerializer(model: model, operation: operation).document(.map(bodyFields), member: root)
            .utf8)
    }

    private func setContentType(_ request: inout AWSHTTPRequest, _ value: String) {
        if request.header("Content-Type") == nil { request.headers.append(("Content-Type", value)) }
    }

    private func scalar(_ value: AWSDocument, shape: ShapeModel, member: MemberModel, timestamp: String,
                        path: String) throws -> String
    {
        try ScalarText.text(value, shape: shape, member: member, fallbackTimestamp: timestamp,
                            error: { invalid(path, $0) })
    }

}
