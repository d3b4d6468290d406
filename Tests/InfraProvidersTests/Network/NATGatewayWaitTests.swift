import Foundation
import InfraAWS
import InfraEngine
import InfraProviders
import InfraTestSupport
import XCTest

/// moto makes NAT gateways available (and deleted) at once, so the waiter is tested by
/// rewriting the first answers of DescribeNatGateways to the states real AWS goes through.
final class NATGatewayWaitTests: XCTestCase {
    /// Forwards to moto; the first `remaining` DescribeNatGateways answers show `to` instead of `from`.
    final class StateRewriter: AWSHTTPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var remaining: Int
        private var describes = 0
        let from: String, to: String

        init(from: String, to: String, times: Int) {
            self.from = from
            self.to = to
            remaining = times
        }

        var describeCount: Int { lock.withLock { describes } }

        func send(_ request: AWSHTTPRequest, deadline: ContinuousClock.Instant?) async throws -> AWSHTTPResponse {
            var response = try await HTTPTransport.shared.send(request, deadline: deadline)
            guard String(decoding: request.body, as: UTF8.self).contains("Action=DescribeNatGateways") else { return response }
            let rewrite = lock.withLock { () -> Bool in
                describes += 1
                guard remaining > 0 else { return false }
                remaining -= 1
                return true
            }
            if rewrite {
                let body = String(decoding: response.body, as: UTF8.self)
                    .replacingOccurrences(of: "<state>\(from)</state>", with: "<state>\(to)</state>")
                response.body = Array(body.utf8)
            }
            return response
        }
    }

    private func context(_ server: MotoServer, _ transport: any AWSHTTPTransport) -> ProviderContext {
        ProviderContext(client: server.client(transport: transport), region: "us-east-1",
                        waitPolicy: WaitPolicy(initialDelay: 0.001, maxDelay: 0.005, multiplier: 2, timeout: 30))
    }

    func testCreateWaitsUntilAvailableAndDeleteUntilDeleted() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let client = server.client()
        let vpc = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])["Vpc"]["VpcId"]
        let subnet = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": "10.0.1.0/24"])["Subnet"]["SubnetId"]
        let allocation = try await client.call(.ec2, "AllocateAddress", ["Domain": "vpc"])["AllocationId"]

        let pending = StateRewriter(from: "available", to: "pending", times: 3)
        let messages = Messages()
        let handler = NATGatewayHandler()
        let created = try await handler.create(CreateRequest(
            address: try ResourceAddress(parsing: "aws_nat_gateway.a"),
            attributes: ["subnet_id": .string(subnet.string ?? ""), "allocation_id": .string(allocation.string ?? ""),
                         "connectivity_type": "public"],
            token: "tok-nat-wait", progress: { messages.append($0) }), in: context(server, pending))
        XCTAssertEqual(created.attributes["subnet_id"], .string(subnet.string ?? ""))
        XCTAssertGreaterThanOrEqual(pending.describeCount, 4, "polled through three pending answers")
        XCTAssertEqual(messages.all.count, 3, "one progress report per pending poll: \(messages.all)")
        XCTAssertTrue(messages.all.allSatisfy { $0.contains("pending") && $0.contains(created.id) }, "\(messages.all)")

        let deleting = StateRewriter(from: "deleted", to: "deleting", times: 2)
        try await handler.delete(id: created.id, attributes: created.attributes, in: context(server, deleting))
        XCTAssertEqual(deleting.describeCount, 3, "polled until the state was deleted")
        let after = try await handler.read(ids: [created.id], in: context(server, HTTPTransport.shared))
        XCTAssertTrue(after.isEmpty)
    }

    func testAFailedGatewayEndsTheWaitWithItsReason() async throws {
        let server = try await MotoServer.shared()
        try await server.reset()
        let client = server.client()
        let vpc = try await client.call(.ec2, "CreateVpc", ["CidrBlock": "10.0.0.0/16"])["Vpc"]["VpcId"]
        let subnet = try await client.call(.ec2, "CreateSubnet", ["VpcId": vpc, "CidrBlock": "10.0.1.0/24"])["Subnet"]["SubnetId"]
        let allocation = try await client.call(.ec2, "AllocateAddress", ["Domain": "vpc"])["AllocationId"]
        let failing = StateRewriter(from: "available", to: "failed", times: 10)
        do {
            _ = try await NATGatewayHandler().create(CreateRequest(
                address: try ResourceAddress(parsing: "aws_nat_gateway.a"),
                attributes: ["subnet_id": .string(subnet.string ?? ""), "allocation_id": .string(allocation.string ?? "")],
                token: "tok-nat-fail"), in: context(server, failing))
            XCTFail("a failed NAT gateway must not be reported as created")
        } catch let error as WaitError {
            XCTAssertEqual(error.kind, .failedState)
            XCTAssertTrue(error.description.contains("NAT gateway"), error.description)
        }
    }
}

final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ message: String) { lock.withLock { items.append(message) } }
    var all: [String] { lock.withLock { items } }
}
