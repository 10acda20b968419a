import CoreKit
import Glibc
import Keyspace

extension HyperLogLogCommands {
    /// PFSELFTEST: Redis's checks of register access, of sparse/dense agreement
    /// and of the estimator's error, with Redis's TESTFAILED texts.
    static func pfselftest(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var rng = FastRandom()
        var dense = [UInt8](repeating: 0, count: HLL.denseSize)
        var bytes = [UInt8](repeating: 0, count: HLL.registers)

        // Test 1: every register keeps its value and leaves its neighbours alone.
        for _ in 0..<1000 {
            let failure: String? = dense.withUnsafeMutableBufferPointer { buf in
                let r = buf.baseAddress! + HLL.headerSize
                for i in 0..<HLL.registers {
                    let v = UInt8.random(in: 0...63, using: &rng)
                    bytes[i] = v
                    HLL.denseSet(r, i, v)
                }
                for i in 0..<HLL.registers {
                    let v = HLL.denseGet(r, i)
                    if v != bytes[i] { return "TESTFAILED Register \(i) should be \(bytes[i]) but is \(v)" }
                }
                return nil
            }
            if let failure {
                client.replyError(failure)
                return
            }
        }

        // Test 2: a dense and a sparse HLL fed the same elements agree, within the expected error.
        for i in HLL.headerSize..<dense.count { dense[i] = 0 }
        var sparse = HLL.empty()
        let maxBytes = server.config.hllSparseMaxBytes
        let relerr = 1.04 / Double(HLL.registers).squareRoot()
        var checkpoint = 1
        let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        for j in 1...10_000_000 {
            let (index, count) = withUnsafeBytes(of: (UInt64(j) ^ seed).littleEndian) { HLL.patternLength($0) }
            _ = HLL.denseRaise(&dense, index, count)
            _ = HLL.raise(&sparse, index, count, maxBytes: maxBytes)
            guard j == checkpoint else { continue }
            if j < maxBytes / 2 && sparse[4] != HLL.sparse {
                client.replyError("TESTFAILED sparse encoding not used")
                return
            }
            let denseCount = HLL.count(dense) ?? 0
            if denseCount != HLL.count(sparse) ?? 0 {
                client.replyError("TESTFAILED dense/sparse disagree")
                return
            }
            var maxerr = UInt64((relerr * 6 * Double(checkpoint)).rounded(.up))
            // Collisions make cardinality 10 err more than the formula allows, now and then.
            if j == 10 { maxerr = 1 }
            let abserr = abs(Int64(checkpoint) - Int64(bitPattern: denseCount))
            if abserr > Int64(maxerr) {
                client.replyError("TESTFAILED Too big error. card:\(checkpoint) abserr:\(abserr)")
                return
            }
            checkpoint *= 10
        }
        client.out.ok()
    }
}
