import XCTest
@testable import ServerKit

/// Numbers, units and yes/no as config.c parses them (both servers).
final class ConfigNumericSpecTests: XCTestCase {
    private func parse(_ s: String, _ spec: ConfigNumericSpec) -> String {
        switch spec.parse(Array(s.utf8)) {
        case .success(let v): return "\(v)"
        case .failure(let e): return e.message
        }
    }

    func testMemoryUnitsAreDecimalWithoutBAndBinaryWithIt() {
        let mem = ConfigNumericSpec(lower: 0, upper: Int64.max, format: .memory)
        XCTAssertEqual(parse("1k", mem), "1000")
        XCTAssertEqual(parse("1kb", mem), "1024")
        XCTAssertEqual(parse("1MB", mem), "1048576")
        XCTAssertEqual(parse("2gb", mem), "2147483648")
        XCTAssertEqual(parse("3g", mem), "3000000000")
        XCTAssertEqual(parse("5b", mem), "5")
        XCTAssertEqual(parse("1xb", mem), "argument must be a memory value")
        XCTAssertEqual(parse("-1", mem), "argument must be a memory value")
    }

    func testPercentIsStoredNegative() {
        let spec = ConfigNumericSpec(lower: -100, upper: Int64.max, format: .memoryOrPercent)
        XCTAssertEqual(parse("50%", spec), "-50")
        XCTAssertEqual(parse("150%", spec), "percentage argument must be less or equal to 100")
        XCTAssertEqual(parse("x%", spec), "argument must be a memory or percent value")
    }

    func testIntegersAreStrictAndBounded() {
        let port = ConfigNumericSpec(lower: 0, upper: 65535)
        XCTAssertEqual(parse("6380", port), "6380")
        XCTAssertEqual(parse(" 6380", port), "argument couldn't be parsed into an integer")
        XCTAssertEqual(parse("1k", port), "argument couldn't be parsed into an integer")
        XCTAssertEqual(parse("70000", port), "argument must be between 0 and 65535 inclusive")
    }

    func testUnsignedBoundsCatchNegatives() {
        // redis-sentinel: maxclients 0 -> "argument must be between 1 and 4294967295 inclusive" (measured).
        let maxclients = ConfigNumericSpec(lower: 1, upper: Int64(UInt32.max), unsignedCheck: true)
        XCTAssertEqual(parse("0", maxclients), "argument must be between 1 and 4294967295 inclusive")
        XCTAssertEqual(parse("-1", maxclients), "argument must be between 1 and 4294967295 inclusive")
    }

    func testOctalIsStrtollBaseEightAndBoundsReadInOctal() {
        // redis-sentinel's unixsocketperm, measured: abc, 1000 refused; " 700", "+700", "" accepted.
        let perm = ConfigNumericSpec(lower: 0, upper: 0o777, unsignedCheck: true, format: .octal)
        XCTAssertEqual(parse("700", perm), "448")
        XCTAssertEqual(parse(" 700", perm), "448")
        XCTAssertEqual(parse("+700", perm), "448")
        XCTAssertEqual(parse("", perm), "0")
        XCTAssertEqual(parse("abc", perm), "argument couldn't be parsed as an octal number")
        XCTAssertEqual(parse("1000", perm), "argument must be between 0 and 777 inclusive")
    }

    func testYesNoIgnoresCaseAndNothingElse() {
        XCTAssertEqual(ConfigCParse.yesno(Array("YES".utf8)), true)
        XCTAssertEqual(ConfigCParse.yesno(Array("No".utf8)), false)
        XCTAssertNil(ConfigCParse.yesno(Array("y".utf8)))
        XCTAssertNil(ConfigCParse.yesno(Array(" yes".utf8)))
    }

    func testMemoryIsWrittenInTheLargestExactUnit() {
        XCTAssertEqual(ConfigCParse.formatMemory(1 << 30), "1gb")
        XCTAssertEqual(ConfigCParse.formatMemory(3 << 20), "3mb")
        XCTAssertEqual(ConfigCParse.formatMemory(1024), "1kb")
        XCTAssertEqual(ConfigCParse.formatMemory(1000), "1000")
        XCTAssertEqual(ConfigCParse.formatMemory(0), "0")
    }
}
