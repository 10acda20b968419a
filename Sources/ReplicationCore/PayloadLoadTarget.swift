/// Where a full sync's RDB is loaded from (repl-diskless-load, 7.0's
/// useDisklessLoad): decided when the payload's header arrives.
public enum PayloadLoadTarget: Sendable, Equatable {
    /// `disabled`, or `on-empty-db` over a dataset with keys: the payload
    /// is stored to a temp file that becomes the dump file, then loaded.
    case disk
    /// `on-empty-db` over an empty dataset: parsed from the socket into the
    /// flushed dataset.
    case parser
    /// `swapdb`: parsed into a new dataset; the old one is served until the
    /// new one loaded, and kept if it did not.
    case swapdb

    /// useDisklessLoad for the `repl-diskless-load` value and the dataset now.
    public static func choose(setting: String, datasetIsEmpty: Bool) -> PayloadLoadTarget {
        switch setting {
        case "swapdb": return .swapdb
        case "on-empty-db": return datasetIsEmpty ? .parser : .disk
        default: return .disk
        }
    }

    /// The end of readSyncBulkPayload's "receiving ..." line.
    var logName: String { self == .disk ? "to disk" : "to parser" }
    /// rdbLoad's source in the failure line.
    var sourceName: String { self == .disk ? "disk" : "socket" }
}
