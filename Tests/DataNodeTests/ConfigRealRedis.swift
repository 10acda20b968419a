import Foundation
import Glibc
import Protocol
import XCTest

/// A real redis-server for differential config tests: started on a free
/// loopback port in a temporary directory, killed and removed at the end.
final class ConfigRealRedis {
    let port: Int
    let directory: String
    private let process: Process
    private var fd: Int32 = -1

    /// Skips the test when redis-server is not installed, unless
    /// VIGIL_REQUIRE_INTEROP=1, which makes that a failure.
    static func executable() throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/redis-server"
            if access(p, X_OK) == 0 { return p }
        }
        if ProcessInfo.processInfo.environment["VIGIL_REQUIRE_INTEROP"] == "1" {
            XCTFail("redis-server is not on PATH and VIGIL_REQUIRE_INTEROP=1")
        }
        throw XCTSkip("redis-server is not on PATH: skipping the comparison with real Redis")
    }

    static func freePort() -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func makeTempDir() -> String {
        var template = Array("/tmp/vigil-cfgtest-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Starts redis-server on `configFile`, which must set port, bind and dir.
    init(configFile: String) throws {
        let exe = try ConfigRealRedis.executable()
        let text = try String(contentsOfFile: configFile, encoding: .utf8)
        guard let portLine = text.split(separator: "\n").first(where: { $0.hasPrefix("port ") }),
              let port = Int(portLine.dropFirst(5)) else { throw XCTSkip("config file without a port line") }
        directory = ConfigRealRedis.makeTempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = [configFile]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        for _ in 0..<200 where p.isRunning {
            if let c = ConfigRealRedis.connect(port) {
                self.port = port
                self.process = p
                self.fd = c
                return
            }
            usleep(20_000)
        }
        if p.isRunning { p.terminate(); p.waitUntilExit() }
        throw NSError(domain: "ConfigRealRedis", code: 1, userInfo: [NSLocalizedDescriptionKey: "redis-server \(configFile) did not start"])
    }

    init(extraArgs: [String] = []) throws {
        let exe = try ConfigRealRedis.executable()
        directory = ConfigRealRedis.makeTempDir()
        var lastError = "no attempt"
        for _ in 0..<5 {
            let port = ConfigRealRedis.freePort()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory] + extraArgs
            p.currentDirectoryURL = URL(fileURLWithPath: directory)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait for it to accept connections (or to die, e.g. port taken).
            for _ in 0..<200 where p.isRunning {
                if let c = ConfigRealRedis.connect(port) {
                    self.port = port
                    self.process = p
                    self.fd = c
                    return
                }
                usleep(20_000)
            }
            lastError = "redis-server on port \(port) did not start"
            if p.isRunning { p.terminate(); p.waitUntilExit() }
        }
        throw NSError(domain: "ConfigRealRedis", code: 1, userInfo: [NSLocalizedDescriptionKey: lastError])
    }

    deinit {
        if fd >= 0 { close(fd) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func connect(_ port: Int) -> Int32? {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r == 0 { return s }
        close(s)
        return nil
    }

    /// Sends one command and returns its decoded reply.
    func call(_ args: [String]) throws -> RESPValue {
        let req = RESPWriter.command(args)
        var off = 0
        while off < req.count {
            let n = req.withUnsafeBytes { write(fd, $0.baseAddress! + off, req.count - off) }
            if n <= 0 { throw NSError(domain: "ConfigRealRedis", code: 2) }
            off += n
        }
        var buf: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let (v, _) = try ReplyParser().parse(buf) { return v }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw NSError(domain: "ConfigRealRedis", code: 3) }
            buf += chunk[0..<n]
        }
    }

    /// CONFIG GET as name -> value.
    func configGet(_ pattern: String) throws -> [String: String] {
        let v = try call(["CONFIG", "GET", pattern])
        let items = v.elements ?? []
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            out[items[i].string ?? ""] = items[i + 1].string ?? ""
            i += 2
        }
        return out
    }

    /// CONFIG SET's reply as the server core would return it: nil for +OK,
    /// else the error line.
    func configSet(_ pairs: [(String, String)]) throws -> String? {
        let v = try call(["CONFIG", "SET"] + pairs.flatMap { [$0.0, $0.1] })
        if case .error(let e) = v { return String(decoding: e, as: UTF8.self) }
        return nil
    }

    /// What `redis-server <args>` prints on stderr when its configuration is
    /// rejected, and whether it was rejected (exit 1 before listening).
    static func startupError(_ args: [String], cwd: String) throws -> (rejected: Bool, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try executable())
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return (text.contains("*** FATAL CONFIG FILE ERROR"), text)
    }
}
