/// SLOWLOG entries, newest first, as Redis's slowlog.c keeps them.
public struct Slowlog {
    public struct Entry {
        public let id: Int
        public let unixTime: Int
        public let durationUs: Int64
        public let args: [[UInt8]]
        public let clientAddress: String
        public let clientName: [UInt8]
    }

    static let maxArgs = 32
    static let maxArgLength = 128

    public private(set) var entries: [Entry] = []
    public private(set) var nextId = 0

    public init() {}

    /// Records a command; arguments are trimmed exactly as Redis trims them.
    public mutating func push(args: [[UInt8]], durationUs: Int64, unixTime: Int, client: Client, maxLen: Int) {
        var kept: [[UInt8]] = []
        let argc = min(args.count, Self.maxArgs)
        for j in 0..<argc {
            if argc != args.count && j == argc - 1 {
                kept.append(Array("... (\(args.count - argc + 1) more arguments)".utf8))
            } else if args[j].count > Self.maxArgLength {
                kept.append(Array(args[j][0..<Self.maxArgLength]) + Array("... (\(args[j].count - Self.maxArgLength) more bytes)".utf8))
            } else {
                kept.append(args[j])
            }
        }
        entries.insert(Entry(id: nextId, unixTime: unixTime, durationUs: durationUs, args: kept,
                             clientAddress: client.address, clientName: client.name ?? []), at: 0)
        nextId += 1
        trim(maxLen)
    }

    public mutating func trim(_ maxLen: Int) {
        if entries.count > max(maxLen, 0) { entries.removeLast(entries.count - max(maxLen, 0)) }
    }

    public mutating func reset() { entries.removeAll() }
}
