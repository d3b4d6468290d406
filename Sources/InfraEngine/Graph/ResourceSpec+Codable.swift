// Codable conformances of the DSL-facing contract types, written by hand because Swift
// synthesizes conformances only in the file declaring the type. Values inside use whichever
// ``ValueCodingForm`` the coder asks for (the plan file uses `.plan`).

extension ResourceSpec: Codable {
    private enum Keys: String, CodingKey {
        case address, attributes, dependsOn, lifecycle, annotations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            address: try c.decode(ResourceAddress.self, forKey: .address),
            attributes: try c.decode([String: Value].self, forKey: .attributes),
            dependsOn: Set(try c.decodeIfPresent([ResourceAddress].self, forKey: .dependsOn) ?? []),
            lifecycle: try c.decodeIfPresent(Lifecycle.self, forKey: .lifecycle) ?? Lifecycle(),
            annotations: try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(address, forKey: .address)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(explicitDependencies.sorted(), forKey: .dependsOn)
        try c.encode(lifecycle, forKey: .lifecycle)
        try c.encode(annotations, forKey: .annotations)
    }
}

extension OutputSpec: Codable {
    private enum Keys: String, CodingKey {
        case name, value, sensitive, description
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            value: try c.decode(Value.self, forKey: .value),
            sensitive: try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false,
            description: try c.decodeIfPresent(String.self, forKey: .description))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
        try c.encode(sensitive, forKey: .sensitive)
        try c.encodeIfPresent(description, forKey: .description)
    }
}

extension Configuration: Codable {
    private enum Keys: String, CodingKey {
        case stack, environment, resources, outputs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            stack: try c.decode(String.self, forKey: .stack),
            environment: try c.decode(String.self, forKey: .environment),
            resources: try c.decode([ResourceSpec].self, forKey: .resources),
            outputs: try c.decodeIfPresent([OutputSpec].self, forKey: .outputs) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(stack, forKey: .stack)
        try c.encode(environment, forKey: .environment)
        try c.encode(resources, forKey: .resources)
        try c.encode(outputs, forKey: .outputs)
    }
}
