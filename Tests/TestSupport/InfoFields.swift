import Foundation
import Protocol
import RESPClient
import XCTest

/// Reading INFO over a test's connection, the same way for every test.
extension RedisConnection {
    /// The value of INFO `section`'s `field:value` line; nil when there is none.
    public func infoField(_ field: String, section: String = "all") throws -> String? {
        let text = try call("INFO", section).string ?? ""
        return text.split(separator: "\r\n").first { $0.hasPrefix(field + ":") }.map { String($0.dropFirst(field.count + 1)) }
    }

    /// Polls INFO until `field` reads `value` (a background step ends in its
    /// own time); records a failure, naming the last value, if it never does.
    public func waitForInfo(_ field: String, _ value: String, section: String = "all", seconds: Double = 20,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last: String?
        while Date() < deadline {
            last = try infoField(field, section: section)
            if last == value { return }
            usleep(20_000)
        }
        XCTFail("\(field) never became \(value): \(last ?? "absent")", file: file, line: line)
    }
}
