import Keyspace
import Protocol

/// LCS: longest common subsequence of two string keys, as Redis 7.0's
/// lcsCommand (same dynamic programming table, same backward walk, so the
/// matches come out in the same order).
extension StringCommands {
    static func lcs(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        let oa = db.lookupRead(Key(argv[1]))
        let ob = db.lookupRead(Key(argv[2]))
        var a: [UInt8] = []
        var b: [UInt8] = []
        if let oa {
            guard case .string(let s) = oa else { return lcsTypeError(client) }
            a = s.bytes
        }
        if let ob {
            guard case .string(let s) = ob else { return lcsTypeError(client) }
            b = s.bytes
        }

        var getLen = false, getIdx = false, withMatchLen = false
        var minMatchLen: Int64 = 0
        var j = 3
        while j < argv.count {
            let opt = argv[j]
            let moreArgs = argv.count - 1 - j
            if argEquals(opt, "idx") {
                getIdx = true
            } else if argEquals(opt, "len") {
                getLen = true
            } else if argEquals(opt, "withmatchlen") {
                withMatchLen = true
            } else if argEquals(opt, "minmatchlen") && moreArgs > 0 {
                guard let v = integerArgument(client, argv[j + 1]) else { return }
                minMatchLen = max(v, 0)
                j += 1
            } else {
                client.replyError(StringReplies.syntax)
                return
            }
            j += 1
        }
        if getIdx && getLen {
            client.replyError("ERR If you want both the length and indexes, please just use IDX.")
            return
        }
        if a.count >= Int(UInt32.max) - 1 || b.count >= Int(UInt32.max) - 1 {
            client.replyError("ERR String too long for LCS")
            return
        }
        let alen = a.count, blen = b.count
        let (cells, o1) = (alen + 1).multipliedReportingOverflow(by: blen + 1)
        let (bytes, o2) = cells.multipliedReportingOverflow(by: 4)
        if o1 || o2 || bytes > server.config.protoMaxBulkLen {
            client.replyError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
            return
        }

        // table[i * (blen + 1) + j] = LCS length of a[0..<i] and b[0..<j].
        let stride = blen + 1
        var table = [UInt32](repeating: 0, count: cells)
        if alen > 0 && blen > 0 {
            table.withUnsafeMutableBufferPointer { t in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        for i in 1...alen {
                            let row = i * stride, prev = row - stride
                            let ca = pa[i - 1]
                            for j in 1...blen {
                                if ca == pb[j - 1] {
                                    t[row + j] = t[prev + j - 1] &+ 1
                                } else {
                                    let up = t[prev + j], left = t[row + j - 1]
                                    t[row + j] = up > left ? up : left
                                }
                            }
                        }
                    }
                }
            }
        }

        let total = Int(table[alen * stride + blen])
        let computeLCS = getIdx || !getLen
        var result = [UInt8](repeating: 0, count: computeLCS ? total : 0)
        // Each match: (a start, a end, b start, b end, length).
        var matches: [(Int, Int, Int, Int, Int)] = []
        var idx = total
        var i = alen, k = blen
        var aStart = alen, aEnd = 0, bStart = 0, bEnd = 0   // aStart == alen: no range open
        while computeLCS && i > 0 && k > 0 {
            var emit = false
            if a[i - 1] == b[k - 1] {
                result[idx - 1] = a[i - 1]
                if aStart == alen {
                    aStart = i - 1; aEnd = i - 1
                    bStart = k - 1; bEnd = k - 1
                } else if aStart == i && bStart == k {
                    // Contiguous with the open range: extend it backwards.
                    aStart -= 1
                    bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                idx -= 1; i -= 1; k -= 1
            } else {
                let up = table[(i - 1) * stride + k], left = table[i * stride + k - 1]
                if up > left { i -= 1 } else { k -= 1 }
                if aStart != alen { emit = true }
            }
            if emit {
                let matchLen = aEnd - aStart + 1
                if minMatchLen == 0 || Int64(matchLen) >= minMatchLen {
                    matches.append((aStart, aEnd, bStart, bEnd, matchLen))
                }
                aStart = alen
            }
        }

        if getIdx {
            client.out.mapHeader(2)
            client.out.bulk("matches")
            client.out.arrayHeader(matches.count)
            for m in matches {
                client.out.arrayHeader(withMatchLen ? 3 : 2)
                client.out.arrayHeader(2)
                client.out.integer(m.0)
                client.out.integer(m.1)
                client.out.arrayHeader(2)
                client.out.integer(m.2)
                client.out.integer(m.3)
                if withMatchLen { client.out.integer(m.4) }
            }
            client.out.bulk("len")
            client.out.integer(total)
        } else if getLen {
            client.out.integer(total)
        } else {
            client.out.bulk(result)
        }
    }

    private static func lcsTypeError(_ client: Client) {
        client.replyError("ERR The specified keys must contain string values")
    }
}
