import Keyspace

/// Where the dispatch meets the feed: commands that wrote, served blocked
/// clients and expired keys.
extension Server {
    /// After call() ran a command, with a consumer attached.
    func propagate(_ c: Client, _ cmd: Command, _ argv: [[UInt8]], wrote: Bool) {
        let rewrite = cmd.propagationRewrite
        feed.commandFinished(db: c.dbIndex, argv: argv, wrote: wrote, propagatesItself: cmd.isExec,
                             outermost: callDepth == 0, rewrite: rewrite.map { r in { r(self, c, argv) } })
    }

    /// A blocked client was served: its own unit, in the form the serve step chose.
    func propagateServed(_ c: Client, db: Int, argv: [[UInt8]], wrote: Bool) {
        feed.commandFinished(db: db, argv: argv, wrote: wrote, propagatesItself: false, outermost: true, rewrite: nil)
    }

    /// A key deleted because its time passed (lazily or by the active cycle):
    /// a DEL, or UNLINK under lazyfree-lazy-expire, sent at once.
    func propagateExpired(db: Database, key: Key) {
        guard feed.isActive else { return }
        feed.propagateNow(db: db.id, [PropagationRewrites.expiredDeletion(self), key.bytes])
    }
}
