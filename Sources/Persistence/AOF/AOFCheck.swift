/// redis-check-aof 7.0 over files given by a `AOFCheckFiles`: what it prints,
/// in its words, byte for byte, and its exit status. The rules are its own,
/// not the server loader's (a 128-byte line buffer for lengths, the CRLF after
/// each argument checked, MULTI/EXEC balance checked, the line counter
/// running on across the files of a manifest).
public struct AOFCheck {
    public var files: AOFCheckFiles
    public private(set) var output: [UInt8] = []

    /// The error text of the last failed read (global `error` in the tool:
    /// it is never cleared, so a later file reprints it).
    private var error: [UInt8] = []
    private var epos = 0
    private var line = 1
    /// readArgc's 128-byte line buffer as the last `*<argc>` line left it:
    /// for a line cut right after its number, the tool reports the byte
    /// after the C string's end, which is stale content from that earlier
    /// line (measured against redis-check-aof 7.0.15; after a `$` line the
    /// byte it shows is 00).
    private var argcBuffer = [UInt8](repeating: 0, count: 128)
    /// --truncate-to-timestamp: cut the last file at the first `#TS:` annotation
    /// after it (0: off, as the tool treats a 0 or an empty argument).
    private var toTimestamp = 0

    public init(files: AOFCheckFiles) {
        self.files = files
    }

    /// Runs the tool on argv (argv[0] the program name); returns the exit code.
    public mutating func main(_ argv: [String]) -> Int32 {
        let path: String
        var fix = false
        switch argv.count {
        case 2: path = argv[1]
        case 3 where argv[1] == "--fix":
            path = argv[2]
            fix = true
        case 4 where argv[1] == "--truncate-to-timestamp":
            // strtol with the whole argument consumed.
            let arg = Array(argv[2].utf8)[...]
            let (value, end) = CFileLines.strtol(arg)
            guard end == arg.endIndex else {
                print("Invalid timestamp, aborting...")
                return 1
            }
            toTimestamp = value
            path = argv[3]
        default:
            print("Usage: \(argv.first ?? "vigil-check-aof") [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>")
            return 1
        }
        do {
            switch try inputType(path) {
            case .manifest: try checkMultiPart(dir: Self.dirname(path), manifest: path, fix: fix)
            case .raw: try checkOldStyle(path, fix: fix, preamble: false)
            case .rdbPreamble: try checkOldStyle(path, fix: fix, preamble: true)
            }
        } catch {
            return 1
        }
        return 0
    }

    struct Exit: Error {}

    // MARK: input type

    enum InputType { case manifest, rdbPreamble, raw }

