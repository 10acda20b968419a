import Keyspace

extension RDBReader {
    /// rdbLoadObject: the value of `type`, in the in-memory encoding Redis
    /// would choose by the configured thresholds; nil for an empty collection.
    mutating func readValue(type: UInt8, typeOffset: Int) throws -> Value? {
        let at = pos
        switch type {
        case RDBType.string:
            let span = try readStringSpan()
            return .string(withBytes(of: span) { StringValue(choosingEncodingOf: $0) })
        case RDBType.list:
            let n = try readCount()
            var elements: [[UInt8]] = []
            elements.reserveCapacity(capacity(n, minBytes: 1))
            for _ in 0..<n { elements.append(try readString()) }
            return elements.isEmpty ? nil : .list(ListValue(elements, fill: limits.listMaxListpackSize))
        case RDBType.set:
            let n = try readCount()
            let s = n > limits.setMaxIntsetEntries ? SetValue(kind: .strings) : SetValue()
            for _ in 0..<n {
                let m = try readStringSpan()
                if !withBytes(of: m, { s.add($0, maxIntsetEntries: limits.setMaxIntsetEntries) }) {
                    throw corrupt("Duplicate set members detected", at: at)
                }
            }
            return s.isEmpty ? nil : .set(s)
        case RDBType.zset, RDBType.zset2:
            let n = try readCount()
            var entries: [(member: [UInt8], score: Double)] = []
            entries.reserveCapacity(capacity(n, minBytes: 2))
            var seen = Set<Key>()
            for _ in 0..<n {
                let m = try readString()
                let score = type == RDBType.zset2 ? Double(bitPattern: try readLE(8)) : try readTextDouble()
                if score.isNaN { throw corrupt("Zset with NAN score detected", at: at) }
                guard seen.insert(Key(m)).inserted else { throw corrupt("Duplicate zset fields detected", at: at) }
                entries.append((m, score))
            }
            return entries.isEmpty ? nil : .zset(makeZset(entries))
        case RDBType.hash:
            let n = try readCount()
            let h = HashValue()
            if n > limits.hashMaxListpackEntries { h.convertToTable() }
            for _ in 0..<n {
                let f = try readString()
                let v = try readString()
                if h.contains(f) { throw corrupt("Hash with dup elements", at: at) }
                h.set(f, v, maxEntries: limits.hashMaxListpackEntries, maxValue: limits.hashMaxListpackValue)
            }
            return h.isEmpty ? nil : .hash(h)
        case RDBType.setIntset:
            let blob = try readString()
            guard let ints = IntsetCodec.decode(blob) else { throw corrupt("Intset integrity check failed.", at: at) }
            if ints.isEmpty { return nil }
            let width = Int(blob[0])
            let s: SetValue
            if ints.count > limits.setMaxIntsetEntries {
                s = SetValue(kind: .strings)
            } else {
                s = SetValue(kind: width == 2 ? .int16 : width == 4 ? .int32 : .int64)
            }
            for v in ints {
                var d: [UInt8] = []
                appendDecimalValue(v, to: &d)
                s.add(d, maxIntsetEntries: limits.setMaxIntsetEntries)
            }
            return .set(s)
        case RDBType.listZiplist:
            let blob = try readString()
            guard let els = ZiplistReader.elements(blob) else { throw corrupt("List ziplist integrity check failed.", at: at) }
            return els.isEmpty ? nil : .list(ListValue(els.map { $0.asBytes }, fill: limits.listMaxListpackSize))
        case RDBType.listQuicklist:
            let nodes = try readCount()
            var elements: [[UInt8]] = []
            for _ in 0..<nodes {
                let blob = try readString()
                // An empty node is what rdbLoadObject takes for a failed read.
                if blob.isEmpty { throw shortRead() }
                guard let els = ZiplistReader.elements(blob) else { throw corrupt("Ziplist integrity check failed.", at: at) }
                for e in els { elements.append(e.asBytes) }
            }
            return elements.isEmpty ? nil : .list(ListValue(elements, fill: limits.listMaxListpackSize))
        case RDBType.listQuicklist2:
            // Each listpack's elements go straight into the list's nodes.
            let nodes = try readCount()
            let list = ListValue()
            let fill = ListFill(limits.listMaxListpackSize)
            for _ in 0..<nodes {
                let container = try readLength()
                guard container == 1 || container == 2 else { throw corrupt("Quicklist integrity check failed.", at: at) }
                let blob = try readStringSpan()
                if withBytes(of: blob, { $0.isEmpty }) { throw shortRead() }
                let ok = withBytes(of: blob) { raw -> Bool in
                    if container == 1 {
                        list.pushBack(raw, fill: fill)
                        return true
                    }
                    return ListpackReader.forEach(raw) { e in e.withBytes { list.pushBack($0, fill: fill) } }
                }
                guard ok else { throw corrupt("Listpack integrity check failed.", at: at) }
            }
            return list.isEmpty ? nil : .list(list)
        case RDBType.hashListpack:
            let span = try readStringSpan()
            let what = "Hash listpack integrity check failed."
            let h = HashValue()
            let ok = try withBytes(of: span) { raw -> Bool in
                guard let n = ListpackReader.count(raw), n % 2 == 0 else { return false }
                if n / 2 > limits.hashMaxListpackEntries { h.convertToTable() }
                var field: PackedRef?
                try ListpackReader.forEachCounted(raw) { e in
                    guard let f = field else {
                        field = e
                        return
                    }
                    field = nil
                    let added = f.withBytes { f in
                        e.withBytes { h.set(f, $0, maxEntries: limits.hashMaxListpackEntries, maxValue: limits.hashMaxListpackValue) }
                    }
                    if !added { throw corrupt(what, at: at) }
                }
                return true
            }
            guard ok else { throw corrupt(what, at: at) }
            return h.isEmpty ? nil : .hash(h)
        case RDBType.hashZiplist:
            let blob = try readString()
            let what = "Hash ziplist integrity check failed."
            guard let els = ZiplistReader.elements(blob), els.count % 2 == 0 else {
                throw corrupt(what, at: at)
            }
            if els.isEmpty { return nil }
            let h = HashValue()
            if els.count / 2 > limits.hashMaxListpackEntries { h.convertToTable() }
            var i = 0
            while i < els.count {
                let f = els[i].asBytes
                if h.contains(f) { throw corrupt(what, at: at) }
                h.set(f, els[i + 1].asBytes, maxEntries: limits.hashMaxListpackEntries, maxValue: limits.hashMaxListpackValue)
                i += 2
            }
            return .hash(h)
        case RDBType.zsetZiplist, RDBType.zsetListpack:
            let span = try readStringSpan()
            let isLP = type == RDBType.zsetListpack
            if isLP, let z = withBytes(of: span, { sortedPackedZset($0) }) { return z.isEmpty ? nil : .zset(z) }
            let blob = withBytes(of: span) { Array($0) }
            let what = isLP ? "Zset listpack integrity check failed." : "Zset ziplist integrity check failed."
            guard let els = isLP ? ListpackReader.elements(blob) : ZiplistReader.elements(blob), els.count % 2 == 0 else {
                throw corrupt(what, at: at)
            }
            if els.isEmpty { return nil }
            var entries: [(member: [UInt8], score: Double)] = []
            entries.reserveCapacity(els.count / 2)
            var seen = Set<Key>()
            var i = 0
            while i < els.count {
                let m = els[i].asBytes
                let score: Double
                switch els[i + 1] {
                case .int(let v): score = Double(v)
                case .bytes(let b):
                    guard let d = parseScore(b) else { throw corrupt(what, at: at) }
                    score = d
                }
                if score.isNaN { throw corrupt("Zset with NAN score detected", at: at) }
                guard seen.insert(Key(m)).inserted else { throw corrupt(what, at: at) }
                entries.append((m, score))
                i += 2
            }
            return .zset(makeZset(entries))
        case RDBType.hashZipmap:
            // Converted on load as Redis does: a listpack hash, or a table
            // when a field or value is longer or the pairs more than the limits allow.
            let blob = try readString()
            guard let pairs = ZipmapReader.pairs(blob) else { throw corrupt("Zipmap integrity check failed.", at: at) }
            let h = HashValue()
            let longest = pairs.reduce(0) { max($0, $1.field.count, $1.value.count) }
            if pairs.count > limits.hashMaxListpackEntries || longest > limits.hashMaxListpackValue { h.convertToTable() }
            for (field, value) in pairs {
                if h.contains(field) {
                    throw corrupt("Hash zipmap with dup elements, or big length (\(field.count))", at: at)
                }
                h.set(field, value, maxEntries: limits.hashMaxListpackEntries, maxValue: limits.hashMaxListpackValue)
            }
            return .hash(h)
        case RDBType.module, RDBType.module2:
            let id = try readLength()
            throw corrupt("The RDB file contains module data I can't load: no matching module type '\(moduleName(id))'", at: typeOffset)
        case RDBType.streamListpacks, RDBType.streamListpacks2:
            return .stream(try readStream(type: type))
        default:
            throw corrupt("Unknown RDB encoding type \(type)", at: typeOffset)
        }
    }

