import Deployment
import Foundation
import Glibc

extension NodeProcess {
    /// Waits for the process to end by itself (a refused start-up, a crash,
    /// a shutdown); true once it has, false at the deadline.
    public func waitForExit(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(10_000) }
        return !isRunning
    }
}