    mutating func inputType(_ path: String) throws(Exit) -> InputType {
        let (read, why) = files.open(path)
        guard let bytes = read else {
            print("Cannot open file \(path): \(why)")
            throw Exit()
        }
        if bytes.count >= 30 && bytes.starts(with: "file".utf8) { return .manifest }
        if bytes.count >= 8 && bytes.starts(with: "REDIS".utf8) { return .rdbPreamble }
        return .raw
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    // MARK: multi part

    mutating func checkMultiPart(dir: String, manifest path: String, fix: Bool) throws(Exit) {
        print("Start checking Multi Part AOF")
        guard let text = files.read(path) else {
            print("The AOF manifest file \(path) doesn't exist")
            throw Exit()
        }
        let m: AOFManifest
        do {
            m = try AOFManifest.parse(text)
        } catch {
            for l in error.reportLines { print(l) }
            throw Exit()
        }
        let order = m.loadOrder
        for (i, info) in order.enumerated() {
            let isBase = info.kind == .base
            let last = i == order.count - 1
            let filePath = dir + "/" + info.name
            var rdb = false
            if isBase, let b = files.read(filePath), b.count >= 8, b.starts(with: "REDIS".utf8) { rdb = true }
            if isBase { print("Start to check BASE AOF (\(rdb ? "RDB" : "RESP") format).") }
            if !isBase && (i == 0 || order[i - 1].kind == .base) { print("Start to check INCR files.") }
            let kind = isBase ? "BASE" : "INCR"
            switch try checkSingle(name: info.name, path: filePath, last: last, fix: fix, preamble: rdb) {
            case .ok: print("\(kind) AOF \(info.name) is valid")
            case .empty: print("\(kind) AOF \(info.name) is empty")
            case .truncated: print("Successfully truncated AOF \(info.name)")
            case .truncatedToTimestamp: print("Successfully truncated AOF \(info.name) to timestamp \(toTimestamp)")
            }
        }
        print("All AOF files and manifest are valid")
    }

    mutating func checkOldStyle(_ path: String, fix: Bool, preamble: Bool) throws(Exit) {
        print("Start checking Old-Style AOF")
        switch try checkSingle(name: path, path: path, last: true, fix: fix, preamble: preamble) {
        case .ok: print("AOF \(path) is valid")
        case .empty: print("AOF \(path) is empty")
        case .truncated: print("Successfully truncated AOF \(path)")
        case .truncatedToTimestamp: print("Successfully truncated AOF \(path) to timestamp \(toTimestamp)")
        }
    }

    // MARK: one file

    enum SingleResult { case ok, empty, truncated, truncatedToTimestamp }

    mutating func checkSingle(name: String, path: String, last: Bool, fix: Bool, preamble: Bool) throws(Exit) -> SingleResult {
        guard let bytes = files.read(path) else {
            print("Cannot open file: \(name), aborting...")
            throw Exit()
        }
        let size = bytes.count
        if size == 0 { return .empty }
        var f = CFileLines(bytes)
        if preamble {
            guard let check = files.checkRDB else {
                print("RDB preamble of AOF file cannot be checked: this build has no RDB reader, aborting.")
                throw Exit()
            }
            let (ok, lines, end) = check(bytes, name)
            for l in lines { print(l) }
            if !ok {
                print("RDB preamble of AOF file is not sane, aborting.")
                throw Exit()
            }
            print("RDB preamble is OK, proceeding with AOF tail...")
            f.pos = end
        }
        var pos = 0
        var multi = 0
        while true {
            if multi == 0 { pos = f.pos }
            guard let first = f.fgets(2) else { break }
            f.pos -= first.count
            if first.first == UInt8(ascii: "#") {
                epos = f.pos
                let annotation = f.fgets(AOFReplay.lineBuffer) ?? []
                if try cutAtTimestamp(annotation, name: path, path: path, last: last) { return .truncatedToTimestamp }
            } else if first.first == UInt8(ascii: "*") {
                if !processRESP(&f, path: path, multi: &multi) { break }
            } else {
                print("AOF \(name) format error")
                break
            }
        }
        if f.eofSeen && multi != 0 && error.isEmpty {
            setError(Array("Reached EOF before reading EXEC for MULTI".utf8))
        }
        if !error.isEmpty { printBytes(error) }
        let diff = size - pos
        if diff == 0 && toTimestamp != 0 {
            print("Truncate nothing in AOF \(name) to timestamp \(toTimestamp)")
            return .ok
        }
        print("AOF analyzed: filename=\(name), size=\(size), ok_up_to=\(pos), ok_up_to_line=\(line), diff=\(diff)")
        guard diff > 0 else { return .ok }
        guard fix else {
            print("AOF \(name) is not valid. Use the --fix option to try fixing it.")
            throw Exit()
        }
        if !last {
            print("Failed to truncate AOF \(name) because it is not the last file")
            throw Exit()
        }
        print("This will shrink the AOF \(name) from \(size) bytes, with \(diff) bytes, to \(pos) bytes")
        write(Array("Continue? [y/N]: ".utf8))
        guard files.confirm() else {
            print("Aborting...")
            throw Exit()
        }
        guard files.truncate(path, pos) else {
            print("Failed to truncate AOF \(name)")
            throw Exit()
        }
        return .truncated
    }

    /// processAnnotations: with --truncate-to-timestamp, the first `#TS:`
    /// later than it is where the last file is cut (true when it was).
    /// The messages name the file by its path, as the tool's do.
    private mutating func cutAtTimestamp(_ line: [UInt8], name: String, path: String, last: Bool) throws(Exit) -> Bool {
        guard toTimestamp != 0, line.starts(with: "#TS:".utf8) else { return false }
        let text = CFileLines.cString(line).dropFirst(4)
        let (ts, end, overflow) = CFileLines.strtolReportingRange(text)
        guard !overflow, end < text.endIndex, text[end] == 13 else {
            print("Invalid timestamp annotation")
            throw Exit()
        }
        if ts <= toTimestamp { return false }
        if epos == 0 {
            print("AOF \(path) has nothing before timestamp \(toTimestamp), aborting...")
            throw Exit()
        }
        if !last {
            print("Failed to truncate AOF \(path) to timestamp \(toTimestamp) to offset \(epos) because it is not the last file.")
            print("If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.")
            throw Exit()
        }
        guard files.truncate(path, epos) else {
            print("Failed to truncate AOF \(path) to timestamp \(toTimestamp)")
            throw Exit()
        }
        return true
    }

    private mutating func processRESP(_ f: inout CFileLines, path: String, multi: inout Int) -> Bool {
        var stale = argcBuffer
        let read = readLong(&f, prefix: UInt8(ascii: "*"), stale: &stale)
        argcBuffer = stale
        guard let argc = read else { return false }
        var i = 0
        while i < argc {
            guard let s = readString(&f) else { return false }
            if i == 0 {
                if AOFReplay.asciiEquals(Array(s), "multi") {
                    multi += 1
                    if multi - 1 != 0 {
                        setError(Array("Unexpected MULTI in AOF \(path)".utf8))
                        return false
                    }
                } else if AOFReplay.asciiEquals(Array(s), "exec") {
                    multi -= 1
                    if multi != 0 {
                        setError(Array("Unexpected EXEC in AOF \(path)".utf8))
                        return false
                    }
                }
            }
            i += 1
        }
        return true
    }

    private mutating func readLong(_ f: inout CFileLines, prefix: UInt8) -> Int? {
        var fresh = [UInt8](repeating: 0, count: 128)
        return readLong(&f, prefix: prefix, stale: &fresh)
    }

    private mutating func readLong(_ f: inout CFileLines, prefix: UInt8, stale: inout [UInt8]) -> Int? {
        epos = f.pos
        guard let buf = f.fgets(128) else { return nil }
        for (i, b) in buf.enumerated() { stale[i] = b }
        if buf.count < 128 { stale[buf.count] = 0 }
        let c = CFileLines.cString(buf)
        let first = c.first ?? 0
        if first != prefix {
            setError(Array("Expected prefix '".utf8) + [prefix] + Array("', got: '".utf8) + [first] + [UInt8(ascii: "'")])
            return nil
        }
        let (value, end) = CFileLines.strtol(c.dropFirst())
        // What follows the number, as a C string (past its end the tool
        // reads stale buffer bytes; 00 is what it shows in practice).
        let rest = c[end...]
        let b0 = rest.first ?? 0
        let b1 = rest.count > 1 ? rest[rest.startIndex + 1] : (end + 1 < stale.count ? stale[end + 1] : 0)
        guard consumeNewline(b0, b1) else { return nil }
        return value
    }

    private mutating func readString(_ f: inout CFileLines) -> ArraySlice<UInt8>? {
        guard let len = readLong(&f, prefix: UInt8(ascii: "$")) else { return nil }
        if len < 0 || len > Int.max - 2 {
            setError(Array("Expected to read string of \(len) bytes, which is not in the suitable range".utf8))
            return nil
        }
        epos = f.pos
        let data = f.fread(len + 2)
        if data.count != len + 2 {
            setError(Array("Expected to read \(len + 2) bytes, got \(data.count) bytes".utf8))
            return nil
        }
        guard consumeNewline(data[data.endIndex - 2], data[data.endIndex - 1]) else { return nil }
        return data.dropLast(2)
    }

    /// strncmp(buf, "\r\n", 2) on a C string; the two bytes reported as
    /// signed chars with %02x, as the tool prints them.
    private mutating func consumeNewline(_ b0: UInt8, _ b1: UInt8) -> Bool {
        if b0 == 13 && b1 == 10 {
            line += 1
            return true
        }
        func hex(_ b: UInt8) -> String {
            b >= 0x80 ? String(UInt32(bitPattern: Int32(Int8(bitPattern: b))), radix: 16) : (b < 16 ? "0" : "") + String(b, radix: 16)
        }
        setError(Array("Expected \\r\\n, got: \(hex(b0))\(hex(b1))".utf8))
        return false
    }

    private mutating func setError(_ message: [UInt8]) {
        let h = String(epos, radix: 16)
        error = Array("0x".utf8) + Array(repeating: 32, count: max(0, 16 - h.count)) + Array(h.utf8) + Array(": ".utf8) + message
    }

    // MARK: output

    private mutating func print(_ s: String) { write(Array(s.utf8) + [10]) }
    private mutating func printBytes(_ b: [UInt8]) { write(b + [10]) }
    private mutating func write(_ b: [UInt8]) {
        output.append(contentsOf: b)
        files.write(b)
    }
}

/// What the check reads, asks and changes: the files, the operator's answer
/// and the output stream (the executable gives real ones, tests fakes).
public struct AOFCheckFiles {
    /// The file's bytes, or nil and strerror's text.
    public var open: (String) -> (bytes: [UInt8]?, error: String)
    public func read(_ path: String) -> [UInt8]? { open(path).bytes }
    public var truncate: (String, Int) -> Bool
    public var confirm: () -> Bool
    public var write: ([UInt8]) -> Void
    /// Checks an RDB file or preamble: whether it is sane, the lines to print,
    /// and where the RDB part ends. nil until the RDB reader is built in.
    public var checkRDB: (([UInt8], String) -> (ok: Bool, lines: [String], end: Int))?

    public init(open: @escaping (String) -> (bytes: [UInt8]?, error: String), truncate: @escaping (String, Int) -> Bool,
                confirm: @escaping () -> Bool, write: @escaping ([UInt8]) -> Void,
                checkRDB: (([UInt8], String) -> (ok: Bool, lines: [String], end: Int))? = nil) {
        self.open = open
        self.truncate = truncate
        self.confirm = confirm
        self.write = write
        self.checkRDB = checkRDB
    }
}
