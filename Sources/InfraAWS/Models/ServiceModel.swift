/// The wire protocols AWS services speak; each has a serializer and a parser in `Protocols/`.
public enum AWSProtocol: String, Sendable, Hashable {
    /// EC2's dialect of the query protocol (capitalised names, `Name.1` lists, `item` wrappers).
    case ec2
    /// The query protocol (IAM, STS, RDS, ElastiCache): form body in, XML out.
    case query
    /// JSON 1.0/1.1 RPC (DynamoDB, Secrets Manager, ECS): `X-Amz-Target` names the operation.
    case json
    /// REST with JSON bodies (EKS): URI templates, headers, query strings.
    case restJSON = "rest-json"
    /// REST with XML bodies (S3).
    case restXML = "rest-xml"
}

/// What a service model says about the service as a whole.
public struct ServiceMetadata: Sendable, Hashable {
    /// botocore's name of the service (`ec2`, `secretsmanager`).
    public var name: String
    /// The service id (`EC2`, `Secrets Manager`): the base of `AWS_ENDPOINT_URL_<SERVICE>`.
    public var serviceID: String
    public var `protocol`: AWSProtocol
    public var apiVersion: String
    /// The service name in SigV4 credential scopes.
    public var signingName: String
    /// The first label of the service's default host name.
    public var endpointPrefix: String
    /// JSON protocol: the prefix of `X-Amz-Target`.
    public var targetPrefix: String?
    /// JSON protocol: `1.0` or `1.1`, giving `application/x-amz-json-<version>`.
    public var jsonVersion: String?
    /// XML namespace of query responses; REST-XML bodies carry their own.
    public var xmlNamespace: String?
    /// Set for services with one global endpoint (IAM, S3's legacy one).
    public var globalEndpoint: String?

    public init(name: String, serviceID: String, protocol: AWSProtocol, apiVersion: String, signingName: String,
                endpointPrefix: String, targetPrefix: String? = nil, jsonVersion: String? = nil,
                xmlNamespace: String? = nil, globalEndpoint: String? = nil)
    {
        self.name = name
        self.serviceID = serviceID
        self.protocol = `protocol`
        self.apiVersion = apiVersion
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.xmlNamespace = xmlNamespace
        self.globalEndpoint = globalEndpoint
    }
}

/// How an operation pages: which input members carry the tokens of the next page, which output
/// members hold them, and which output lists the pages add up.
public struct PaginatorModel: Sendable, Hashable {
    public var inputTokens: [String]
    /// Output expressions, as in botocore: member names, dotted paths, `A || B`, `List[-1].Key`.
    public var outputTokens: [String]
    public var resultKeys: [String]
    public var limitKey: String?
    /// A boolean output member saying whether more pages follow (`IsTruncated`).
    public var moreResults: String?

    public init(inputTokens: [String], outputTokens: [String], resultKeys: [String], limitKey: String? = nil,
                moreResults: String? = nil)
    {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.resultKeys = resultKeys
        self.limitKey = limitKey
        self.moreResults = moreResults
    }
}

/// One API operation as the model describes it.
public struct OperationModel: Sendable, Hashable {
    public var name: String
    public var httpMethod: String
    /// The request URI template (`/{Bucket}/{Key+}`, `/clusters/{name}`), possibly with a fixed
    /// query part (`/{Bucket}?versioning`).
    public var requestURI: String
    public var input: String?
    public var output: String?
    /// Query protocol: the element that wraps the output (`DescribeDBInstancesResult`).
    public var resultWrapper: String?
    /// The request needs a `Content-MD5` (S3 bucket configuration calls).
    public var checksumRequired: Bool
    /// The operation is sent without a signature (STS AssumeRoleWithWebIdentity).
    public var unsigned: Bool
    public var paginator: PaginatorModel?

    public init(name: String, httpMethod: String, requestURI: String, input: String?, output: String?,
                resultWrapper: String?, checksumRequired: Bool, unsigned: Bool, paginator: PaginatorModel?)
    {
        self.name = name
        self.httpMethod = httpMethod
        self.requestURI = requestURI
        self.input = input
        self.output = output
        self.resultWrapper = resultWrapper
        self.checksumRequired = checksumRequired
        self.unsigned = unsigned
        self.paginator = paginator
    }
}

/// The kinds of shapes in AWS models. Enums are strings; unions are structures.
public enum ShapeType: String, Sendable, Hashable {
    case structure, list, map, string, integer, long, boolean, double, float, timestamp, blob
}

/// Where a member of an input or output structure travels.
public enum MemberLocation: String, Sendable, Hashable {
    case header, headers, uri, querystring, statusCode
}

/// A reference from a structure (or list, or map) to a shape, with the wire details of that use.
public struct MemberModel: Sendable, Hashable {
    /// The member's name in the model: the key in `AWSDocument` inputs and outputs.
    public var name: String
    public var shape: String
    public var location: MemberLocation?
    /// The name on the wire: header name, URI label, XML element, query key.
    public var locationName: String?
    /// EC2 protocol: the query key, overriding the capitalised `locationName`.
    public var queryName: String?
    public var flattened: Bool
    public var xmlNamespace: String?
    public var xmlAttribute: Bool
    public var timestampFormat: String?
    /// A unique token the client fills in when the caller leaves it out.
    public var idempotencyToken: Bool
    public var hostLabel: Bool
    /// A header carrying base64-encoded JSON.
    public var jsonValue: Bool

