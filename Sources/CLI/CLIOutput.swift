import Glibc

/// Where the CLI writes: stdout and stderr in the tool, buffers in tests.
public struct CLIOutput {
    public var out: ([UInt8]) -> Void
    public var err: ([UInt8]) -> Void

    public init(out: @escaping ([UInt8]) -> Void, err: @escaping ([UInt8]) -> Void) {
        self.out = out
        self.err = err
    }

    /// Unbuffered writes to fds 1 and 2, so replies show as they arrive.
    public static var standard: CLIOutput {
        CLIOutput(out: { writeAll(1, $0) }, err: { writeAll(2, $0) })
    }

    public func print(_ s: String) { out(Array(s.utf8)) }
    public func printError(_ s: String) { err(Array(s.utf8)) }
}

public func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
        if n > 0 { off += n; continue }
        if n < 0 && errno == EINTR { continue }
        return
    }
}

/// Collects CLI output in memory (tests, or callers wanting the text).
public final class CLICapture {
    public private(set) var out: [UInt8] = []
    public private(set) var err: [UInt8] = []

    public init() {}

    public var output: CLIOutput {
        CLIOutput(out: { [unowned self] in self.out += $0 }, err: { [unowned self] in self.err += $0 })
    }
    public var outText: String { String(decoding: out, as: UTF8.self) }
    public var errText: String { String(decoding: err, as: UTF8.self) }
    public func clear() { out.removeAll(); err.removeAll() }
}
