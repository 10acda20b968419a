import CVigilShim
import Deployment
import Foundation
import Glibc

/// `vigil up [DIR]`: starts the local deployment, waits until it has
/// converged, then follows its events until Ctrl-C (or returns at once with
/// --detach). Whatever goes wrong on the way stops what was started.
enum UpCommand {
    static func run(arguments: [String]) -> Int32 {
        let options: UpOptions
        do {
            options = try UpOptions.parse(arguments)
        } catch {
            printError("vigil up: \(error)\n\n" + UpOptions.usage)
            return 1
        }
        if options.help {
            print(UpOptions.usage)
            return 0
        }
        var up = Startup(options: options)
        return up.run()
    }
}

/// One `vigil up`: the checks, the starts, the wait and the event stream.
private struct Startup {
    let options: UpOptions
    let runDir: RunDirectory
    let topology: LocalTopology
    let vigil = ChildSpawner.selfExecutable
    /// What was started so far (and, in the foreground, this process itself).
    var records: [RunRecord] = []

    init(options: UpOptions) {
        self.options = options
        runDir = RunDirectory(options.directory)
        topology = LocalTopology(dataPorts: options.dataPorts, sentinelPorts: options.sentinelPorts)
    }

    mutating func run() -> Int32 {
        let started = Date()
        // Ctrl-C and SIGTERM from here on: noticed between steps, never fatal,
        // so nothing started is left behind.
        vigil_install_shutdown_signals()
        vigil_ignore_sigpipe()

        guard let templates = LocalTopology.templateDirectory(explicit: options.configs, executable: vigil) else {
            return fail("cannot find the deployment's configs (configs/local): run from the repository, or pass --configs DIR")
        }
        var redisServer = "", redisSentinel = ""
        if options.redis {
            guard let s = Executables.onPath("redis-server"), let t = Executables.onPath("redis-sentinel") else {
                return fail("--redis needs redis-server and redis-sentinel on PATH")
            }
            (redisServer, redisSentinel) = (s, t)
        }
        if let refusal = takeOverRunDirectory() { return fail(refusal) }
        let taken = topology.members.filter { !PortCheck.isFree($0.port) }
        if !taken.isEmpty {
            let list = taken.map { "\($0.port) (\($0.name))" }.joined(separator: ", ")
            return fail("port\(taken.count > 1 ? "s" : "") \(list) already in use on 127.0.0.1; nothing was started. "
                        + "Choose others with --port-base N or --ports A,B,C --sentinel-ports D,E,F")
        }

        // Fresh copies of the configs each time: the deployment starts as
        // configs/local describes it, whatever a failover left last time.
        do {
            try FileManager.default.createDirectory(atPath: runDir.path, withIntermediateDirectories: true)
            for m in topology.members {
                let template = try String(contentsOfFile: "\(templates)/\(m.name).conf", encoding: .utf8)
                try topology.render(template: template, member: m, run: runDir)
                    .write(toFile: runDir.configPath(m.name), atomically: true, encoding: .utf8)
                if !m.isSentinel {
                    try FileManager.default.createDirectory(atPath: runDir.dataPath(m.name), withIntermediateDirectories: true)
                }
            }
            if !options.detach {
                records.append(RunRecord(name: "up", role: "supervisor", port: 0, pid: getpid(),
                                         startTime: LocalProcesses.startTime(getpid()) ?? 0,
                                         argv: [vigil, "up"] + CommandLine.arguments.dropFirst(2)))
                try runDir.write(records)
            }
        } catch {
            return fail("cannot prepare \(runDir.path): \(error)")
        }

        let flavour = options.redis ? "redis-server and redis-sentinel" : "vigil-server and vigil-sentinel"
        print("Starting \(flavour) in \(runDir.path)")
        let deadline = started.addingTimeInterval(options.timeout)
        let convergence = Convergence(topology: topology)
        // The data nodes in sync before the sentinels start: a sentinel's
        // first INFO of the master then lists both replicas, where it would
        // otherwise learn of a late one only at its next INFO, 10 s later.
        if let failed = start(topology.members.filter { !$0.isSentinel }, until: deadline,
                              redis: (redisServer, redisSentinel)) { return failed }
        if case .failed(let status) = waitFor({ convergence.checkDataNodes() }, until: deadline) { return status }
        if let failed = start(topology.members.filter(\.isSentinel), until: deadline,
                              redis: (redisServer, redisSentinel)) { return failed }
        let outcome = waitFor({ convergence.check() }, until: deadline)
        guard case .converged(let snapshot) = outcome else {
            if case .failed(let status) = outcome { return status }
            return 1
        }
        printTopology(snapshot, after: Date().timeIntervalSince(started))

        if options.detach {
            print("Detached: stop it with `vigil down \(options.directory)`.")
            return 0
        }
        return follow()
    }

