import Protocol

/// The script queue (notification-script, client-reconfig-script): at most
/// 256 jobs, 16 running, retries on exit 1 or a signal with a doubling delay,
/// -script-error / -script-timeout events. The IO layer spawns and reaps.
struct ScriptJob {
    let id: Int
    let argv: [String]
    var running = false
    var pid: Int32 = 0
    /// When it started, or (scheduled) the earliest time it may run again; 0 = at once.
    var startTime: Int64 = 0
    var retryNum = 0
}

extension SentinelCore {
    static let scriptMaxQueue = 256
    static let scriptMaxRunning = 16
    static let scriptMaxRetry = 10

    public var runningScripts: Int { scriptQueue.filter(\.running).count }
    public var scriptQueueLength: Int { scriptQueue.count }
    /// Children the shell reaps (a failed exec has no child: its pid is negative).
    public var runningScriptPIDs: [Int32] { scriptQueue.filter { $0.running && $0.pid > 0 }.map(\.pid) }

    func scheduleScript(_ argv: [String]) {
        scriptQueue.append(ScriptJob(id: nextScriptJob, argv: Array(argv.prefix(16))))
        nextScriptJob += 1
        if scriptQueue.count > Self.scriptMaxQueue, let i = scriptQueue.firstIndex(where: { !$0.running }) {
            scriptQueue.remove(at: i)
        }
    }

    func runPendingScripts() {
        var running = runningScripts
        for i in scriptQueue.indices where running < Self.scriptMaxRunning {
            if scriptQueue[i].running { continue }
            if scriptQueue[i].startTime != 0 && scriptQueue[i].startTime > now { continue }
            scriptQueue[i].running = true
            scriptQueue[i].startTime = now
            scriptQueue[i].retryNum += 1
            running += 1
            effects.append(.spawnScript(job: scriptQueue[i].id, argv: scriptQueue[i].argv))
        }
    }

    public func scriptStarted(job: Int, pid: Int32, now: Int64) -> [SentinelEffect] {
        input(now) {
            guard let i = scriptQueue.firstIndex(where: { $0.id == job }) else { return }
            scriptQueue[i].pid = pid
            event(.debug, "+script-child", nil, String(pid))
        }
    }

    /// fork failed: reported as signal 99, and tried again later.
    public func scriptSpawnFailed(job: Int, now: Int64) -> [SentinelEffect] {
        input(now) {
            guard let i = scriptQueue.firstIndex(where: { $0.id == job }) else { return }
            event(.warning, "-script-error", nil, "\(scriptQueue[i].argv[0]) 99 0")
            scriptQueue[i].running = false
            scriptQueue[i].pid = 0
        }
    }

    public func scriptExited(pid: Int32, exitCode: Int32, signal: Int32, now: Int64) -> [SentinelEffect] {
        input(now) {
            event(.debug, "-script-child", nil, "\(pid) \(exitCode) \(signal)")
            guard let i = scriptQueue.firstIndex(where: { $0.running && $0.pid == pid }) else {
                log(.warning, "waitpid() returned a pid (\(pid)) we can't find in our scripts execution queue!")
                return
            }
            if (signal != 0 || exitCode == 1) && scriptQueue[i].retryNum != Self.scriptMaxRetry {
                scriptQueue[i].running = false
                scriptQueue[i].pid = 0
                var delay = timings.scriptRetryDelay
                var n = scriptQueue[i].retryNum
                while n > 1 { delay *= 2; n -= 1 }
                scriptQueue[i].startTime = now + delay
            } else {
                if signal != 0 || exitCode != 0 {
                    event(.warning, "-script-error", nil, "\(scriptQueue[i].argv[0]) \(signal) \(exitCode)")
                }
                scriptQueue.remove(at: i)
            }
        }
    }

    func killTimedOutScripts() {
        for j in scriptQueue where j.running && j.pid != 0 && now - j.startTime > timings.scriptMaxRuntime {
            event(.warning, "-script-timeout", nil, "\(j.argv[0]) \(j.pid)")
            effects.append(.killScript(pid: j.pid))
        }
    }

    func pendingScripts() -> RESPValue {
        .array(scriptQueue.map { j in
            var kv: [RESPValue] = [.bulk("argv"), .array(j.argv.map { .bulk($0) }),
                                   .bulk("flags"), .bulk(j.running ? "running" : "scheduled"),
                                   .bulk("pid"), .bulk(String(j.pid))]
            if j.running {
                kv += [.bulk("run-time"), .bulk(String(now - j.startTime))]
            } else {
                let delay = j.startTime != 0 ? max(0, j.startTime - now) : 0
                kv += [.bulk("run-delay"), .bulk(String(delay))]
            }
            kv += [.bulk("retry-num"), .bulk(String(j.retryNum))]
            return .map(kv)
        })
    }
}
