import Protocol
import ServerKit
import TestSupport
import XCTest
@testable import DataNode

/// rename-command lines from the config file: the command answers to its new
/// name only, or to none; a line naming no command or a taken name stops
/// start-up with loadServerConfigFromString's reason.
final class RenameCommandTests: XCTestCase {
    private func harness(_ conf: String) throws -> Harness {
        try Harness(config: ConfigLoader.load(text: conf))
    }

    private func renameError(_ conf: String) throws -> String? {
        let config = try ConfigLoader.load(text: conf)
        do {
            _ = try CommandTable(renaming: config.renamedCommands)
            return nil
        } catch let e as ConfigError {
            return e.reason
        }
    }

    func testRenamedCommandAnswersOnlyToItsNewName() throws {
        let h = try harness("rename-command flushdb badger\n")
        XCTAssertEqual(h.rawString("FLUSHDB"), "-ERR unknown command 'FLUSHDB', with args beginning with: \r\n")
        XCTAssertEqual(h.call("SET", "k", "v"), .ok)
        XCTAssertEqual(h.call("BADGER"), .ok)
        XCTAssertEqual(h.call("DBSIZE"), .integer(0))
    }

    func testRenamingToTheEmptyNameRemovesTheCommand() throws {
        let h = try harness("rename-command config \"\"\n")
        XCTAssertEqual(h.rawString("CONFIG", "GET", "hz"), "-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'hz' \r\n")
    }

    func testRenamingAnUnknownCommandIsAConfigError() throws {
        XCTAssertEqual(try renameError("rename-command nosuch x\n"), "No such command in rename-command")
    }

    func testRenamingOntoAnExistingCommandIsAConfigError() throws {
        XCTAssertEqual(try renameError("rename-command get set\n"), "Target command name already exists")
    }
}
