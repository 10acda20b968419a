import CVigilShim
import Foundation
import Glibc

/// Loopback TCP ports for the processes a program starts.
public enum Ports {
    private final class Ledger: @unchecked Sendable {
        let lock = NSLock()
        var handedOut: Set<Int> = []
    }
    private static let ledger = Ledger()

    /// A TCP port nothing listens on now, chosen by the kernel, never handed
    /// out twice in this process. Ports above 55535 are skipped so that
    /// port+10000 (Redis's cluster bus) stays valid too.
    public static func free() -> Int {
        for _ in 0..<200 {
            let fd = vigil_listen_tcp("127.0.0.1", 0, 1)
            if fd < 0 { continue }
            let port = Int(vigil_local_port(fd))
            Glibc.close(fd)
            if port <= 0 || port > 55535 { continue }
            ledger.lock.lock()
            let fresh = ledger.handedOut.insert(port).inserted
            ledger.lock.unlock()
            if fresh { return port }
        }
        fatalError("no free TCP port found")
    }
}
