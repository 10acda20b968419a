import Deployment
import Foundation
import RESPClient
import TestSupport

/// The vigil-server a differential run talks to. A crash is a finding, not the
/// end of the run: it is recorded and the server restarted (a bounded number
/// of times) so the run can go on collecting differences.
final class VigilUnderTest {
    private let fixture: ProcessFixture
    private let extraArgs: [String]
    private(set) var current: ProcessFixture.Started
    private(set) var restarts = 0
    static let maxRestarts = 10

    init(fixture: ProcessFixture, extraArgs: [String] = []) throws {
        self.fixture = fixture
        self.extraArgs = extraArgs
        current = try fixture.startVigil(extraArgs)
    }

    var port: Int { current.port }
    var isRunning: Bool { current.process.isRunning }
    var process: NodeProcess { current.process }

    /// Headline ("CRASH in Foo.bar at File.swift:12") and the first frames.
    func crashSummary() -> (headline: String, frames: String) {
        current.process.waitUntilExit()
        let excerpt = current.process.crashExcerpt(maxLines: 16)
        let frame = excerpt.split(separator: "\n").first { $0.contains(" in vigil-server at ") && !$0.contains("thunk") }
        let headline = frame.map { line -> String in
            let s = String(line)
            guard let r = s.range(of: #"\] *0x[0-9a-f]+ "#, options: .regularExpression) else { return s }
            return String(s[r.upperBound...]).replacingOccurrences(of: #" \+ [0-9]+ in vigil-server at /.*/Sources/"#, with: " at ", options: .regularExpression)
        } ?? "exit status \(current.process.terminationStatus ?? -1)"
        return (headline, excerpt)
    }

    func restart() throws -> Int {
        restarts += 1
        if restarts > Self.maxRestarts { throw DiffFatal.vigilDied("crashed more than \(Self.maxRestarts) times") }
        current = try fixture.startVigil(extraArgs)
        return current.port
    }
}
