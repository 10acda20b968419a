/// The one-background-child slot as this branch sees it: only the rewrite
/// child. Branch `save` owns the shared slot (BackgroundChild, with the same
/// `hasActiveChildProcess`); on merge this file goes and the rewrite child
/// takes that slot with kind .aof.
extension Server {
    var hasActiveChildProcess: Bool { aof.childPid != -1 }
}
