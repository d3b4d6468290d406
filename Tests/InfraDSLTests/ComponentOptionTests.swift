import InfraDSL
import InfraEngine
import XCTest

/// Options the reference systems need from the components: a Kubernetes API that answers only
/// inside the VPC, and Memcached encrypted in transit.
final class ComponentOptionTests: XCTestCase {
    func testKubernetesAPIIsPublicUnlessToldOtherwise() throws {
        for (publicAccess, expected) in [(nil as Bool?, true), (false, false), (true, true)] {
            let config = try Fixture.build {
                let net = Network("main", cidr: "10.0.0.0/16", zones: 2, nat: .shared)
                net
                if let publicAccess {
                    KubernetesCluster("apps", version: "1.31", subnets: net.privateSubnets, endpointPublicAccess: publicAccess)
                } else {
                    KubernetesCluster("apps", version: "1.31", subnets: net.privateSubnets)
                }
            }
            let vpcConfig = try XCTUnwrap(config.resource("aws_eks_cluster.apps").attributes["vpc_config"]?.listValue?.first?.mapValue)
            XCTAssertEqual(vpcConfig["endpoint_public_access"], .bool(expected), "\(String(describing: publicAccess))")
            XCTAssertEqual(vpcConfig["endpoint_private_access"], .bool(true))
        }
    }

    func testMemcachedIsEncryptedInTransit() throws {
        let config = try Fixture.build {
            let net = Network("main", cidr: "10.0.0.0/16", zones: 2, nat: .none)
            net
            MemcachedCache("sessions", size: CacheSize(nodeType: "cache.t4g.small", nodes: 1), subnets: net.databaseSubnets)
        }
        XCTAssertEqual(try config.resource("aws_elasticache_cluster.sessions").attributes["transit_encryption_enabled"], .bool(true))
    }
}
