import CVigilShim
import Glibc

/// Children of a foreground `vigil up` die with it, even when it is killed
/// with SIGKILL and has no chance to stop them: `vigil up` sets this variable
/// to its pid in their environment, and the `vigil server` / `vigil sentinel`
/// entry asks the kernel for a signal when that parent ends. Detached
/// deployments (`--detach`) do not get it: they outlive `vigil up`, and
/// `vigil down` finds them from their pidfiles.
public enum ChildLifetime {
    public static let parentVariable = "VIGIL_DIE_WITH_PARENT"

    /// Called first thing by the `vigil` executable.
    public static func followParentIfAsked() {
        guard let value = getenv(parentVariable) else { return }
        let expected = Int32(String(cString: value)) ?? -1
        // Not inherited further (a sentinel's scripts, a server's BGSAVE child).
        unsetenv(parentVariable)
        // SIGKILL rather than SIGTERM: a node a drill paused (SIGSTOP) would
        // keep a SIGTERM pending forever and outlive its parent.
        _ = vigil_set_parent_death_signal(SIGKILL)
        // The parent may have ended before the request was in place.
        if getppid() != expected { _exit(1) }
    }
}
