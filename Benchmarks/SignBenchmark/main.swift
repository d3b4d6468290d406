// Signing benchmark: signatures per second of `SigV4Signer` next to botocore's signer,
// measured in the same run on the same machine. Build and run with
//   swift run -c release infra-bench-sign
import Crypto
import Foundation
import InfraAWS

/// The EC2 query request both sides sign: a DescribeInstances form body of 160 bytes.
let ec2Body = "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0"
    + "&InstanceId.2=i-0fedcba9876543210&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-12345678"
let mebibyte = 1 << 20
let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                 source: "benchmark")
let date = Date(timeIntervalSince1970: 1_714_564_800)  // 2024-05-01T12:00:00Z
let rounds = 3
let secondsPerRound = 1.0

/// 1 MiB of pseudo-random bytes (xorshift), the same on every run.
let largeBody: [UInt8] = {
    var body = [UInt8](repeating: 0, count: mebibyte)
    var seed: UInt64 = 0x2545_F491_4F6C_DD1D
    for index in body.indices {
        seed ^= seed << 13
        seed ^= seed >> 7
        seed ^= seed << 17
        body[index] = UInt8(truncatingIfNeeded: seed)
    }
    return body
}()

/// Best rate (operations per second) over `rounds` rounds of about `secondsPerRound` each;
/// the best, because the machine may be shared and interference only ever slows a round down.
func measure(_ operation: () -> Int) -> Double {
    var best = 0.0
    var sink = 0
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<16 { sink &+= operation() }
            count += 16
            elapsed = clock.now - start
        } while elapsed < .seconds(secondsPerRound)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = max(best, Double(count) / seconds)
    }
    if sink == 42 { print("") }  // keeps the work observable to the optimizer
    return best
}

let signer = SigV4Signer()

var ec2Request = AWSHTTPRequest(method: "POST", host: "ec2.us-east-1.amazonaws.com",
                                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                body: Array(ec2Body.utf8))
let swiftEC2 = measure {
    signer.sign(&ec2Request, credentials: credentials, region: "us-east-1", service: "ec2", date: date)
    return ec2Request.headers.count
}

var s3Request = AWSHTTPRequest(method: "PUT", host: "infra-bench.s3.us-east-1.amazonaws.com",
                               path: "/state/bench.bin", headers: [("Content-Type", "application/octet-stream")],
                               body: largeBody)
let swiftS3 = measure {
    signer.sign(&s3Request, credentials: credentials, region: "us-east-1", service: "s3", date: date)
    return s3Request.headers.count
}

let sha256OfMebibyte = measure {
    largeBody.withUnsafeBytes { SHA256.hash(data: $0) }.withUnsafeBytes { Int($0[0]) }
}

/// botocore's `SigV4Auth.add_auth` / `S3SigV4Auth.add_auth` on the same two requests, re-signing
/// one request object as the Swift side does (add_auth replaces its earlier headers).
let python = """
import datetime, json, sys, time
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
fixed = datetime.datetime(2024, 5, 1, 12, 0, 0)
auth.get_current_datetime = lambda: fixed
creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
rounds, seconds = int(sys.argv[1]), float(sys.argv[2])
def measure(signer, request):
    best = 0.0
    for _ in range(rounds):
        count, start = 0, time.perf_counter()
        while True:
            for _ in range(16):
                signer.add_auth(request)
            count += 16
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = max(best, count / elapsed)
    return best
ec2 = AWSRequest(method='POST', url='https://ec2.us-east-1.amazonaws.com/', data=sys.argv[3].encode())
ec2.headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8'
body = sys.stdin.buffer.read()
s3 = AWSRequest(method='PUT', url='https://infra-bench.s3.us-east-1.amazonaws.com/state/bench.bin', data=body)
s3.headers['Content-Type'] = 'application/octet-stream'
result = {'ec2': measure(auth.SigV4Auth(creds, 'ec2', 'us-east-1'), ec2),
          's3': measure(auth.S3SigV4Auth(creds, 's3', 'us-east-1'), s3)}
assert len(body) == \(mebibyte), len(body)
print(json.dumps(result))
"""

struct BotocoreRates: Decodable {
    var ec2: Double
    var s3: Double
}

func runBotocore() -> Result<BotocoreRates, Error> {
    struct Failure: Error, CustomStringConvertible { var description: String }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", python, String(rounds), String(secondsPerRound), ec2Body]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        return .failure(Failure(description: "cannot start python3: \(error)"))
    }
    input.fileHandleForWriting.write(Data(largeBody))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        return .failure(Failure(description: "python3 with botocore failed (exit \(process.terminationStatus)); "
            + "install it with: python3 -m pip install botocore"))
    }
    return Result { try JSONDecoder().decode(BotocoreRates.self, from: data) }
}

func format(_ value: Double, decimals: Int = 0) -> String {
    String(format: "%.\(decimals)f", value)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

let botocore = runBotocore()
print("SigV4 signing, signatures per second (best of \(rounds) rounds of \(format(secondsPerRound, decimals: 1)) s)")
print("")
print("request                          \(pad("infra", 12)) \(pad("botocore", 12)) \(pad("ratio", 8))")
switch botocore {
case .success(let rates):
    print("EC2 query POST (\(ec2Body.utf8.count) B body)     \(pad(format(swiftEC2), 12)) "
        + "\(pad(format(rates.ec2), 12)) \(pad(format(swiftEC2 / rates.ec2, decimals: 1) + "x", 8))")
    print("S3 PUT, 1 MiB body               \(pad(format(swiftS3, decimals: 1), 12)) "
        + "\(pad(format(rates.s3, decimals: 1), 12)) \(pad(format(swiftS3 / rates.s3, decimals: 1) + "x", 8))")
case .failure(let error):
    print("EC2 query POST (\(ec2Body.utf8.count) B body)     \(pad(format(swiftEC2), 12)) \(pad("n/a", 12))")
    print("S3 PUT, 1 MiB body               \(pad(format(swiftS3, decimals: 1), 12)) \(pad("n/a", 12))")
    print("botocore not measured: \(error)")
}
print("")
let shaThroughput = sha256OfMebibyte * Double(mebibyte) / 1e6
print("SHA-256 of 1 MiB (swift-crypto): \(format(sha256OfMebibyte, decimals: 1)) /s = \(format(shaThroughput)) MB/s, "
    + "\(format(1e6 / sha256OfMebibyte)) us each")
print("S3 PUT signing time: \(format(1e6 / swiftS3)) us = \(format(100 * sha256OfMebibyte / swiftS3, decimals: 1))% "
    + "of one SHA-256 of the body (target: <= 110%)")
print("EC2 signing time: \(format(1e6 / swiftEC2, decimals: 2)) us")
if case .failure = botocore { exit(1) }
