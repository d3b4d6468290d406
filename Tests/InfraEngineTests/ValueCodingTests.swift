import Foundation
import InfraEngine
import XCTest

final class ValueCodingTests: XCTestCase {
    private func encode(_ value: Value, _ form: ValueCodingForm) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[Value.codingFormKey] = form
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func decode(_ json: String, _ form: ValueCodingForm) throws -> Value {
        let decoder = JSONDecoder()
        decoder.userInfo[Value.codingFormKey] = form
        return try decoder.decode(Value.self, from: Data(json.utf8))
    }

    func testStateFormIsPlainJSON() throws {
        let value: Value = ["a": [1, "x", true, nil], "b": ["c": 2.5]]
        XCTAssertEqual(try encode(value, .state), #"{"a":[1,"x",true,null],"b":{"c":2.5}}"#)
        XCTAssertEqual(try decode(#"{"a":[1,"x",true,null],"b":{"c":2.5}}"#, .state), value)
    }

    func testStateFormRefusesWhatStateCannotHold() {
        XCTAssertThrowsError(try encode(.unknown, .state))
        XCTAssertThrowsError(try encode(ref("mem_network.main"), .state))
        XCTAssertThrowsError(try encode(["x": .concat(["a", ref("mem_network.main")])], .state))
    }

    func testPlanFormKeepsUnknownsReferencesConcatAndMarks() throws {
        let value: Value = [
            "u": .unknown, "r": ref("mem_db.main", "endpoint.address"),
            "c": .concat([ref("mem_db.main", "endpoint"), ":5432"]), "s": .sensitive(["k": 1]), "m": ["x": [1, 2]],
        ]
        let json = try encode(value, .plan)
        XCTAssertEqual(try decode(json, .plan), value)
    }

    func testPlanFormStoresSensitiveStringsOnlyAsSaltedHash() throws {
        let json = try encode(["password": .sensitive("hunter2-secret")], .plan)
        XCTAssertFalse(json.contains("hunter2"), json)
        XCTAssertTrue(json.contains("sha256:"), json)
        let decoded = try decode(json, .plan)
        XCTAssertTrue(decoded.containsRedactedSecret)
        XCTAssertNotEqual(try encode(.sensitive("hunter2-secret"), .plan), try encode(.sensitive("hunter2-secret"), .plan),
                          "the salt differs per encoding")
    }

    func testPlanFormRejectsAmbiguousTaggedObject() {
        XCTAssertThrowsError(try decode(#"{"map":{},"unknown":true}"#, .plan))
        XCTAssertThrowsError(try decode(#"{"ref":"not-a-reference"}"#, .plan))
    }
}

final class StateFileTests: XCTestCase {
    private func sample() -> StateSnapshot {
        StateSnapshot(lineage: "L", serial: 3, stack: "platform", environment: "dev", resources: [
            addr("mem_network.main"): ResourceState(type: "mem_network", id: "mid-1", attributes: ["cidr_block": "10.0.0.0/16"]),
            addr("mem_subnet.a"): ResourceState(type: "mem_subnet", id: "mid-2", attributes: ["network_id": "mid-1"],
                                                dependencies: [addr("mem_network.main")], status: .tainted),
        ], pendingCreates: [addr("mem_server.web"): PendingCreate(type: "mem_server", token: "t")],
        outputs: ["id": OutputState(value: "mid-1")])
    }

    func testRoundTripIsStableAndPretty() throws {
        let data = try StateFileCodec.encode(sample())
        XCTAssertEqual(try StateFileCodec.decode(data, path: "s.json"), sample())
        XCTAssertEqual(try StateFileCodec.encode(StateFileCodec.decode(data, path: "s.json")), data)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\n  \"environment\" : \"dev\""), text)
        XCTAssertLessThan(try XCTUnwrap(text.range(of: "mem_network.main")).lowerBound,
                          try XCTUnwrap(text.range(of: "mem_subnet.a")).lowerBound)
    }

    func testMalformedJSONNamesTheFile() {
        XCTAssertThrowsError(try StateFileCodec.decode(Data("{\"version\": 1,".utf8), path: "state/dev/p.json")) {
            guard case .malformedJSON(let path, _) = $0 as? StateFileError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, "state/dev/p.json")
            XCTAssertTrue(String(describing: $0).contains("state/dev/p.json.backup"))
        }
    }

    func testNewerFormatVersionSaysUpgrade() throws {
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: StateFileCodec.encode(sample())) as? [String: Any])
        json["version"] = 2
        let data = try JSONSerialization.data(withJSONObject: json)
        XCTAssertThrowsError(try StateFileCodec.decode(data, path: "p.json")) {
            XCTAssertEqual($0 as? StateFileError, .unsupportedVersion(path: "p.json", found: 2, supported: 1))
            XCTAssertTrue(String(describing: $0).contains("newer infra"))
        }
    }

    func testMissingFieldIsNamed() throws {
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: StateFileCodec.encode(sample())) as? [String: Any])
        json["lineage"] = nil
        XCTAssertThrowsError(try StateFileCodec.decode(JSONSerialization.data(withJSONObject: json), path: "p.json")) {
            XCTAssertEqual($0 as? StateFileError, .missingField(path: "p.json", field: "lineage"))
        }
        var nested = try XCTUnwrap(JSONSerialization.jsonObject(with: StateFileCodec.encode(sample())) as? [String: Any])
        var resources = try XCTUnwrap(nested["resources"] as? [String: Any])
        var network = try XCTUnwrap(resources["mem_network.main"] as? [String: Any])
        network["id"] = nil
        resources["mem_network.main"] = network
        nested["resources"] = resources
        XCTAssertThrowsError(try StateFileCodec.decode(JSONSerialization.data(withJSONObject: nested), path: "p.json")) {
            XCTAssertEqual($0 as? StateFileError, .missingField(path: "p.json", field: "resources.mem_network.main.id"))
        }
    }

    func testWriteCheckRefusesForeignLineageAndOlderSerial() {
        let stored = sample()
        var other = sample()
        other.lineage = "M"
        other.serial = 9
        XCTAssertThrowsError(try StateWriteCheck.validate(stored: stored, new: other, key: "k")) {
            XCTAssertEqual($0 as? StateWriteError, .foreignLineage(key: "k", stored: "L", attempted: "M"))
        }
        var older = sample()
        older.serial = 3
        XCTAssertThrowsError(try StateWriteCheck.validate(stored: stored, new: older, key: "k")) {
            XCTAssertEqual($0 as? StateWriteError, .staleSerial(key: "k", stored: 3, attempted: 3))
        }
        var newer = sample()
        newer.serial = 4
        XCTAssertNoThrow(try StateWriteCheck.validate(stored: stored, new: newer, key: "k"))
    }
}
