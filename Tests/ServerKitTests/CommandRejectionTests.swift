import ServerKit
import XCTest

/// The pre-dispatch error texts both servers send (the bytes redis-server 7.0 sends).
final class CommandRejectionTests: XCTestCase {
    private func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    func testUnknownCommandEchoesArgumentsAsCStrings() {
        let argv: [[UInt8]] = [Array("nosuch".utf8), Array("a".utf8), [0x62, 0, 0x63], [0xC3, 0xA9]]
        XCTAssertEqual(CommandRejection.unknownCommand(argv),
                       Array("ERR unknown command 'nosuch', with args beginning with: 'a' 'b' ".utf8) + [0x27, 0xC3, 0xA9, 0x27, 0x20])
    }

    func testUnknownCommandStopsAddingArgumentsAfter128Bytes() {
        let long = Array(repeating: UInt8(ascii: "x"), count: 200)
        let got = text(CommandRejection.unknownCommand([Array("nosuch".utf8), long, Array("next".utf8)]))
        XCTAssertEqual(got, "ERR unknown command 'nosuch', with args beginning with: '\(String(repeating: "x", count: 128))' ")
    }

    func testUnknownSubcommandNamesTheContainerInCapitals() {
        XCTAssertEqual(text(CommandRejection.unknownSubcommand(Array("foo".utf8), container: "client")),
                       "ERR unknown subcommand 'foo'. Try CLIENT HELP.")
    }

    func testWrongArityNamesTheFullCommandName() {
        XCTAssertEqual(CommandRejection.wrongArity("client|kill"), "ERR wrong number of arguments for 'client|kill' command")
    }
}
