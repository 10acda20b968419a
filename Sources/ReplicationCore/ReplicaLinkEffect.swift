import CoreKit

/// What the replica link asks its shell to do, in order.
public enum ReplicaLinkEffect: Sendable, Equatable {
    /// Open a connection to the master; answer with `connected` or `failed`.
    case connect(host: String, port: Int)
    /// Write bytes to the master.
    case send([UInt8])
    /// Close the connection; no `failed`/`closed` input follows.
    case close
    case log(LogLevel, String)
    /// A payload starts: `length` bytes, or nil for the EOF-mark form.
    case beginPayload(length: Int?)
    /// The next bytes of the RDB (never the EOF mark).
    case appendPayload([UInt8])
    /// The payload is complete: drop the old dataset, load it, answer with
    /// `payloadLoaded`. Stream bytes that followed it wait until then.
    case loadPayload
    /// The payload will not be loaded (the link failed during the transfer).
    case discardPayload
    /// Execute a command of the stream as the master client, without replying.
    case apply([[UInt8]])
    /// More of the buffered stream waits: call `continueStream` after a
    /// turn of the event loop (so that the master link is read meanwhile).
    case continueStream
    /// Exactly these stream bytes were applied: they go into this node's
    /// backlog and to its own replicas (chaining).
    case forward([UInt8])
    /// This node's backlog restarts empty after `offset` (after a full sync).
    case resetBacklog(offset: Int64)
    /// This node needs a backlog, empty after `offset` if it has none (after a partial sync).
    case ensureBacklog(offset: Int64)
    /// This node's own replicas must resync (its history id changed).
    case disconnectReplicas
    /// Dual-channel sync: open the snapshot connection to the master; answer
    /// with `snapshotConnected` or `snapshotClosed`.
    case connectSnapshot(host: String, port: Int)
    /// Write bytes on the snapshot connection.
    case sendSnapshot([UInt8])
    /// Close the snapshot connection; no `snapshotClosed` input follows.
    case closeSnapshot
    /// Dual-channel sync: stop reading the main link (the buffered stream
    /// filled this replica's limit); the master's buffer holds what follows.
    case holdMainLink
    /// Read the main link again (the snapshot is loaded).
    case releaseMainLink
}
