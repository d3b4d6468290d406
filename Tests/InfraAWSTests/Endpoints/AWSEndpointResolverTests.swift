import XCTest

@testable import InfraAWS

final class AWSEndpointResolverTests: XCTestCase {
    let plain = AWSEndpointResolver(environment: [:])

    func testRegionalServicesInTheAWSPartition() throws {
        let expectations: [(AWSService, String)] = [
            (.ec2, "ec2.eu-west-1.amazonaws.com"), (.sts, "sts.eu-west-1.amazonaws.com"),
            (.rds, "rds.eu-west-1.amazonaws.com"), (.elastiCache, "elasticache.eu-west-1.amazonaws.com"),
            (.dynamoDB, "dynamodb.eu-west-1.amazonaws.com"),
            (.secretsManager, "secretsmanager.eu-west-1.amazonaws.com"), (.ecs, "ecs.eu-west-1.amazonaws.com"),
            (.eks, "eks.eu-west-1.amazonaws.com"), (.s3, "s3.eu-west-1.amazonaws.com"),
        ]
        for (service, host) in expectations {
            let endpoint = try plain.resolve(service, region: "eu-west-1")
            XCTAssertEqual(endpoint.host, host, "\(service)")
            XCTAssertEqual(endpoint.scheme, "https")
            XCTAssertNil(endpoint.port)
            XCTAssertEqual(endpoint.basePath, "")
            XCTAssertEqual(endpoint.signingRegion, "eu-west-1", "\(service)")
            XCTAssertEqual(endpoint.signingName, service.signingName)
            XCTAssertNil(endpoint.overriddenBy)
            XCTAssertEqual(endpoint.url, "https://\(host)")
        }
    }

    func testChinaRegionsUseTheCNSuffix() throws {
        XCTAssertEqual(try plain.resolve(.ec2, region: "cn-north-1").host, "ec2.cn-north-1.amazonaws.com.cn")
        XCTAssertEqual(try plain.resolve(.sts, region: "cn-northwest-1").host, "sts.cn-northwest-1.amazonaws.com.cn")
        XCTAssertEqual(try plain.resolve(.s3, region: "cn-northwest-1").host, "s3.cn-northwest-1.amazonaws.com.cn")
        XCTAssertEqual(AWSPartition(region: "cn-north-1"), .china)
    }

    func testGovCloudRegionsUseTheirPartition() throws {
        XCTAssertEqual(AWSPartition(region: "us-gov-east-1"), .govCloud)
        XCTAssertEqual(AWSPartition(region: "us-east-1"), .aws)
        XCTAssertEqual(try plain.resolve(.rds, region: "us-gov-east-1").host, "rds.us-gov-east-1.amazonaws.com")
    }

    func testIAMIsGlobalPerPartition() throws {
        let aws = try plain.resolve(.iam, region: "eu-central-1")
        XCTAssertEqual(aws.host, "iam.amazonaws.com")
        XCTAssertEqual(aws.signingRegion, "us-east-1")
        XCTAssertEqual(aws.signingName, "iam")
        let china = try plain.resolve(.iam, region: "cn-northwest-1")
        XCTAssertEqual(china.host, "iam.cn-north-1.amazonaws.com.cn")
        XCTAssertEqual(china.signingRegion, "cn-north-1")
        let gov = try plain.resolve(.iam, region: "us-gov-east-1")
        XCTAssertEqual(gov.host, "iam.us-gov.amazonaws.com")
        XCTAssertEqual(gov.signingRegion, "us-gov-west-1")
    }

    func testSTSIsRegional() throws {
        let sts = try plain.resolve(.sts, region: "ap-southeast-2")
        XCTAssertEqual(sts.host, "sts.ap-southeast-2.amazonaws.com")
        XCTAssertEqual(sts.signingRegion, "ap-southeast-2")
    }

    func testServiceSpecificOverrideVariableNames() {
        XCTAssertEqual(AWSService.s3.endpointOverrideVariable, "AWS_ENDPOINT_URL_S3")
        XCTAssertEqual(AWSService.secretsManager.endpointOverrideVariable, "AWS_ENDPOINT_URL_SECRETS_MANAGER")
        XCTAssertEqual(AWSService.elastiCache.endpointOverrideVariable, "AWS_ENDPOINT_URL_ELASTICACHE")
        XCTAssertEqual(AWSService.eks.endpointOverrideVariable, "AWS_ENDPOINT_URL_EKS")
        XCTAssertEqual(AWSService.dynamoDB.endpointOverrideVariable, "AWS_ENDPOINT_URL_DYNAMODB")
        XCTAssertEqual(AWSService.iam.endpointOverrideVariable, "AWS_ENDPOINT_URL_IAM")
    }

    func testGlobalOverrideAppliesToEveryService() throws {
        let resolver = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"])
        for service in AWSService.all {
            let endpoint = try resolver.resolve(service, region: "eu-west-1")
            XCTAssertEqual(endpoint.scheme, "http")
            XCTAssertEqual(endpoint.host, "127.0.0.1")
            XCTAssertEqual(endpoint.port, 5000)
            XCTAssertEqual(endpoint.basePath, "")
            XCTAssertEqual(endpoint.signingName, service.signingName)
            XCTAssertEqual(endpoint.signingRegion, "eu-west-1", "an overridden endpoint signs for the configured region")
            XCTAssertEqual(endpoint.overriddenBy, "AWS_ENDPOINT_URL")
        }
    }