    /// Starts `members` and waits until each answers; nil, or the exit
    /// status after stopping everything.
    mutating func start(_ members: [LocalTopology.Member], until deadline: Date,
                        redis: (server: String, sentinel: String)) -> Int32? {
        var fresh: [RunRecord] = []
        for m in members {
            let argv: [String]
            if options.redis {
                argv = [vigil, ExecChild.command, m.isSentinel ? redis.sentinel : redis.server, runDir.configPath(m.name)]
            } else {
                argv = [vigil, m.isSentinel ? "sentinel" : "server", runDir.configPath(m.name)]
            }
            do {
                let pid = try ChildSpawner.spawn(argv, log: runDir.logPath(m.name), detached: options.detach)
                let record = RunRecord(name: m.name, role: m.role, port: m.port, pid: pid,
                                       startTime: LocalProcesses.startTime(pid) ?? 0, argv: argv)
                records.append(record)
                fresh.append(record)
                try runDir.write(records)
            } catch {
                return abort("\(m.name) did not start: \(error)")
            }
            if interrupted { return abort("interrupted") }
        }
        // Every process answering, or the one that is not named with its log.
        for r in fresh {
            while !Self.answers(r.port) {
                if let ended = exited(r) {
                    return abort("\(r.name) (\(r.address), pid \(r.pid)) \(ended) during start-up; the end of \(runDir.logPath(r.name)):\n"
                                 + Self.tail(runDir.logPath(r.name)))
                }
                if interrupted { return abort("interrupted") }
                if Date() >= deadline {
                    return abort("\(r.name) (\(r.address), pid \(r.pid)) did not answer within \(options.timeout)s; see \(runDir.logPath(r.name))")
                }
                usleep(20_000)
            }
        }
        return nil
    }

    enum Outcome {
        case converged(Convergence.Snapshot)
        case failed(Int32)
    }

    /// Polls `check` until nothing is pending; a child that ends, an
    /// interrupt or the deadline stop everything.
    mutating func waitFor(_ check: () -> Convergence.Snapshot, until deadline: Date) -> Outcome {
        var snapshot = check()
        while !snapshot.pending.isEmpty {
            if let dead = children.first(where: { exited($0) != nil }) {
                return .failed(abort("\(dead.name) (\(dead.address), pid \(dead.pid)) ended during start-up; see \(runDir.logPath(dead.name))"))
            }
            if interrupted { return .failed(abort("interrupted")) }
            if Date() >= deadline {
                return .failed(abort("the deployment did not converge within \(options.timeout)s:\n  "
                                     + snapshot.pending.joined(separator: "\n  ")))
            }
            usleep(50_000)
            snapshot = check()
        }
        return .converged(snapshot)
    }

    /// The data nodes and sentinels (not this process).
    var children: [RunRecord] { records.filter { $0.role != "supervisor" } }

    var interrupted: Bool { vigil_shutdown_requested() != 0 }

    /// The event stream, until Ctrl-C or SIGTERM; then everything stops.
    mutating func follow() -> Int32 {
        print("Events (Ctrl-C stops the deployment):")
        fflush(nil)
        let stream = EventStream(sentinelPorts: topology.sentinelPorts)
        var gone = Set<Int32>()
        while !interrupted {
            stream.pump(for: 0.5) { interrupted }
            for r in children where !gone.contains(r.pid) {
                if let ended = exited(r) {
                    gone.insert(r.pid)
                    print("\(EventLines.timestamp(Date()))  \(r.name) (\(r.address), pid \(r.pid)) \(ended)")
                    fflush(nil)
                }
            }
        }
        stream.close()
        print("")
        stopAll()
        return 0
    }