    public init(_ name: String, _ shape: String, location: MemberLocation? = nil, locationName: String? = nil,
                queryName: String? = nil, flattened: Bool = false, xmlNamespace: String? = nil,
                xmlAttribute: Bool = false, timestampFormat: String? = nil, idempotencyToken: Bool = false,
                hostLabel: Bool = false, jsonValue: Bool = false)
    {
        self.name = name
        self.shape = shape
        self.location = location
        self.locationName = locationName
        self.queryName = queryName
        self.flattened = flattened
        self.xmlNamespace = xmlNamespace
        self.xmlAttribute = xmlAttribute
        self.timestampFormat = timestampFormat
        self.idempotencyToken = idempotencyToken
        self.hostLabel = hostLabel
        self.jsonValue = jsonValue
    }

    /// The element or key name on the wire (`locationName`, else the member name).
    public var wireName: String { locationName ?? name }
}

/// A shape: a structure with members, a list, a map, or a scalar.
public struct ShapeModel: Sendable, Hashable {
    public var name: String
    public var type: ShapeType
    /// Structures: members in model order.
    public var members: [MemberModel]
    /// Structures: the member that is the whole HTTP body (REST protocols).
    public var payload: String?
    /// Lists: the element; maps: the key and value.
    public var member: MemberModel?
    public var key: MemberModel?
    public var value: MemberModel?
    public var flattened: Bool
    public var timestampFormat: String?
    public var xmlNamespace: String?
    /// Shape-level element name (rare; S3 payload structures).
    public var locationName: String?
    /// A free-form JSON document.
    public var document: Bool

    public init(name: String, type: ShapeType, members: [MemberModel] = [], payload: String? = nil,
                member: MemberModel? = nil, key: MemberModel? = nil, value: MemberModel? = nil,
                flattened: Bool = false, timestampFormat: String? = nil, xmlNamespace: String? = nil,
                locationName: String? = nil, document: Bool = false)
    {
        self.name = name
        self.type = type
        self.members = members
        self.payload = payload
        self.member = member
        self.key = key
        self.value = value
        self.flattened = flattened
        self.timestampFormat = timestampFormat
        self.xmlNamespace = xmlNamespace
        self.locationName = locationName
        self.document = document
    }

    /// The member called `name` in the model.
    public func member(named name: String) -> MemberModel? {
        members.first { $0.name == name }
    }
}

/// A service model: metadata, the operations infra uses, and the shapes they reach.
public struct ServiceModel: Sendable {
    public var metadata: ServiceMetadata
    public var operations: [String: OperationModel]
    public var shapes: [String: ShapeModel]

    public init(metadata: ServiceMetadata, operations: [String: OperationModel], shapes: [String: ShapeModel]) {
        self.metadata = metadata
        self.operations = operations
        self.shapes = shapes
    }

    public func shape(_ name: String) -> ShapeModel? { shapes[name] }

    /// Every service model infra ships.
    public static var all: [ServiceModel] {
        [.ec2, .iam, .sts, .rds, .elastiCache, .dynamoDB, .secretsManager, .ecs, .eks, .s3]
    }
}

/// Collects generated builder statements into a ``ServiceModel``.
///
/// Generated code calls one method per operation and per shape, which the compiler checks
/// quickly, instead of one literal per service.
public struct ServiceModelBuilder {
    private var metadata: ServiceMetadata
    private var operations: [String: OperationModel] = [:]
    private var shapes: [String: ShapeModel] = [:]

    public init(_ metadata: ServiceMetadata) {
        self.metadata = metadata
    }

    public mutating func operation(_ name: String, _ method: String, _ uri: String, input: String? = nil,
                                   output: String? = nil, resultWrapper: String? = nil,
                                   checksumRequired: Bool = false, unsigned: Bool = false,
                                   paginator: PaginatorModel? = nil)
    {
        operations[name] = OperationModel(
            name: name, httpMethod: method, requestURI: uri, input: input, output: output,
            resultWrapper: resultWrapper, checksumRequired: checksumRequired, unsigned: unsigned,
            paginator: paginator)
    }

    public mutating func structure(_ name: String, payload: String? = nil, document: Bool = false,
                                   flattened: Bool = false, timestampFormat: String? = nil,
                                   xmlNamespace: String? = nil, locationName: String? = nil,
                                   members: [MemberModel])
    {
        shapes[name] = ShapeModel(name: name, type: .structure, members: members, payload: payload,
                                  xmlNamespace: xmlNamespace, locationName: locationName, document: document)
    }

    public mutating func list(_ name: String, member: MemberModel, flattened: Bool = false,
                              timestampFormat: String? = nil, xmlNamespace: String? = nil,
                              locationName: String? = nil)
    {
        shapes[name] = ShapeModel(name: name, type: .list, member: member, flattened: flattened,
                                  xmlNamespace: xmlNamespace, locationName: locationName)
    }

    public mutating func map(_ name: String, key: MemberModel, value: MemberModel, flattened: Bool = false,
                             timestampFormat: String? = nil, xmlNamespace: String? = nil,
                             locationName: String? = nil)
    {
        shapes[name] = ShapeModel(name: name, type: .map, key: key, value: value, flattened: flattened,
                                  xmlNamespace: xmlNamespace, locationName: locationName)
    }

    public mutating func scalar(_ name: String, _ type: ShapeType, flattened: Bool = false,
                                timestampFormat: String? = nil, xmlNamespace: String? = nil,
                                locationName: String? = nil)
    {
        shapes[name] = ShapeModel(name: name, type: type, timestampFormat: timestampFormat,
                                  xmlNamespace: xmlNamespace, locationName: locationName)
    }

    public func build() -> ServiceModel {
        ServiceModel(metadata: metadata, operations: operations, shapes: shapes)
    }
}
