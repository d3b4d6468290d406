import XCTest

@testable import InfraCLI

final class ChdirTests: XCTestCase {
    func testTerraformStyleChdirIsTakenOffTheFront() throws {
        var arguments = ["-chdir=examples/FinanceHub", "plan", "dev"]
        XCTAssertEqual(try InfraMain.extractChdir(&arguments), "examples/FinanceHub")
        XCTAssertEqual(arguments, ["plan", "dev"])

        arguments = ["--chdir", "examples/CantonDEX", "validate", "prod"]
        XCTAssertEqual(try InfraMain.extractChdir(&arguments), "examples/CantonDEX")
        XCTAssertEqual(arguments, ["validate", "prod"])

        arguments = ["plan", "dev"]
        XCTAssertNil(try InfraMain.extractChdir(&arguments))
        XCTAssertEqual(arguments, ["plan", "dev"])

        arguments = ["--chdir"]
        XCTAssertThrowsError(try InfraMain.extractChdir(&arguments))
    }
}
