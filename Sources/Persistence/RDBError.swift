/// Why a file or payload could not be read: the byte offset where reading
/// stopped and a message in Redis's words where Redis has them.
public struct RDBError: Error, Equatable, CustomStringConvertible, Sendable {
    public var offset: Int
    public var message: String
    /// A line the server logs before the error itself (the checksums of a CRC error).
    public var warning: String?

    public init(offset: Int, message: String, warning: String? = nil) {
        self.offset = offset
        self.message = message
        self.warning = warning
    }

    public var description: String { "\(message) (at offset \(offset))" }
}

/// A write the sink could not complete (full disk, closed descriptor...).
public struct RDBWriteError: Error, Equatable, CustomStringConvertible, Sendable {
    public var errno: Int32
    public var message: String

    public init(errno: Int32, message: String) {
        self.errno = errno
        self.message = message
    }

    public var description: String { message }
}
