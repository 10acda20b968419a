/// The table library (ltablib.c), raw accesses as in Lua 5.1.
extension LuaVM {
    func openTable() {
        let t = LuaTable()
        globals.set("table", .table(t))
        register(t, "getn") { vm, base, nargs in
            vm.result(base, .number(Double(try vm.checkTable(base, nargs, 0, "getn").length)))
        }
        register(t, "setn") { _, _, _ in throw LuaError.message("'setn' is obsolete") }
        register(t, "maxn") { vm, base, nargs in
            vm.result(base, .number(try vm.checkTable(base, nargs, 0, "maxn").maxn))
        }
        register(t, "insert") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "insert")
            var e = tab.length + 1
            let pos: Int
            switch nargs {
            case 2: pos = e
            case 3:
                pos = try vm.checkInt(base, nargs, 1, "insert")
                if pos > e { e = pos }
                var i = e
                while i > pos { try tab.set(int: i, tab.get(int: i - 1)); i -= 1 }
            default:
                throw LuaError.message("wrong number of arguments to 'insert'")
            }
            try tab.set(int: pos, vm.stack[base + nargs - 1])
            return 0
        }
        register(t, "remove") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "remove")
            let e = tab.length
            var pos = try vm.optInt(base, nargs, 1, "remove", e)
            if !(1 <= pos && pos <= e) { return 0 }
            let v = tab.get(int: pos)
            while pos < e { try tab.set(int: pos, tab.get(int: pos + 1)); pos += 1 }
            try tab.set(int: e, .nil_)
            return vm.result(base, v)
        }
        register(t, "concat") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "concat")
            let sep = try vm.optString(base, nargs, 1, "concat", [])
            let i = try vm.optInt(base, nargs, 2, "concat", 1)
            let j = vm.arg(base, nargs, 3).isNil ? tab.length : try vm.checkInt(base, nargs, 3, "concat")
            var out: [UInt8] = []
            if i <= j {
                var k = i
                while true {
                    let v = tab.get(int: k)
                    guard let b = v.stringBytes else {
                        throw LuaError.message("invalid value (\(v.typeName)) at index \(k) in table for 'concat'")
                    }
                    out.append(contentsOf: b)
                    if k == j { break }
                    out.append(contentsOf: sep)
                    try vm.checkLength(out.count)
                    k += 1
                }
            }
            return vm.result(base, .str(out))
        }
        register(t, "sort") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "sort")
            let n = tab.length
            let cmp = vm.arg(base, nargs, 1)
            if !cmp.isNil, case .function = cmp {} else if !cmp.isNil {
                throw vm.typeError(base, nargs, 1, "sort", "function")
            }
            var sorter = TableSorter(vm: vm, t: tab, cmp: cmp)
            try sorter.auxsort(1, n)
            return 0
        }
        register(t, "foreach") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "foreach")
            let f = vm.arg(base, nargs, 1)
            var k = LuaValue.nil_
            while let (key, v) = try tab.next(k) {
                let r = try vm.call(f, [key, v]).first ?? .nil_
                if !r.isNil { return vm.result(base, r) }
                k = key
            }
            return 0
        }
        register(t, "foreachi") { vm, base, nargs in
            let tab = try vm.checkTable(base, nargs, 0, "foreachi")
            let f = vm.arg(base, nargs, 1)
            let n = tab.length
            if n >= 1 {
                for i in 1...n {
                    let r = try vm.call(f, [.number(Double(i)), tab.get(int: i)]).first ?? .nil_
                    if !r.isNil { return vm.result(base, r) }
                }
            }
            return 0
        }
    }
}

/// Lua 5.1's quicksort (ltablib.c auxsort), step for step, so that the
/// result with an inconsistent comparator and its error match Lua's.
struct TableSorter {
    let vm: LuaVM
    let t: LuaTable
    let cmp: LuaValue

    func lt(_ a: LuaValue, _ b: LuaValue) throws -> Bool {
        if cmp.isNil { return try vm.lessThan(a, b) }
        return try vm.call1(cmp, a, b).truthy
    }
    func get(_ i: Int) -> LuaValue { t.get(int: i) }
    func set(_ i: Int, _ v: LuaValue) throws { try t.set(int: i, v) }

    mutating func auxsort(_ lo: Int, _ up: Int) throws {
        var l = lo, u = up
        while l < u {
            // sort elements a[l], a[(l+u)/2] and a[u]
            if try lt(get(u), get(l)) { let a = get(l), b = get(u); try set(l, b); try set(u, a) }
            if u - l == 1 { break }
            var i = (l + u) / 2
            if try lt(get(i), get(l)) { let a = get(i), b = get(l); try set(i, b); try set(l, a) }
            else if try lt(get(u), get(i)) { let a = get(i), b = get(u); try set(i, b); try set(u, a) }
            if u - l == 2 { break }
            let p = get(i)
            // swap pivot a[i] with a[u-1]
            let x = get(u - 1)
            try set(i, x); try set(u - 1, p)
            i = l
            var j = u - 1
            while true {
                i += 1
                while try lt(get(i), p) {
                    if i > u { throw LuaError.message("invalid order function for sorting") }
                    i += 1
                }
                j -= 1
                while try lt(p, get(j)) {
                    if j < l { throw LuaError.message("invalid order function for sorting") }
                    j -= 1
                }
                if j < i { break }
                let a = get(i), b = get(j); try set(i, b); try set(j, a)
            }
            let a = get(u - 1), b = get(i); try set(u - 1, b); try set(i, a)
            if i - l < u - i {
                j = l; i = i - 1; l = i + 2
            } else {
                j = i + 1; i = u; u = j - 2
            }
            try auxsort(j, i)
        }
    }
}
