import CVigilShim
import Glibc

/// A port is taken when something already listens on it: binding it on
/// loopback fails. Checked for all six before anything starts.
enum PortCheck {
    static func isFree(_ port: Int) -> Bool {
        let fd = vigil_listen_tcp("127.0.0.1", Int32(port), 1)
        if fd < 0 { return false }
        close(fd)
        return true
    }
}
