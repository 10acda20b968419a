import Foundation

/// Which server a data node of a deployment runs.
public enum DataNodeKind: Sendable { case redis, vigil }

extension NodeProcess {
    /// The same executable with the same arguments, in the same directory,
    /// once this process has exited: a node restarted from its own files
    /// (dump.rdb, appendonlydir, a rewritten config). The new process owns
    /// the scratch directory from then on; this one no longer removes it.
    public func relaunchFromItsFiles(port: Int) throws -> NodeProcess {
        guard !isRunning else { throw DeploymentError("\(executable) on \(port) is still running") }
        let p = try NodeProcess.launch(executable: executable, arguments: arguments, workingDirectory: scratchDirectory)
        p.scratchDirectory = scratchDirectory
        scratchDirectory = nil
        do {
            try p.waitForPing(port: port)
        } catch {
            p.cleanUp()
            throw error
        }
        return p
    }
}
