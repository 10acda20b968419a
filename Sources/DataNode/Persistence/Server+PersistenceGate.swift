/// processCommand's refusals that come from persistence: -LOADING while the
/// dataset loads, -MISCONF for writes (and PING, as 7.0) after a failed BGSAVE.
extension Server {
    func persistenceRefusal(_ c: Client, _ cmd: Command) -> String? {
        if persistence.loading {
            let denied = !cmd.flags.contains(.loading)
                || (cmd.isExec && c.multiQueue.contains { !$0.command.flags.contains(.loading) })
            if denied { return PersistenceState.loadingError }
        }
        if rdbDeniesWrites {
            let writes = cmd.flags.contains(.write) || (cmd.isExec && c.multiQueue.contains { effectiveFlags($0.command, $0.argv).contains(.write) })
            if writes || cmd.fullName == "ping" { return PersistenceState.misconfError }
        }
        return nil
    }

    /// writeCommandsDeniedByDiskError's RDB half.
    var rdbDeniesWrites: Bool {
        // Asked before every command: the save points (a copied array) only
        // after the common answer, a last BGSAVE that did not fail.
        if persistence.lastBgsaveOK { return false }
        return PersistenceState.deniesWrites(stopWritesOnBgsaveError: config.stopWritesOnBgsaveError,
                                      hasSavePoints: !config.saveParams.isEmpty, lastBgsaveOK: persistence.lastBgsaveOK)
    }

    /// writeCommandsGetDiskErrorMessage: the refusal a write gets while the
    /// last BGSAVE failed (stop-writes-on-bgsave-error) or the AOF can't be written.
    var diskErrorRefusal: String? {
        rdbDeniesWrites ? PersistenceState.misconfError : aofWriteRefusal
    }
}
