import Foundation
import InfraAWS
import InfraEngine
import XCTest

@testable import InfraProviders

/// A create whose answer was lost is found by its token before anything is created again.
final class CreateRecoveryTests: XCTestCase {
    /// A handler whose creates break after "reaching AWS" a scripted number of times; `find`
    /// sees what the broken creates made.
    final class LossyHandler: AWSResourceHandler, @unchecked Sendable {
        let type = "aws_vpc"
        var schema: ResourceSchema {
            ResourceSchema(type: type, attributes: [
                "cidr_block": AttributeSchema(.required, forcesReplacement: true),
                "enable_dns_hostnames": .optional,
                "arn": .computed,
            ])
        }
        private let lock = NSLock()
        private var failuresLeft: Int
        private let createLands: Bool
        private(set) var created: [ObservedResource] = []
        private(set) var creates = 0
        private(set) var updates: [Set<String>] = []

        init(failures: Int, createLands: Bool) {
            failuresLeft = failures
            self.createLands = createLands
        }

        func read(ids: [String], in context: ProviderContext) async throws -> [String: ObservedResource] { [:] }

        func create(_ request: CreateRequest, in context: ProviderContext) async throws -> ObservedResource {
            try lock.withLock {
                creates += 1
                // The object exists without its second step (DNS hostnames) when the answer is lost.
                let object = ObservedResource(
                    id: "vpc-\(created.count + 1)",
                    attributes: ["cidr_block": request.attributes["cidr_block"] ?? .null, "enable_dns_hostnames": false])
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    if createLands { created.append(object) }
                    throw AmbiguousCallError(
                        service: "EC2", operation: "CreateVpc",
                        underlying: TransportError(kind: .connectionClosed, host: "127.0.0.1", mayHaveReachedServer: true,
                                                   detail: "reset"))
                }
                var complete = object
                complete.attributes["enable_dns_hostnames"] = request.attributes["enable_dns_hostnames"]
                created.append(complete)
                return complete
            }
        }

        func update(_ request: UpdateRequest, in context: ProviderContext) async throws -> ObservedResource {
            lock.withLock { updates.append(request.changed) }
            return ObservedResource(id: request.id, attributes: request.attributes)
        }

        func delete(id: String, attributes: [String: Value], in context: ProviderContext) async throws {}

        func find(token: String, in context: ProviderContext) async throws -> ObservedResource? {
            lock.withLock { created.first }
        }
    }

    private func provider(_ handler: LossyHandler) -> AWSProvider {
        // The handler never calls AWS; the client is only there because the context needs one.
        let client = AWSClient(
            region: "us-east-1",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s", source: "test")),
            endpoints: AWSEndpointResolver(environment: [:]), transport: HTTPTransport.shared)
        return AWSProvider(context: ProviderContext(client: client, region: "us-east-1"), handlers: [handler])
    }

    private let request = CreateRequest(
        address: ResourceAddress(type: "aws_vpc", name: "main"),
        attributes: ["cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true], token: "tok")

    func testALostCreateThatLandedIsFoundAndCompletedNotRepeated() async throws {
        let handler = LossyHandler(failures: 1, createLands: true)
        let object = try await provider(handler).create(request)
        XCTAssertEqual(handler.creates, 1, "the create that landed is not repeated")
        XCTAssertEqual(handler.created.count, 1)
        XCTAssertEqual(object.id, "vpc-1")
        XCTAssertEqual(handler.updates, [["enable_dns_hostnames"]], "the step the broken create missed is done in place")
        XCTAssertEqual(object.attributes["enable_dns_hostnames"], true)
    }

    func testALostCreateThatDidNotLandIsTriedAgain() async throws {
        let handler = LossyHandler(failures: 1, createLands: false)
        let object = try await provider(handler).create(request)
        XCTAssertEqual(handler.creates, 2)
        XCTAssertEqual(handler.created.map(\.id), ["vpc-1"])
        XCTAssertEqual(object.id, "vpc-1")
        XCTAssertEqual(handler.updates, [])
    }

    func testGivesUpAfterThreeLostCreatesThatLeftNothing() async throws {
        let handler = LossyHandler(failures: 5, createLands: false)
        do {
            _ = try await provider(handler).create(request)
            XCTFail("expected the ambiguous error after three attempts")
        } catch is AmbiguousCallError {
            XCTAssertEqual(handler.creates, 3)
        }
    }
}
