import InfraEngine

extension InMemoryCloud {
    /// A generic type: `name` required; `fixed` and `link` force replacement; `size` and `peer`
    /// change in place; `secret` is sensitive; `id`, `arn` computed; `zone` optional-computed.
    public static func genericSchema(type: String) -> ResourceSchema {
        ResourceSchema(type: type, attributes: [
            "name": .required,
            "fixed": AttributeSchema(.optional, forcesReplacement: true, replaceReason: "fixed at creation"),
            "link": .optionalForceNew,
            "size": .optional,
            "peer": .optional,
            "tags": .optional,
            "secret": AttributeSchema(.optional, sensitive: true),
            "zone": .optionalComputed,
            "id": .computed,
            "arn": .computed,
        ])
    }

    /// A network-like set: `mem_network` (cidr_block forces replacement), `mem_subnet`
    /// (in a network), `mem_server` (in a subnet), plus generic `mem_thing_a/b/c`.
    public static let standardSchemas: [ResourceSchema] = [
        ResourceSchema(type: "mem_network", attributes: [
            "cidr_block": .requiredForceNew,
            "name": .optional,
            "description": .optional,
            "id": .computed,
            "arn": .computed,
        ]),
        ResourceSchema(type: "mem_subnet", attributes: [
            "network_id": .requiredForceNew,
            "cidr_block": .requiredForceNew,
            "tags": .optional,
            "zone": .optionalComputed,
            "id": .computed,
        ]),
        ResourceSchema(type: "mem_server", attributes: [
            "name": .required,
            "subnet_id": .optionalForceNew,
            "size": .optional,
            "image": AttributeSchema(.optional, forcesReplacement: true, replaceReason: "the image is fixed at launch"),
            "password": AttributeSchema(.optional, sensitive: true),
            "id": .computed,
            "endpoint": .computed,
        ]),
        genericSchema(type: "mem_thing_a"),
        genericSchema(type: "mem_thing_b"),
        genericSchema(type: "mem_thing_c"),
    ]
}