    /// A listpack zset built in place when it is what Redis writes: sorted
    /// by (score, member), string members, small enough to stay a listpack.
    /// nil for anything else, which the general path decides (and words the
    /// error of, for a corrupt one).
    func sortedPackedZset(_ lp: UnsafeRawBufferPointer) -> SortedSetValue? {
        guard let n = ListpackReader.count(lp), n % 2 == 0, n / 2 <= limits.zsetMaxListpackEntries else { return nil }
        let z = SortedSetValue()
        var ok = true
        var member: UnsafeRawBufferPointer?
        var previous: (member: UnsafeRawBufferPointer, score: Double)?
        ListpackReader.forEachCounted(lp) { e in
            guard ok else { return }
            guard let m = member else {
                guard case .bytes(let b) = e, b.count <= limits.zsetMaxListpackValue else {
                    ok = false
                    return
                }
                member = b
                return
            }
            member = nil
            let score: Double
            switch e {
            case .int(let v): score = Double(v)
            case .bytes(let b):
                guard let d = parseScore(b), !d.isNaN else {
                    ok = false
                    return
                }
                score = d
            }
            if let p = previous, p.score > score || (p.score == score && compareMembers(p.member, m) >= 0) {
                ok = false
                return
            }
            previous = (m, score)
            ok = z.appendSorted(m, score)
        }
        return ok ? z : nil
    }

