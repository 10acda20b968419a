import ACL
import Protocol

/// ACL changes that end connections, as Redis 7.0 does them. The caller
/// itself always gets its reply first (CLIENT_CLOSE_AFTER_COMMAND).
extension SentinelServer {
    /// ACLFreeUserAndKillClients: connections of deleted or replaced users
    /// close once their pending output is written (freeClientAsync).
    func disconnectClients(of users: [ACLUser], caller: ClientSession?) {
        guard !users.isEmpty else { return }
        for other in clients.values.sorted(by: { $0.id < $1.id }) {
            guard let u = other.user, users.contains(where: { $0 === u }) else { continue }
            other.user = acl.user("default")
            other.authenticated = false
            if other === caller {
                other.closeAfterReply = true
            } else {
                other.connection.closeAfterFlush()
            }
        }
    }

    /// ACLKillPubsubClientsIfNeeded: when SETUSER narrows a user's channels,
    /// its subscribers holding a subscription no longer allowed are freed.
    /// (7.0.15 frees a caller that is one of them while still serving it and
    /// crashes; here the caller gets its +OK and then the connection closes,
    /// as later Redis versions do.)
    func killPubsubClientsIfNeeded(_ staged: ACLUser, _ existing: ACLUser, caller: ClientSession) {
        if staged.keepsAllChannels(of: existing) { return }
        for other in clients.values.sorted(by: { $0.id < $1.id }) where other.user === existing && other.inPubSub {
            let allowed = other.patterns.allSatisfy { staged.keepsSubscription(Array($0.utf8), isPattern: true) }
                && other.channels.allSatisfy { staged.keepsSubscription(Array($0.utf8), isPattern: false) }
            if allowed { continue }
            if other === caller {
                other.closeAfterReply = true
            } else {
                other.connection.close(reason: "killed: channel permissions revoked")
            }
        }
    }
}
