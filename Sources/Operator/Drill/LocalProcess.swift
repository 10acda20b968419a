import Deployment
import Foundation
import Glibc

/// A data node running on this host, found from the pid it reports in INFO:
/// what is needed to signal it and to start it again as it was.
struct LocalProcess: Equatable {
    let pid: Int32
    let arguments: [String]
    let workingDirectory: String
    /// Where its standard output went, when that is a file (its log): the restart appends there.
    let outputPath: String?

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The process behind `address`, if the address is local and the pid in
    /// its INFO is a live process of ours with a readable command line.
    static func find(serving address: Address) -> LocalProcess? {
        guard isLoopback(address.host),
              let info = NodeInfo.fetch(address, section: "server"),
              let pid = info["process_id"].flatMap({ Int32($0) }), pid > 1,
              access("/proc/\(pid)", F_OK) == 0,
              let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !raw.isEmpty,
              let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return nil }
        var args = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        while args.last == "" { args.removeLast() }
        if isProcessTitle(args), let rebuilt = commandLine(address, info: info) { args = rebuilt }
        let out = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/1")
        let file = out.flatMap { $0.hasPrefix("/") && !$0.hasPrefix("/dev/") ? $0 : nil }
        return LocalProcess(pid: pid, arguments: args, workingDirectory: cwd, outputPath: file)
    }

    /// redis-server overwrites its argv with a title ("redis-server 127.0.0.1:6380"):
    /// one argument with spaces, or a single word after the program name and no option, is that title.
    static func isProcessTitle(_ args: [String]) -> Bool {
        args.first?.contains(" ") == true || args.count == 1 || (args.count <= 3 && !args.dropFirst().contains { $0.hasPrefix("--") || $0.hasSuffix(".conf") })
    }

    /// What the node runs with, rebuilt from INFO and CONFIG GET when its
    /// command line was overwritten: its executable, config file, and the
    /// settings a drill's restart must keep.
    static func commandLine(_ address: Address, info: [String: String]) -> [String]? {
        guard let exe = info["executable"], !exe.isEmpty,
              let c = try? SentinelView.connect(address, timeoutMs: 1000) else { return nil }
        defer { c.close() }
        var args = [exe]
        if let conf = info["config_file"], !conf.isEmpty { args.append(conf) }
        for name in ["port", "bind", "dir", "dbfilename", "save", "appendonly", "repl-diskless-sync-delay",
                     "replica-priority", "logfile", "protected-mode"] {
            guard let reply = try? c.call("CONFIG", "GET", name), let items = reply.elements, items.count == 2,
                  let value = items[1].string else { continue }
            args += ["--" + name, value]
        }
        return args
    }

    /// Starts the same command line in the same directory (argv[0] decides
    /// what a redis-server binary runs as, so it is resolved, not replaced).
    func restart() throws -> Int32 {
        guard let argv0 = arguments.first else { throw DrillFailure.notConverged("no command line to restart pid \(pid)") }
        let exe: String
        if argv0.hasPrefix("/"), access(argv0, X_OK) == 0 {
            exe = argv0
        } else if argv0.hasPrefix("/"), let found = Executables.onPath((argv0 as NSString).lastPathComponent) {
            // Redis reports a PATH-found argv[0] joined to its cwd: the name is what counts.
            exe = found
        } else if argv0.contains("/") {
            exe = workingDirectory + "/" + argv0
        } else if let found = Executables.onPath(argv0) {
            exe = found
        } else {
            throw DrillFailure.notConverged("cannot find '\(argv0)' on PATH to restart the old master")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = Array(arguments.dropFirst())
        p.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        p.standardInput = FileHandle.nullDevice
        if let outputPath, let h = FileHandle(forWritingAtPath: outputPath) {
            h.seekToEndOfFile()
            p.standardOutput = h
            p.standardError = h
        } else {
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p.processIdentifier
    }
}
