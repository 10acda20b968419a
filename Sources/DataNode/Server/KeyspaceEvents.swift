import Keyspace

/// notify.c: keyspace notifications. An event is published on
/// `__keyspace@<db>__:<key>` (message: the event) when K is set and on
/// `__keyevent@<db>__:<event>` (message: the key) when E is set, through the
/// ordinary pub/sub delivery, synchronously during the command.
extension Server {
    @inline(__always)
    func notifyKeyspaceEvent(_ type: Int, _ event: StaticString, _ key: Key, db: Int) {
        // Nearly every write calls this: one test of a cached Int when it is off.
        guard hot.notifyKeyspaceEvents & type != 0 else { return }
        publishKeyspaceEvent(event, key.bytes, db: db)
    }

    @inline(__always)
    func notifyKeyspaceEvent(_ type: Int, _ event: StaticString, _ key: [UInt8], db: Int) {
        guard hot.notifyKeyspaceEvents & type != 0 else { return }
        publishKeyspaceEvent(event, key, db: db)
    }

    private func publishKeyspaceEvent(_ event: StaticString, _ key: [UInt8], db: Int) {
        let flags = hot.notifyKeyspaceEvents
        let name = event.withUTF8Buffer { Array($0) }
        let dbPart = Array("@\(db)__:".utf8)
        if flags & ConfigNotifyFlags.keyspace != 0 {
            _ = PubSubCommands.publishMessage(self, from: nil, channel: Array("__keyspace".utf8) + dbPart + key, message: name)
        }
        if flags & ConfigNotifyFlags.keyevent != 0 {
            _ = PubSubCommands.publishMessage(self, from: nil, channel: Array("__keyevent".utf8) + dbPart + name, message: key)
        }
    }
}

/// The event classes, short for the many call sites.
typealias Notify = ConfigNotifyFlags
