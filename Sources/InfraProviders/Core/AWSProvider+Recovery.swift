import InfraAWS
import InfraEngine

extension AWSProvider {
    /// `handler.create`, made safe against lost responses: after an ``AmbiguousCallError`` the
    /// object is looked up by its `infra:token` tag (or unique name). Found, it is brought to
    /// the desired attributes with an in-place update (the create may have broken between its
    /// own calls, e.g. after CreateVpc and before ModifyVpcAttribute); not found, the create is
    /// tried again, at most `attempts` times in all.
    func createRecovering(_ request: CreateRequest, with handler: any AWSResourceHandler, attempts: Int = 3)
        async throws -> ObservedResource
    {
        var attempt = 1
        while true {
            do {
                return try await handler.create(request, in: context)
            } catch let error as AmbiguousCallError {
                request.progress("lost the answer to \(error.operation); looking for the object before retrying")
                if let found = try await handler.find(token: request.token, in: context) {
                    return try await complete(found, request: request, handler: handler)
                }
                guard attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }

    /// Updates `found` in place where it differs from the request on attributes that can be
    /// updated; attributes only a new object could change are left for the next plan to show.
    private func complete(_ found: ObservedResource, request: CreateRequest, handler: any AWSResourceHandler)
        async throws -> ObservedResource
    {
        let schema = handler.schema
        var changed: Set<String> = []
        for (name, want) in request.attributes where want.isWhollyKnown {
            guard let attribute = schema[name], attribute.presence != .computed, !attribute.forcesReplacement else {
                continue
            }
            if want.unmarked != (found.attributes[name]?.unmarked ?? .null) { changed.insert(name) }
        }
        guard !changed.isEmpty else { return found }
        return try await handler.update(
            UpdateRequest(address: request.address, id: found.id, prior: found.attributes,
                          attributes: request.attributes, changed: changed, progress: request.progress),
            in: context)
    }
}
