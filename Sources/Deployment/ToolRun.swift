import Foundation
import Glibc

/// Runs a child process to completion, capturing stdout and stderr.
public struct ToolRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public static func run(_ exe: String, _ args: [String], stdin: String? = nil, timeout: Double = 60,
                    environment: [String: String]? = nil, workingDirectory: String? = nil) throws -> ToolRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let environment { p.environment = environment }
        if let workingDirectory { p.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        // Files, not pipes: a chatty child never blocks on a full pipe.
        let dir = try makeScratchDirectory("tool")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out", errPath = dir + "/err", inPath = dir + "/in"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
        let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
        let input = FileHandle(forReadingAtPath: inPath)!
        defer { try? out.close(); try? err.close(); try? input.close() }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            Glibc.kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let o = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            throw DeploymentError("\(exe) \(args) timed out after \(timeout)s; output so far:\n\(o)")
        }
        p.waitUntilExit()
        return ToolRun(status: p.terminationStatus,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
