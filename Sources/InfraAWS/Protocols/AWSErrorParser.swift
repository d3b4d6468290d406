import Foundation

/// Reads an error response in whatever format the service (or emulator) chose: XML
/// `<ErrorResponse><Error>`, EC2's `<Response><Errors><Error>`, S3's bare `<Error>`, JSON
/// `__type`/`code` (namespace before `#` dropped), REST-JSON's `x-amzn-ErrorType` header, XML
/// errors from JSON services (moto's auth errors), and empty bodies (code from the status).
public enum AWSErrorParser {
    public static func parse(_ response: AWSHTTPResponse, service: String, operation: String) -> AWSError {
        var code: String?
        var message = ""
        var requestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")

        if let header = response.header("x-amzn-ErrorType"), !header.isEmpty {
            code = sanitize(header)
        }
        let first = response.body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if first == UInt8(ascii: "<"), let root = XMLTreeNode.parse(response.body), root.name != "html" {
            let error = root.first(named: "Error")
            if let errorCode = error?.child("Code")?.text, !errorCode.isEmpty {
                code = code ?? sanitize(errorCode)
            }
            message = error?.child("Message")?.text ?? error?.child("message")?.text ?? ""
            requestID = requestID ?? root.first(named: "RequestId")?.text ?? root.first(named: "RequestID")?.text
        } else if first == UInt8(ascii: "{"),
                  let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        {
            let bodyCode = (object["__type"] as? String) ?? (object["code"] as? String) ?? (object["Code"] as? String)
            if let bodyCode, !bodyCode.isEmpty { code = code ?? sanitize(bodyCode) }
            message = (object["message"] as? String) ?? (object["Message"] as? String)
                ?? (object["errorMessage"] as? String) ?? ""
        } else if !AWSResponseParser.isBlank(response.body) {
            message = "the service answered HTTP \(response.status) with a body that is not an AWS error "
                + "(an operation or filter the endpoint does not implement?): " + snippet(response.body)
        }
        return AWSError(service: service, operation: operation, code: code ?? codeForStatus(response.status),
                        message: message, requestID: requestID, statusCode: response.status,
                        serverDate: response.header("Date"))
    }

    /// `com.amazon.coral#ThrottlingException` → `ThrottlingException`;
    /// `ResourceNotFoundException:http://internal.amazon.com/` → `ResourceNotFoundException`.
    static func sanitize(_ raw: String) -> String {
        var code = Substring(raw.trimmingCharacters(in: .whitespaces))
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code)
    }

    /// What an error with no body is called (HEAD requests): `NotFound`, `Forbidden`, ...
    public static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 301: return "MovedPermanently"
        case 304: return "NotModified"
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 413: return "RequestEntityTooLarge"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 501: return "NotImplemented"
        case 502: return "BadGateway"
        case 503: return "ServiceUnavailable"
        case 504: return "GatewayTimeout"
        default: return "HTTP\(status)"
        }
    }

    /// Error codes that mean the credentials (not the request) were rejected: the client names
    /// the credentials in use when it sees one.
    public static let authenticationCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidSignatureException", "InvalidClientTokenId", "AuthFailure",
        "InvalidAccessKeyId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
        "InvalidToken", "IncompleteSignature", "MissingAuthenticationToken", "AccessDenied",
        "AccessDeniedException",
    ]
}