    func parseScore(_ b: UnsafeRawBufferPointer) -> Double? {
        guard b.count > 0, b.count < 128 else { return nil }
        return Double(String(decoding: b, as: UTF8.self))
    }

    /// Type 3's scores: a length byte (253 NaN, 254 +inf, 255 -inf) then text.
    mutating func readTextDouble() throws -> Double {
        let at = pos
        let n = try readByte()
        switch n {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let b = try readBytes(Int(n))
            guard let d = parseScore(b) else { throw corrupt("Invalid double value", at: at) }
            return d
        }
    }

    func parseScore(_ b: [UInt8]) -> Double? {
        b.withUnsafeBytes { parseScore($0) }
    }

    /// zsets are sorted by (score, member) and take the encoding the
    /// loader's thresholds give (rdbLoadObject converts after loading).
    func makeZset(_ entries: [(member: [UInt8], score: Double)]) -> SortedSetValue {
        let sorted = entries.sorted { a, b in
            if a.score != b.score { return a.score < b.score }
            return compareBytes(a.member, b.member) < 0
        }
        return SortedSetValue(sorted: sorted, limits: ZsetLimits(maxEntries: limits.zsetMaxListpackEntries,
                                                                 maxValue: limits.zsetMaxListpackValue))
    }

    /// A DUMP payload's body: type byte and value, nothing else.
    mutating func readTypedValue() throws -> Value? {
        let at = pos
        let type = try readByte()
        if type >= RDBOpcode.function2 { throw corrupt("Unknown RDB encoding type \(type)", at: at) }
        return try readValue(type: type, typeOffset: at)
    }
}
