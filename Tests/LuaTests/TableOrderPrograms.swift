/// Programs whose output is the order `pairs` visits a table's keys: it
/// follows from the table's layout (array and hash sizes, hash functions,
/// collision placement), which must be Lua 5.1's for scripts to see what they
/// see in Redis. Strings stay under 32 bytes: past that stock 5.1 samples the
/// bytes it hashes and Redis's Lua hashes them all.
enum TableOrderPrograms {
    static let dump = """
    local function dump(t)
      local o = {}
      for k, v in pairs(t) do o[#o + 1] = tostring(k) .. "=" .. tostring(v) end
      print(table.concat(o, " "))
    end

    """

    static let programs: [(name: String, source: String)] = [
        ("constructor with string keys", dump + #"""
        dump({a = 1, b = 2, c = 3, foo = 'x', bar = 'y'})
        dump({one = 1}) dump({p = 1, q = 2, r = 3, s = 4, t = 5, u = 6, v = 7, w = 8, x = 9})
        """#),
        ("string keys added one by one", dump + #"""
        local t = {}
        for i, w in ipairs({"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
                            "theta", "iota", "kappa", "lambda", "mu", "nu", "xi"}) do
          t[w] = i
          dump(t)
        end
        """#),
        ("many string keys", #"""
        local big = {}
        for i = 1, 300 do big["key" .. (i * 37 % 301)] = i end
        local o = {}
        for k in pairs(big) do o[#o + 1] = k end
        print(table.concat(o, " "))
        """#),
        ("integer keys out of order", dump + #"""
        local n = {} for i = 1, 20 do n[i * 7 % 23] = i end dump(n)
        local g = {} g[3] = 3 g[1] = 1 g[2] = 2 g[4] = 4 g[8] = 8 dump(g)
        local sparse = {} for i = 1, 40 do sparse[i * i] = i end dump(sparse)
        """#),
        ("non-integer, negative and huge numbers", dump + #"""
        local f = {} for i = 1, 12 do f[i + 0.5] = i; f[-i] = i end dump(f)
        local z = {} z[0] = "zero" z[1e100] = 1 z[2^53] = 2 z[-1.25] = 3 z[1/3] = 4 dump(z)
        """#),
        ("mixed constructor", dump + #"""
        dump({10, 20, 30, x = 1, y = 2, [true] = "t", [false] = "f", [100] = "h", [2.5] = "q"})
        dump({x = 1, 1, y = 2, 2, [3] = 3, [4] = 4})
        """#),
        ("constructor ending in a call", dump + #"""
        local function v(...) return ... end
        dump({v(1, nil, 3)}) dump({n = 1, unpack({1, 2, 3})}) dump({5, 6, v(7, 8)})
        """#),
        ("deletions and re-insertions", dump + #"""
        local d = {} for i = 1, 16 do d["k" .. i] = i end
        for i = 1, 16, 3 do d["k" .. i] = nil end dump(d)
        for i = 1, 16, 3 do d["n" .. i] = i end dump(d)
        for i = 1, 16, 3 do d["k" .. i] = -i end dump(d)
        local r = {} for i = 1, 8 do r[i] = i end
        for i = 1, 8 do r[i] = nil end
        for i = 1, 8 do r["s" .. i] = i end dump(r)
        """#),
        ("array part with holes", dump + #"""
        local s = {} for i = 1, 10 do s[i] = i end s[5] = nil s[12] = 12 s[20] = 20 dump(s) print(#s)
        local h = {1, 2, 3, nil, 5, nil, nil, 8} print(#h) dump(h)
        local q = {} for i = 1, 30 do q[i] = i end
        for i = 1, 30, 2 do q[i] = nil end
        q.a = 1 q.b = 2 q[31] = 31 dump(q) print(#q)
        """#),
        ("length as the array part fills and empties", #"""
        local t = {}
        for i = 1, 20 do t[#t + 1] = i end
        local o = {}
        t[20] = nil o[#o + 1] = #t t[19] = nil o[#o + 1] = #t t[5] = nil o[#o + 1] = #t
        t[19] = 19 o[#o + 1] = #t t[5] = 5 o[#o + 1] = #t t[20] = 20 o[#o + 1] = #t
        for i = 20, 1, -1 do t[i] = nil if i % 3 == 0 then o[#o + 1] = #t end end
        t[3] = 3 o[#o + 1] = #t t[1] = 1 o[#o + 1] = #t t[2] = 2 o[#o + 1] = #t
        print(table.concat(o, " "))
        """#),
        ("assigning nil to an absent key", dump + #"""
        local t = {} t.x = nil t.y = 1 t.z = nil t.w = 2 dump(t)
        """#),
        ("booleans", dump + #"""
        local b = {} b[true] = 1 b[false] = 2 b.s = 3 b[1] = 4 dump(b)
        """#),
        ("next from a given key", #"""
        local t = {a = 1, b = 2, c = 3, d = 4, [1] = 5, [2.5] = 6}
        local k = next(t, "c") print(k) print(next(t, 2.5)) print(next(t, 1))
        """#),
        ("table library", dump + #"""
        local t = {} for i = 1, 10 do table.insert(t, i) end table.remove(t, 3) table.insert(t, 1, 0)
        t.x = 1 dump(t) print(#t, table.maxn(t))
        """#),
        ("arrays grown one key at a time, then given hash keys", dump + #"""
        for n = 1, 17 do
          local t = {} for i = 1, n do t[i] = i end
          t.k = n t[n + 1] = -1 t[n + 3] = -3 dump(t) print(#t)
        end
        local a = {} for i = 1, 9 do a[i] = i * 10 end
        a.x = 1 a.y = 2 a[10] = 100 a[11] = 110 dump(a) print(#a)
        local c = {} c[1] = 1 c[2] = nil c[2] = 2 c[3] = 3 c.z = 0 dump(c) print(#c)
        local h = {x = 1} for i = 1, 6 do h[i] = i end dump(h) print(#h)
        local g = {} for i = 1, 5 do g[i] = i end g[3] = nil g[6] = 6 g[7] = 7 g.q = 1 dump(g)
        """#),
    ]
}
