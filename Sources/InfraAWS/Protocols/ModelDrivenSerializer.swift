/// A serializer that walks an operation's input shape: the shape lookups and input errors all
/// four protocols share.
protocol ModelDrivenSerializer {
    var model: ServiceModel { get }
    var operation: OperationModel { get }
}

extension ModelDrivenSerializer {
    func lookup(_ name: String, _ path: String) throws -> ShapeModel {
        guard let shape = model.shape(name) else {
            throw AWSProtocolError(.invalidInput, service: model.metadata.name, operation: operation.name,
                                   path: path, reason: "the model has no shape \(name)")
        }
        return shape
    }

    func invalid(_ path: String, _ reason: String) -> AWSProtocolError {
        AWSProtocolError(.invalidInput, service: model.metadata.name, operation: operation.name, path: path,
                         reason: reason)
    }
}