    /// Non-nil when the child has ended: how.
    func exited(_ r: RunRecord) -> String? {
        var status: Int32 = 0
        let rc = waitpid(r.pid, &status, WNOHANG)
        if rc == r.pid {
            let signal = status & 0x7f
            return signal != 0 ? "was killed by signal \(signal)" : "exited with status \((status >> 8) & 0xff)"
        }
        if rc == 0 { return nil }
        return LocalProcesses.isAlive(r.pid) ? nil : "ended"
    }

    /// The run directory may hold a previous deployment: refused when any of
    /// its processes still runs, cleaned when all are gone (a crashed or
    /// killed `vigil up`). Returns the refusal, if any.
    func takeOverRunDirectory() -> String? {
        let old = runDir.read()
        guard !old.isEmpty || runDir.exists else { return nil }
        let alive = old.filter(LocalProcesses.isOurs)
        if !alive.isEmpty {
            let list = alive.map { "\($0.name) pid \($0.pid)" }.joined(separator: ", ")
            return "a deployment is already running in \(runDir.path) (\(list)): stop it with `vigil down \(options.directory)`"
        }
        runDir.clear(old)
        print("\(runDir.path) was left by a vigil up that did not stop (pids \(old.map { String($0.pid) }.joined(separator: ", ")) are gone): cleaned")
        return nil
    }

    /// Sentinels first (so they do not fail over while the data nodes stop),
    /// then the data nodes; says what it stopped.
    mutating func stopAll() {
        let kids = children.filter { exited($0) == nil }
        let stopped = LocalProcesses.stop(kids.filter { $0.role == "sentinel" }, grace: 5)
            + LocalProcesses.stop(kids.filter { $0.role != "sentinel" }, grace: 5)
        for (r, how) in stopped { print("\(how) \(r.name) (\(r.address), pid \(r.pid))") }
        print("Stopped \(stopped.count) process\(stopped.count == 1 ? "" : "es") started in \(runDir.path).")
        runDir.clear(records)
        records.removeAll()
    }

    mutating func fail(_ message: String) -> Int32 {
        printError("vigil up: \(message)")
        return 1
    }

    /// Start-up failed after something was started: stop it all, then fail.
    mutating func abort(_ message: String) -> Int32 {
        printError("vigil up: \(message)")
        if !children.isEmpty { stopAll() } else { runDir.clear(records) }
        return 1
    }

    func printTopology(_ s: Convergence.Snapshot, after seconds: Double) {
        let byName = Dictionary(uniqueKeysWithValues: children.map { ($0.name, $0) })
        func pad(_ t: String, _ w: Int) -> String { EventLines.pad(t, w) }
        print(String(format: "Healthy after %.1fs: %@ monitored as %@ by 3 sentinels, quorum 2", seconds,
                     "127.0.0.1:\(topology.masterPort)", LocalTopology.masterName))
        for m in topology.members {
            let pid = byName[m.name].map { "pid \($0.pid)" } ?? ""
            var detail = ""
            switch m.role {
            case "master": detail = "offset \(s.masterOffset)"
            case "replica":
                if let r = s.replicas[m.port] { detail = "link \(r.link), offset \(r.offset)" }
            default:
                if let v = s.sentinels[m.port] {
                    detail = "sees master \(v.master), \(v.replicas) replicas, \(v.otherSentinels) other sentinels"
                }
            }
            print("  \(pad(m.role, 9)) \(pad("127.0.0.1:\(m.port)", 16)) \(pad(m.name, 11)) \(pad(pid, 10)) \(detail)")
        }
        print("Configs, logs and pidfiles in \(runDir.path)")
        fflush(nil)
    }

    static func answers(_ port: Int) -> Bool {
        (try? Convergence.call(port, ["PING"])).map { !($0.string ?? "").hasPrefix("LOADING") } ?? false
    }

    static func tail(_ path: String, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).map { "  " + $0 }.joined(separator: "\n")
    }
}
