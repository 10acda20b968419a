import ACL
import XCTest
@testable import DataNode

/// The permission check reads the keys of the commonest commands as a range
/// (KeyExtraction.aclKeyRange) instead of walking the key specs: the range
/// must be exactly the keys the walk offers, with the same access.
final class ACLKeyRangeTests: XCTestCase {
    private static func commands() -> [Command] {
        var out: [Command] = []
        for spec in CommandSpec.redis70 where !spec.flags.contains("only_sentinel") {
            out.append(Command(spec: spec, handler: nil))
        }
        return out
    }

    /// Command lines of every length up to 8 for each command (its
    /// subcommand name in place), and SET with and without GET.
    private static func lines(for cmd: Command) -> [[[UInt8]]] {
        let head = cmd.spec.container.isEmpty ? [cmd.spec.name] : [cmd.spec.container, cmd.spec.subcommandName]
        let args = ["a", "b", "c", "d", "e", "f", "g", "h"]
        var out: [[String]] = (0...(8 - head.count)).map { head + args.prefix($0) }
        if cmd.fullName == "set" {
            out += [["set", "k", "v", "get"], ["set", "k", "v", "ex", "10", "GET"], ["set", "k", "v", "nx"]]
        }
        return out.map { $0.map { Array($0.utf8) } }
    }

    private static func walked(_ cmd: Command, _ argv: [[UInt8]]) -> [ACLKeyRef] {
        var keys: [ACLKeyRef] = []
        KeyExtraction.forEachKey(cmd, argv) { position, flags in
            let access = KeyExtraction.aclAccess(flags)
            keys.append(ACLKeyRef(position: position, read: access.read, write: access.write))
            return true
        }
        return keys
    }

    func testRangeHoldsTheKeysTheSpecWalkOffersForEveryCommand() {
        var ranged = 0
        for cmd in Self.commands() {
            for argv in Self.lines(for: cmd) {
                guard let r = KeyExtraction.aclKeyRange(cmd, argv) else { continue }
                ranged += 1
                let fromRange = stride(from: r.first, through: r.last, by: r.step).map {
                    ACLKeyRef(position: $0, read: r.read, write: r.write)
                }
                XCTAssertEqual(fromRange, Self.walked(cmd, argv), "\(cmd.fullName) \(argv.map { String(decoding: $0, as: UTF8.self) })")
            }
        }
        XCTAssertGreaterThan(ranged, 0)
    }

    func testGetSetAndMsetAreCheckedAsRanges() {
        let all = Dictionary(uniqueKeysWithValues: Self.commands().map { ($0.fullName, $0) })
        let lines: [[String]] = [["get", "k"], ["set", "k", "v"], ["set", "k", "v", "get"], ["mset", "a", "1", "b", "2"]]
        for line in lines {
            let cmd = all[line[0]]!
            XCTAssertNotNil(KeyExtraction.aclKeyRange(cmd, line.map { Array($0.utf8) }), "\(line)")
        }
    }
}
