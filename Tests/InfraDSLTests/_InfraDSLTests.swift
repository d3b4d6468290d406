import XCTest
final class _T: XCTestCase { func testNothing() {} }
