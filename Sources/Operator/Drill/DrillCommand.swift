import Foundation
import Glibc

/// `vigil drill KIND`: runs the drill `--repeat` times, waiting for the
/// deployment to be healthy between runs, and reports. Exit status 0 when
/// every run completed, 1 on bad input, 2 when the deployment did not
/// converge (the report still says what happened so far).
enum DrillCommand {
    static func run(arguments: [String]) -> Int32 {
        let options: DrillOptions
        do {
            options = try DrillOptions.parse(arguments)
        } catch .help {
            print(DrillOptions.usage)
            return 0
        } catch {
            printError(error.description)
            return 1
        }
        let (report, failure) = execute(options)
        if options.json {
            print(report.json())
        } else if !report.runs.isEmpty {
            print(report.text(), terminator: "")
        }
        switch failure {
        case nil: return 0
        case .badInput(let m)?:
            printError("vigil drill: \(m)")
            return 1
        case .notConverged(let m)?:
            printError("vigil drill: the deployment did not converge: \(m)")
            return 2
        }
    }

    /// Every run, and why the drill stopped early if it did.
    static func execute(_ options: DrillOptions) -> (DrillReport, DrillFailure?) {
        var view = SentinelView(sentinels: options.sentinels, masterName: options.masterName)
        var runs: [RunResult] = []
        var failure: DrillFailure?
        do {
            try view.discover()
            for i in 1...options.repeats {
                if !options.json {
                    printError("vigil drill \(options.kind.rawValue): run \(i)/\(options.repeats), sentinels "
                               + view.sentinels.map(\.description).joined(separator: " "))
                }
                let (result, killed, replicasBefore) = try DrillRun(options: options, view: view, index: i).run()
                runs.append(result)
                if let problem = result.problem { throw DrillFailure.notConverged(problem) }
                // After the last run too: a drill leaves the deployment whole, with
                // the old master back as a replica, for the next drill or `vigil status`.
                if let killed {
                    do {
                        let pid = try killed.restart()
                        RunDirectory.recordReplacement(argv: killed.arguments, oldPid: killed.pid, newPid: pid)
                    } catch {
                        throw DrillFailure.notConverged("restarting the old master (pid \(killed.pid): \(killed.arguments.joined(separator: " "))) failed: \(error)")
                    }
                }
                // A master shut down remotely stays down: one replica fewer from now on.
                let gone = options.kind == .killMaster && killed == nil ? 1 : 0
                try DeploymentHealth(view: view, replicas: replicasBefore - gone).wait(seconds: options.timeoutSeconds)
            }
        } catch let e as DrillFailure {
            failure = e
        } catch {
            failure = .notConverged("\(error)")
        }
        return (DrillReport(kind: options.kind.rawValue, masterName: options.masterName, rate: options.rate,
                            wait: options.waitReplicas, runs: runs), failure)
    }
}

/// Standard error without a forced newline (the progress line rewrites itself).
func writeStandardError(_ text: String) {
    _ = text.withCString { write(2, $0, strlen($0)) }
}

extension DrillOptions {
    static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }
}
