import Keyspace

/// A collection whose members HDEL and SREM remove by name.
protocol MemberRemovable: AnyObject {
    func remove(_ member: [UInt8]) -> Bool
    var isEmpty: Bool { get }
}

extension HashValue: MemberRemovable {}
extension SetValue: MemberRemovable {}

enum MemberRemoval {
    /// HDEL and SREM once the key is found: removes the members named from
    /// argv[2] on, deletes the key as soon as it is empty (the rest then
    /// count for nothing, as in Redis), and replies how many went.
    static func removeNamed<V: MemberRemovable>(_ server: Server, _ client: Client, _ key: Key, _ value: V,
                                                _ argv: [[UInt8]], eventType: Int, event: StaticString) {
        var deleted = 0
        var keyRemoved = false
        for i in 2..<argv.count where value.remove(argv[i]) {
            deleted += 1
            if value.isEmpty {
                client.db.delete(key)
                keyRemoved = true
                break
            }
        }
        if deleted > 0 {
            if !keyRemoved { client.db.context.onModified?(client.db, key) }
            server.notifyKeyspaceEvent(eventType, event, key, db: client.db.id)
            if keyRemoved { server.notifyKeyspaceEvent(Notify.generic, "del", key, db: client.db.id) }
            server.dirty += deleted
        }
        client.out.integer(deleted)
    }
}
