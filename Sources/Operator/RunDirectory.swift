import Foundation
import Glibc

/// One process `vigil up` started (or the foreground `vigil up` itself, role
/// `supervisor`), as recorded in the run directory.
public struct RunRecord: Equatable, Sendable {
    public var name: String
    /// master, replica, sentinel (the role it was started in; a failover may
    /// have changed it since) or supervisor.
    public var role: String
    public var port: Int
    public var pid: Int32
    /// /proc/PID/stat's start time: a pid the kernel reused for another
    /// process has another start time, so it is never taken for ours.
    public var startTime: UInt64
    /// The command line it was started with: enough to start it again.
    public var argv: [String]

    public init(name: String, role: String, port: Int, pid: Int32, startTime: UInt64, argv: [String]) {
        self.name = name
        self.role = role
        self.port = port
        self.pid = pid
        self.startTime = startTime
        self.argv = argv
    }

    public var address: String { "127.0.0.1:\(port)" }
}

/// The directory `vigil up` runs a deployment in: config copies, data
/// directories, logs, pidfiles and the process list `vigil down` (and the
/// drills) read.
public struct RunDirectory: Sendable {
    public static let defaultPath = "vigil-run"
    public let path: String

    public init(_ path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        self.path = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// The process list: one tab-separated line a process (name, role, port,
    /// pid, start time, argv...); rewritten after every start so that a
    /// crash half-way still leaves every started pid on record.
    public var processListPath: String { path + "/processes" }
    public func pidfilePath(_ name: String) -> String { path + "/\(name).pid" }
    public func logPath(_ name: String) -> String { path + "/\(name).log" }
    public func configPath(_ name: String) -> String { path + "/\(name).conf" }
    /// A data node's own directory (its `dir`: AOF, RDB).
    public func dataPath(_ name: String) -> String { path + "/\(name)" }

    public var exists: Bool { FileManager.default.fileExists(atPath: processListPath) }

    public func read() -> [RunRecord] {
        guard let text = try? String(contentsOfFile: processListPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let port = Int(f[2]), let pid = Int32(f[3]), let start = UInt64(f[4]) else { return nil }
            return RunRecord(name: f[0], role: f[1], port: port, pid: pid, startTime: start, argv: Array(f.dropFirst(5)))
        }
    }

    /// Writes the process list and one pidfile a process (the pid alone, as
    /// any pidfile), replacing the file atomically.
    public func write(_ records: [RunRecord]) throws {
        var text = "# written by vigil up: name\trole\tport\tpid\tstart-time\targv...\n"
        for r in records {
            text += ([r.name, r.role, String(r.port), String(r.pid), String(r.startTime)] + r.argv).joined(separator: "\t") + "\n"
            try "\(r.pid)\n".write(toFile: pidfilePath(r.name), atomically: true, encoding: .utf8)
        }
        try text.write(toFile: processListPath, atomically: true, encoding: .utf8)
    }

    /// Forgets the processes: the list and the pidfiles (logs, configs and
    /// data stay).
    public func clear(_ records: [RunRecord]) {
        for r in records { try? FileManager.default.removeItem(atPath: pidfilePath(r.name)) }
        try? FileManager.default.removeItem(atPath: processListPath)
    }
}

extension RunDirectory {
    /// A process of this deployment was replaced (a drill restarted a killed
    /// master from its command line): the record follows the new pid, so that
    /// `vigil down` stops it too. Nothing changes when `oldPid` is not on record.
    /// The run directory is found from the config file the process was started
    /// with (`vigil server DIR/node-N.conf`).
    public static func recordReplacement(argv: [String], oldPid: Int32, newPid: Int32) {
        guard let conf = argv.first(where: { $0.hasSuffix(".conf") && $0.hasPrefix("/") }) else { return }
        let run = RunDirectory((conf as NSString).deletingLastPathComponent)
        var records = run.read()
        guard let i = records.firstIndex(where: { $0.pid == oldPid }),
              let start = LocalProcesses.startTime(newPid) else { return }
        records[i].pid = newPid
        records[i].startTime = start
        try? run.write(records)
    }
}