    func testServiceSpecificOverrideTakesPrecedence() throws {
        let resolver = AWSEndpointResolver(environment: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "https://secrets.internal:8443/api/",
        ])
        let secrets = try resolver.resolve(.secretsManager, region: "us-east-1")
        XCTAssertEqual(secrets.url, "https://secrets.internal:8443/api")
        XCTAssertEqual(secrets.basePath, "/api")
        XCTAssertEqual(secrets.overriddenBy, "AWS_ENDPOINT_URL_SECRETS_MANAGER")
        XCTAssertEqual(secrets.requestPath("/"), "/api/")
        XCTAssertEqual(secrets.requestPath("/clusters/x"), "/api/clusters/x")
        XCTAssertEqual(try resolver.resolve(.ec2, region: "us-east-1").port, 5000)
    }

    func testEmptyOverrideCountsAsUnsetAndOverridesCanBeIgnored() throws {
        let empty = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL_EC2": "", "AWS_ENDPOINT_URL": " "])
        XCTAssertEqual(try empty.resolve(.ec2, region: "us-east-1").host, "ec2.us-east-1.amazonaws.com")
        let ignored = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://localhost:4566",
                                                        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"])
        XCTAssertEqual(try ignored.resolve(.ec2, region: "us-east-1").host, "ec2.us-east-1.amazonaws.com")
    }

    func testInvalidOverridesAreReportedWithTheVariable() {
        for value in ["ftp://127.0.0.1", "127.0.0.1:5000", "http://", "http://h:1/?x=1", "http://u:p@h"] {
            let resolver = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL_EKS": value])
            XCTAssertThrowsError(try resolver.resolve(.eks, region: "us-east-1"), value) { error in
                guard let error = error as? AWSEndpointError,
                      case .invalidOverride(let variable, let reported, _) = error.kind
                else { return XCTFail("unexpected error \(error)") }
                XCTAssertEqual(variable, "AWS_ENDPOINT_URL_EKS")
                XCTAssertEqual(reported, value)
                XCTAssertTrue(error.description.contains("AWS_ENDPOINT_URL_EKS"))
            }
        }
    }

    func testMissingAndInvalidRegions() {
        XCTAssertThrowsError(try plain.resolve(.ec2, region: "")) { error in
            XCTAssertEqual((error as? AWSEndpointError)?.kind, .missingRegion)
            XCTAssertTrue("\(error)".contains("AWS_REGION"))
        }
        for region in ["US-EAST-1", "us east 1", "eu-west-1.evil.com", "-x", "us-east-1-"] {
            XCTAssertThrowsError(try plain.resolve(.ec2, region: region), region) { error in
                XCTAssertEqual((error as? AWSEndpointError)?.kind, .invalidRegion(region))
            }
        }
    }

    func testS3VirtualHostedAddressing() throws {
        let bucket = try plain.resolveS3(bucket: "infra-state-123", region: "eu-west-1")
        XCTAssertEqual(bucket.style, .virtualHosted)
        XCTAssertEqual(bucket.endpoint.host, "infra-state-123.s3.eu-west-1.amazonaws.com")
        XCTAssertEqual(bucket.endpoint.basePath, "")
        XCTAssertEqual(bucket.endpoint.signingName, "s3")
        XCTAssertEqual(bucket.endpoint.request(method: "GET", path: "/prod/platform.json").path, "/prod/platform.json")
        let china = try plain.resolveS3(bucket: "state", region: "cn-north-1")
        XCTAssertEqual(china.endpoint.host, "state.s3.cn-north-1.amazonaws.com.cn")
    }

    func testS3PathStyleForDotsForcedAndLegacyNames() throws {
        let dotted = try plain.resolveS3(bucket: "my.state.bucket", region: "us-east-1")
        XCTAssertEqual(dotted.style, .path)
        XCTAssertEqual(dotted.endpoint.host, "s3.us-east-1.amazonaws.com")
        XCTAssertEqual(dotted.endpoint.basePath, "/my.state.bucket")
        XCTAssertEqual(dotted.endpoint.requestPath("/key"), "/my.state.bucket/key")

        let forced = try plain.resolveS3(bucket: "state", region: "us-east-1", forcePathStyle: true)
        XCTAssertEqual(forced.style, .path)
        XCTAssertEqual(forced.endpoint.url, "https://s3.us-east-1.amazonaws.com/state")

        let legacy = try plain.resolveS3(bucket: "Legacy_Bucket", region: "us-east-1")
        XCTAssertEqual(legacy.style, .path)
        XCTAssertEqual(legacy.endpoint.basePath, "/Legacy_Bucket")
    }

    func testS3OverrideForcesPathStyle() throws {
        let resolver = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL_S3": "http://localhost:9000/prefix"])
        let bucket = try resolver.resolveS3(bucket: "state", region: "us-east-1")
        XCTAssertEqual(bucket.style, .path)
        XCTAssertEqual(bucket.endpoint.host, "localhost")
        XCTAssertEqual(bucket.endpoint.port, 9000)
        XCTAssertEqual(bucket.endpoint.basePath, "/prefix/state")
        XCTAssertEqual(bucket.endpoint.overriddenBy, "AWS_ENDPOINT_URL_S3")
    }

    func testInvalidBucketNames() {
        for bucket in ["ab", "bad/name", "space here", ""] {
            XCTAssertThrowsError(try plain.resolveS3(bucket: bucket, region: "us-east-1"), bucket) { error in
                guard case .invalidBucketName(let reported, _)? = (error as? AWSEndpointError)?.kind else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(reported, bucket)
            }
        }
    }

    func testEndpointRequestCarriesSchemeHostAndPort() throws {
        let resolver = AWSEndpointResolver(environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"])
        let request = try resolver.resolve(.ec2, region: "us-east-1").request(method: "POST")
        XCTAssertEqual(request.url, "http://127.0.0.1:5000/")
        XCTAssertEqual(request.hostHeader, "127.0.0.1:5000")
    }
}
