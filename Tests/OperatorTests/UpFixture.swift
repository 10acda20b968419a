import Deployment
import Foundation
import Glibc
@testable import Operator
import Protocol
import RESPClient
import TestSupport
import XCTest

/// One `vigil up` run directory on free ports for a test: runs the built
/// `vigil` there and, at the end, kills whatever it recorded that is still
/// ours (never a process this test did not start).
final class UpFixture {
    let vigil: String
    let dir: String
    let dataPorts = (0..<3).map { _ in Ports.free() }
    let sentinelPorts = (0..<3).map { _ in Ports.free() }
    var run: RunDirectory { RunDirectory(dir) }
    /// A foreground `vigil up` this test started.
    var foreground: NodeProcess?

    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("configs/local").path

    init() throws {
        vigil = try Interop.built("vigil")
        dir = try makeScratchDirectory("up")
    }

    var portArguments: [String] {
        ["--ports", dataPorts.map(String.init).joined(separator: ","),
         "--sentinel-ports", sentinelPorts.map(String.init).joined(separator: ","),
         "--configs", Self.configs]
    }

    func up(_ extra: [String], timeout: Double = 60) throws -> ToolRun {
        try ToolRun.run(vigil, ["up", dir] + portArguments + extra, timeout: timeout)
    }

    func down() throws -> ToolRun {
        try ToolRun.run(vigil, ["down", dir], timeout: 30)
    }

    /// `vigil up` in the foreground, returned once it follows the events.
    func upInForeground() throws -> NodeProcess {
        let p = try NodeProcess.launch(executable: vigil, arguments: ["up", dir] + portArguments)
        foreground = p
        try LocalDeployment.waitUntil(60, "vigil up to report a healthy deployment") {
            if !p.isRunning { throw DeploymentError("vigil up exited:\n\(p.logText)") }
            return p.logText.contains("Events (Ctrl-C")
        }
        return p
    }

    /// The data nodes and sentinels on record.
    var children: [RunRecord] { run.read().filter { $0.role != "supervisor" } }

    func sentinelView(_ port: Int) throws -> [String: String] {
        let c = try RedisConnection(host: "127.0.0.1", port: port)
        defer { c.close() }
        return ReplyFields.pairs(try c.call("SENTINEL", "MASTER", "mymaster"))
    }

    func tearDown() {
        foreground?.kill(signal: SIGKILL)
        foreground?.waitUntilExit()
        foreground?.removeLog()
        let mine = run.read().filter(LocalProcesses.isOurs)
        for r in mine { kill(r.pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Waits (a little) for every pid to be gone: a killed process takes a
    /// moment to exit.
    static func allGone(_ pids: [Int32], within seconds: Double = 10) -> Bool {
        (try? LocalDeployment.waitUntil(seconds, "processes to exit") {
            pids.allSatisfy { !LocalProcesses.isAlive($0) }
        }) != nil
    }
}

/// A listening socket on a port, for as long as the test holds it.
final class PortHolder {
    let port: Int
    private let fd: Int32

    init() throws {
        port = Ports.free()
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            close(fd)
            throw DeploymentError("cannot listen on \(port)")
        }
    }

    deinit { close(fd) }
}
