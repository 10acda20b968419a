/// Hand-written Lua programs, one per language area, whose output does not
/// depend on addresses, hash order or the random generator: the differential
/// test runs each through Vigil's interpreter and `lua5.1` and compares.
enum LuaCorpus {
    static let programs: [(name: String, source: String)] = [
        ("numbers", #"""
        print(1, -1, 0, -0, 1.5, 1e15, 1e14, 123456789012345, 2^53, 2^63, 1/0, -1/0)
        print(0.1, 1/3, 100/3, 3.14159265358979, 1e-10, 123.456e5, 5e-324)
        print(0x10, 0xff, 0XA, 1e2, .5, 3., 7 // 1 == nil)
        """#),
        ("arith", #"""
        print(7 + 3, 7 - 3, 7 * 3, 7 / 2, 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2)
        print(2 ^ 10, 2 ^ 0.5, (-8) ^ (1/3), 0/0 ~= 0/0, 10 - -2, - - 3)
        print("10" + 5, "3" * "4", 10 .. 20, "0x10" + 0, " 5 " * 2)
        print(1e308 * 10, -1e308 * 10, math.floor(-0.5), math.ceil(-0.5))
        print(5 // 2)
        """#),
        ("arith_ok", #"""
        print(7 + 3, 7 - 3, 7 * 3, 7 / 2, 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2)
        print(2 ^ 10, 2 ^ 0.5, 10 - -2, - - 3, 2^-1, 3 % math.huge, -3 % math.huge)
        print("10" + 5, "3" * "4", 10 .. 20, "0x10" + 0, " 5 " * 2, "1e1" + 0)
        print(1e308 * 10, -1e308 * 10, math.floor(-0.5), math.ceil(-0.5))
        print(1 == 1.0, "1" == 1, 1 < 2, "a" < "b", "Z" < "a", "abc" < "abd", "" < "a", "a" <= "a")
        """#),
        ("strings_lex", #"""
        print("a\tb\\c\"d'e", 'single "q"', "\65\066\0670", "line1\
        line2", [[long
        string]], [==[with ]] inside]==], #"\0abc")
        print([[
        first newline skipped]])
        -- comment
        --[[ long
        comment ]] print("after comment")
        --[==[ another ]==] print("x")
        print("\a\b\f\v" == string.char(7, 8, 12, 11), "\z")
        """#),
        ("locals_scopes", #"""
        local a, b, c = 1, 2
        print(a, b, c)
        local x = 10
        do local x = 20; print(x) end
        print(x)
        local p, q = (function() return 1, 2, 3 end)()
        print(p, q)
        local r, s, t = (function() return 1, 2, 3 end)(), 10
        print(r, s, t)
        a, b = b, a
        print(a, b)
        local i = 1
        local arr = {}
        i, arr[i] = i + 1, 20
        print(i, arr[1], arr[2])
        """#),
        ("closures", #"""
        local function counter()
          local n = 0
          return function() n = n + 1; return n end, function() return n end
        end
        local inc, get = counter()
        inc(); inc()
        print(get(), inc(), get())
        local fs = {}
        for i = 1, 3 do fs[#fs + 1] = function() return i end end
        for _, v in ipairs({"a", "b"}) do fs[#fs + 1] = function() return v end end
        local j = 0
        while j < 2 do j = j + 1; local k = j * 10; fs[#fs + 1] = function() return k end end
        repeat local z = "r"; fs[#fs + 1] = function() return z end until true
        for _, f in ipairs(fs) do io_write = nil; print(f()) end
        local function outer()
          local a = 1
          local function mid()
            local function inner() a = a + 1; return a end
            return inner
          end
          return mid(), function() return a end
        end
        local f1, f2 = outer()
        f1(); f1()
        print(f2())
        local shared = {}
        for i = 1, 2 do
          local v = i
          shared[i] = {get = function() return v end, set = function(x) v = x end}
        end
        shared[1].set(100)
        print(shared[1].get(), shared[2].get())
        """#),
        ("varargs", #"""
        local function f(...) return select('#', ...), ... end
        print(f())
        print(f(nil, nil))
        print(f(1, nil, 3))
        local function g(a, ...) local t = {...}; return a, #t, t[1], t[2] end
        print(g(1, 2, 3))
        print((f(1, 2, 3)))
        local function h(...) local a, b = ...; return b, a end
        print(h(1, 2))
        print(select(-1, 1, 2, 3), select(2, "a", "b", "c"))
        local function pass(...) return ... end
        print(pass(1, 2, 3), pass(4, 5))
        print({pass(1, 2, 3)}[3] == nil)
        """#),
        ("varargs_ok", #"""
        local function f(...) return select('#', ...), ... end
        print(f())
        print(f(nil, nil))
        print(f(1, nil, 3))
        local function g(a, ...) local t = {...}; return a, #t, t[1], t[2] end
        print(g(1, 2, 3))
        print((f(1, 2, 3)))
        local function h(...) local a, b = ...; return b, a end
        print(h(1, 2))
        print(select(-1, 1, 2, 3), select(2, "a", "b", "c"))
        local function pass(...) return ... end
        print(pass(1, 2, 3), pass(4, 5))
        local t = {pass(1, 2, 3), pass(4, 5)}
        print(#t, t[1], t[2], t[3])
        print(unpack({1, 2, 3}))
        print(unpack({1, 2, 3}, 2))
        print(unpack({1, 2, 3}, 2, 5))
        """#),
        ("control", #"""
        for i = 1, 3 do print("up", i) end
        for i = 3, 1, -1 do print("down", i) end
        for i = 1, 0 do print("never") end
        for i = 1.5, 3 do print("frac", i) end
        for i = 1, 2, 0.5 do print("half", i) end
        local n = 0
        while true do n = n + 1; if n > 5 then break end end
        print(n)
        local k = 0
        repeat local done = k >= 3; k = k + 1 until done
        print(k)
        for i = 1, 10 do if i % 2 == 0 then print("even", i) elseif i == 5 then print("five") else end if i > 6 then break end end
        local t = {}
        for i = 1, 3 do for j = 1, 3 do if j > i then break end t[#t + 1] = i .. j end end
        print(table.concat(t, ","))
        local x = nil
        if x then print("x") elseif x == false then print("false") else print("nil") end
        """#),
        ("logic", #"""
        print(nil and 1, false and 1, 1 and 2, nil or 1, false or nil, 1 or error("no"))
        print(not nil, not 0, not "", 1 and nil or 3, (nil or false) and 1)
        local a = 5
        print(a > 3 and "big" or "small", a < 3 and "big" or "small")
        print(1 == 1 and 2 == 2, 1 ~= 1 or 2 ~= 3, not (1 == 2))
        local function t() print("called"); return true end
        local r = false and t()
        r = true or t()
        print(r)
        """#),
        ("tables", #"""
        local t = {10, 20, 30, n = 3, [5] = 50, ["key with space"] = 1}
        print(#t, t.n, t[5], t["key with space"], t[4])
        t[#t + 1] = 40
        print(#t, t[4])
        t.n = nil
        print(t.n)
        local u = {}
        for i = 1, 100 do u[i] = i * i end
        print(#u, u[50], u[100])
        for i = 100, 51, -1 do u[i] = nil end
        print(#u)
        local nested = {a = {b = {c = "deep"}}}
        print(nested.a.b.c)
        local keys = {}
        for k in pairs({x = 1, y = 2, z = 3, 1, 2}) do keys[#keys + 1] = tostring(k) end
        table.sort(keys)
        print(table.concat(keys, " "))
        local m = {[1.5] = "f", [true] = "t", [-1] = "neg", [0] = "zero"}
        print(m[1.5], m[true], m[-1], m[0], m[2^53])
        print(rawget(t, 1), rawequal(t, t), rawequal(t, u), next({}))
        local s = {}
        s[1] = 1; s[2] = 2; s[3] = 3
        print(select('#', unpack(s)))
        local cnt = 0
        for k, v in pairs({a = 1, b = 2, c = 3}) do cnt = cnt + v end
        print(cnt)
        """#),
        ("table_lib", #"""
        local t = {}
        table.insert(t, "a"); table.insert(t, "c"); table.insert(t, 2, "b"); table.insert(t, 1, "z")
        print(table.concat(t, ","), #t)
        print(table.remove(t), table.remove(t, 1), table.concat(t, ","), table.remove({}), #t)
        print(table.concat({1, 2.5, "x"}, "-", 2, 3), table.concat({}, "x"), table.concat({1, 2}, ", ", 3))
        print(table.getn({1, 2, 3}), table.maxn({1, 2, [10] = 3, [2.5] = 4}))
        local s = {5, 3, 9, 1, 7, 2, 8, 6, 4}
        table.sort(s); print(table.concat(s, " "))
        table.sort(s, function(a, b) return a > b end); print(table.concat(s, " "))
        local w = {"banana", "apple", "Cherry", "date"}
        table.sort(w); print(table.concat(w, " "))
        local recs = {{n = "b", a = 2}, {n = "a", a = 2}, {n = "c", a = 1}}
        table.sort(recs, function(x, y) if x.a ~= y.a then return x.a < y.a end return x.n < y.n end)
        for _, r in ipairs(recs) do print(r.n, r.a) end
        local big = {}
        for i = 1, 200 do big[i] = (i * 7919) % 211 end
        table.sort(big)
        local ok = true
        for i = 2, 200 do if big[i - 1] > big[i] then ok = false end end
        print(ok, big[1], big[200])
        print(pcall(table.sort, {1, "x", 2}))
        print(pcall(table.insert, {}, 1, 2, 3))
        print(pcall(table.concat, {1, {}, 3}))
        """#),
        ("string_lib", #"""
        local s = "Hello, World"
        print(s:len(), s:upper(), s:lower(), s:reverse(), s:sub(1, 5), s:sub(-5), s:sub(3, -3), s:sub(0), s:sub(20), s:sub(-100, 2))
        print(s:byte(1), s:byte(-1), s:byte(1, 3), string.char(72, 105), ("x"):rep(3), ("ab"):rep(0), ("ab"):rep(-1))
        print(string.byte(""), string.len(""), #s)
        print(s:find("World"), s:find("o"), s:find("o", 6), s:find("xyz"), s:find(""), s:find("", 20), s:find("l+"))
        print(s:find(".", 1, true), s:find("o, W", 1, true), s:match("(%a+), (%a+)"), s:match("%d"))
        print(string.format("%d %5d %-5d| %05d %x %X %o %c %e %.3f %g %g %g", 42, 42, 42, 42, 255, 255, 8, 65, 12345.678, 3.14159, 0.0001, 1e20, 100))
        print(string.format("%s %10s %-10s| %.2s %q %%", "str", "right", "left", "abc", 'he said "hi"\n\0'))
        print(string.format("%5.1f|%+d|% d|%#x|%#o", 3.14159, 5, 5, 255, 8))
        print(string.format("%d", 3.9), string.format("%d", -3.9), string.format("%x", 2^40))
        print(tostring(1e15), tostring(-1e15), tostring(123456.789e3), 2^31, -2^31)
        """#),
        ("patterns", #"""
        print(string.match("key=value", "(%w+)=(%w+)"))
        print(string.match("  trim  ", "^%s*(.-)%s*$") .. "|")
        print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
        print(string.match("hello", "()ll()"))
        print(string.match("f(a(b)c)d", "%b()"))
        print(string.find("THE (quick) fox", "%f[%a]%a+"), string.gsub("THE (quick) fox", "%f[%a]%a+", "W"))
        print(string.match("abc", "^(a)"), string.match("abc", "^b"), string.match("abc", "c$"), string.match("a$c", "a$c"))
        print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("aaa", "a*"), string.match("", "a*"), string.match("xay", "a?y"))
        print(string.match("[test]", "%[(.-)%]"), string.match("x.y", "%."), string.match("a1b2", "[%d]"), string.match("abc", "[^a]+"), string.match("a-z", "[a%-]+"))
        print(string.match("hello hello", "(h%a+) %1"), string.match("abcabc", "(a)(b)(c)%1%2%3"))
        print(string.gsub("hello world", "o", "0"), string.gsub("hello", "", "-"), string.gsub("abc", "%w", "%0%0"), string.gsub("abc", "b", "%%"))
        print(string.gsub("hello world", "%w+", string.upper), string.gsub("a=1, b=2", "(%w+)=(%w+)", "%2=%1"))
        print(string.gsub("$x and $y", "%$(%w+)", {x = "X", y = 42}), string.gsub("abc", "%w", {a = false, b = "B"}))
        print(string.gsub("hello", "l", "L", 1), string.gsub("abc", "^.", "X"), string.gsub("  x", "^%s+", ""))
        local words = {}
        for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
        print(table.concat(words, "|"))
        for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do print(k, v) end
        for p in string.gmatch("abc", "()") do io_w = p end
        print(pcall(string.match, "x", "("), pcall(string.match, "x", "%"), pcall(string.match, "x", "[a"), pcall(string.gsub, "x", "(x)", "%2"))
        print(string.find("a+b", "+", 1, true), string.find("a.b", "%."), ("%d"):rep(2))
        print(string.match("  123abc", "^%s*(%d+)"), string.match("ÀB", "%u"), string.match("x\0y", "%z"))
        print(string.gsub("abc", ".", {a = 1, b = true}))
        """#),
        ("patterns_ok", #"""
        print(string.match("key=value", "(%w+)=(%w+)"))
        print(string.match("  trim  ", "^%s*(.-)%s*$") .. "|")
        print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
        print(string.match("hello", "()ll()"))
        print(string.match("f(a(b)c)d", "%b()"))
        print(string.find("THE (quick) fox", "%f[%a]%a+"), string.gsub("THE (quick) fox", "%f[%a]%a+", "W"))
        print(string.match("abc", "^(a)"), string.match("abc", "^b"), string.match("abc", "c$"), string.match("a$c", "a$c"))
        print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("aaa", "a*"), string.match("", "a*"), string.match("xay", "a?y"))
        print(string.match("[test]", "%[(.-)%]"), string.match("x.y", "%."), string.match("a1b2", "[%d]"), string.match("abc", "[^a]+"), string.match("a-z", "[a%-]+"))
        print(string.match("hello hello", "(h%a+) %1"), string.match("abcabc", "(a)(b)(c)%1%2%3"))
        print(string.gsub("hello world", "o", "0"), string.gsub("hello", "", "-"), string.gsub("abc", "%w", "%0%0"), string.gsub("abc", "b", "%%"))
        print(string.gsub("hello world", "%w+", string.upper), string.gsub("a=1, b=2", "(%w+)=(%w+)", "%2=%1"))
        print(string.gsub("$x and $y", "%$(%w+)", {x = "X", y = 42}), string.gsub("abc", "%w", {a = false, b = "B"}))
        print(string.gsub("hello", "l", "L", 1), string.gsub("abc", "^.", "X"), string.gsub("  x", "^%s+", ""))
        local words = {}
        for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
        print(table.concat(words, "|"))
        for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do print(k, v) end
        print(pcall(string.match, "x", "("))
        print(pcall(string.match, "x", "%"))
        print(pcall(string.match, "x", "[a"))
        print(pcall(string.gsub, "x", "(x)", "%2"))
        print(pcall(string.gsub, "abc", ".", {a = {}}))
        print(string.find("a+b", "+", 1, true), string.find("a.b", "%."), ("%d"):rep(2))
        print(string.match("  123abc", "^%s*(%d+)"), string.match("x\0y", "%z") == "\0")
        print(string.gsub("abc", "%w", "%1"))
        print(string.gsub("hello world", "(o)", "[%1]"))
        print(string.find("abc", "b", -1), string.find("abc", "b", -2), string.find("abc", "", 10))
        """#),
        ("metatables", #"""
        local V = {}
        V.__index = V
        V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
        V.__sub = function(a, b) return setmetatable({x = a.x - b.x}, V) end
        V.__mul = function(a, b) if type(b) == "number" then return setmetatable({x = a.x * b}, V) end return a.x * b.x end
        V.__unm = function(a) return setmetatable({x = -a.x}, V) end
        V.__eq = function(a, b) return a.x == b.x end
        V.__lt = function(a, b) return a.x < b.x end
        V.__le = function(a, b) return a.x <= b.x end
        V.__concat = function(a, b)
          local ax = type(a) == "table" and a.x or a
          local bx = type(b) == "table" and b.x or b
          return "V(" .. ax .. "," .. bx .. ")"
        end
        V.__tostring = function(a) return "V" .. a.x end
        V.__call = function(self, y) return self.x + y end
        V.__div = function(a, b) return "div" end
        V.__mod = function(a, b) return "mod" end
        V.__pow = function(a, b) return "pow" end
        function V.new(x) return setmetatable({x = x}, V) end
        function V:double() return V.new(self.x * 2) end
        local a, b = V.new(3), V.new(4)
        print(tostring(a + b), tostring(a - b), tostring(a * 2), a * b, tostring(-a))
        print(a == b, a == V.new(3), a ~= V.new(3), a < b, a <= b, a > b, a >= b)
        print(a .. b, a .. "s", "s" .. a, 1 .. a)
        print(a(10), tostring(a:double()), a / b, a % b, a ^ b)
        local log = {}
        local proxy = setmetatable({}, {
          __index = function(t, k) log[#log + 1] = "get " .. k; return k .. "!" end,
          __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v) end,
        })
        print(proxy.foo)
        proxy.bar = 1
        proxy.bar = 2
        print(proxy.bar, table.concat(log, ","))
        local base = {greet = function() return "hi" end}
        local derived = setmetatable({}, {__index = base})
        local d2 = setmetatable({}, {__index = derived})
        print(d2.greet(), rawget(d2, "greet"))
        local prot = setmetatable({}, {__metatable = "locked"})
        print(getmetatable(prot), pcall(setmetatable, prot, {}))
        print(getmetatable("abc").__index == string, getmetatable({}), getmetatable(1))
        local store = {}
        local ni = setmetatable({}, {__newindex = store})
        ni.x = 5
        print(rawget(ni, "x"), store.x)
        local t1 = setmetatable({}, {__eq = function() return true end})
        local t2 = setmetatable({}, {__eq = function() return true end})
        print(t1 == t2, t1 == {})
        print(#setmetatable({1, 2}, {__len = function() return 99 end}))
        """#),
        ("errors", #"""
        print(pcall(error))
        print(pcall(error, nil))
        print(pcall(error, "msg"))
        print(pcall(error, "msg", 0))
        print(pcall(error, "msg", 2))
        local function lvl1() error("at level 1", 1) end
        local function lvl2() error("at level 2", 2) end
        print(pcall(lvl1))
        print(pcall(lvl2))
        print(pcall(function() lvl2() end))
        local ok, e = pcall(error, {code = 42})
        print(ok, type(e), e.code)
        print(pcall(function() local x = nil; x.y = 1 end))
        print(pcall(function() local t = {} ; return t.a.b end))
        print(pcall(function() return undefinedglobal.x end))
        print(pcall(function() undefinedfn() end))
        print(pcall(function() local t = {}; t.method() end))
        print(pcall(function() local t = {}; t:method() end))
        print(pcall(function() return 1 + {} end))
        print(pcall(function() local s = "x"; return s + 1 end))
        print(pcall(function() return {} .. "x" end))
        print(pcall(function() local n; return "x" .. n end))
        print(pcall(function() return 1 < "2" end))
        print(pcall(function() return {} < {} end))
        print(pcall(function() return nil > 1 end))
        print(pcall(function() return #nil end))
        print(pcall(function() return -{} end))
        print(pcall(function() local t = {}; t[nil] = 1 end))
        print(pcall(function() local t = {}; t[0/0] = 1 end))
        print(pcall(function() for i = "a", 2 do end end))
        print(pcall(function() for i = 1, {} do end end))
        print(pcall(function() for i = 1, 2, nil do end end))
        print(pcall(string.rep))
        print(pcall(string.sub, "x", {}))
        print(pcall(function() string.rep() end))
        print(pcall(function() ("x"):bad() end))
        print(pcall(function() return math.floor("a") end))
        print(pcall(setmetatable, 1, {}))
        print(pcall(function() assert(false) end))
        print(pcall(function() assert(nil, "custom") end))
        print(pcall(function() assert(1 == 1, "fine"); return "ok" end))
        print(select('#', assert(1, 2, 3)))
        print(xpcall(function() error("E") end, function(m) return "handled: " .. m end))
        print(xpcall(function() return 1, 2 end, print))
        print(pcall(pcall))
        print(pcall(function() local a = {} ; a.b.c.d = 1 end))
        print(pcall(next, {}, "nokey"))
        print(pcall(function() return ("x").y.z end))
        local up = nil
        print(pcall(function() return up.field end))
        print(pcall(function() up() end))
        print(pcall(tostring))
        print(pcall(tonumber, "10", 99))
        print(pcall(string.char, 256))
        print(pcall(string.format, "%d", "x"))
        print(pcall(string.format, "%y", 1))
        print(pcall(string.format, "%d"))
        print(pcall(ipairs))
        print(pcall(select, 0))
        print(pcall(unpack))
        print(pcall(error, setmetatable({}, {__tostring = function() return "custom obj" end})))
        """#),
        ("tostring_tonumber", #"""
        print(tostring(1), tostring(-1.5), tostring(true), tostring(nil), tostring("s"), tostring(1e300), tostring(2^63))
        print(tonumber("10"), tonumber("10.5"), tonumber("  0x1F  "), tonumber("1e3"), tonumber("abc"), tonumber(""), tonumber(" "), tonumber("5 5"))
        print(tonumber("ff", 16), tonumber("777", 8), tonumber("zz", 36), tonumber("102", 2), tonumber("11", 2), tonumber(" 10 ", 16), tonumber("-ff", 16))
        print(tonumber(nil), tonumber(true), tonumber({}), tonumber("1e"), tonumber(".5"), tonumber("5."), tonumber("0x"), tonumber("-0x10"))
        print(type(1), type("x"), type({}), type(print), type(nil), type(true), type(function() end))
        print(math.pi, -math.pi, math.sqrt(2), 1/3, 2/3, 10/3, 1e-5, 123e-7)
        print(string.format("%.14g", 0.1), 0.1 + 0.2, 100, 100.0, -0.0, 1e100)
        """#),
        ("math_lib", #"""
        print(math.abs(-3), math.ceil(3.2), math.floor(-3.2), math.sqrt(16), math.max(3, 7, 1), math.min(3, 7, 1))
        print(math.fmod(7, 3), math.fmod(-7, 3), math.modf(3.7), math.modf(-3.7), math.pow(2, 8))
        print(math.exp(0), math.log(1), math.log10(1000), math.sin(0), math.cos(0), math.tan(0))
        print(math.frexp(8), math.ldexp(0.5, 4), math.deg(math.pi), math.rad(180), math.atan2(1, 1), math.huge > 1e308)
        print(math.asin(1), math.acos(1), math.atan(1), math.sinh(0), math.cosh(0), math.tanh(0))
        print(math.floor(2^31 + 0.5), math.mod(7, 3), pcall(math.max))
        """#),
        ("goto_like_recursion", #"""
        local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
        print(fact(10), fact(20), fact(25))
        local function ack(m, n)
          if m == 0 then return n + 1 end
          if n == 0 then return ack(m - 1, 1) end
          return ack(m - 1, ack(m, n - 1))
        end
        print(ack(2, 3))
        local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end
        print(sum(100, 0))
        local memo = {}
        local function fib(n) if n < 3 then return 1 end if memo[n] then return memo[n] end local v = fib(n-1) + fib(n-2); memo[n] = v; return v end
        print(fib(80))
        """#),
        ("methods_oop", #"""
        local Account = {}
        Account.__index = Account
        function Account.new(b) return setmetatable({balance = b}, Account) end
        function Account:deposit(v) self.balance = self.balance + v; return self end
        function Account:get() return self.balance end
        local a = Account.new(100)
        print(a:deposit(50):deposit(25):get())
        local Special = setmetatable({}, {__index = Account})
        Special.__index = Special
        function Special:get() return "special " .. Account.get(self) end
        local s = setmetatable({balance = 5}, Special)
        print(s:get(), s:deposit(1):get())
        local obj = {name = "o"}
        function obj.describe(self, suffix) return self.name .. suffix end
        print(obj:describe("!"), obj.describe(obj, "?"))
        local str = "abc"
        print(str:upper(), ("%d items"):format(3), ("x"):rep(2, "-"))
        """#),
        ("string_coercion_concat", #"""
        print(1 .. "", 1.5 .. "|", -0 .. "", 1e20 .. "", 2^53 .. "")
        print("10" + 1, "10" * "2", "2" ^ "3", -"3", "0x10" * 1)
        print(10 == "10", #tostring(12345))
        local parts = {}
        for i = 1, 10 do parts[#parts + 1] = i end
        print(table.concat(parts))
        local s = ""
        for i = 1, 5 do s = s .. i .. "," end
        print(s)
        print(("x"):rep(3) .. 1 .. 2)
        """#),
        ("loadstring", #"""
        local f = loadstring("return 1 + 2")
        print(f())
        local g = loadstring("local a, b = ...; return a * b")
        print(g(6, 7))
        print(loadstring("return +"))
        print(loadstring("x = "))
        print(loadstring("for"))
        print(loadstring("return 'unfinished"))
        print(loadstring("return [[unfinished"))
        print(loadstring("f(", "=mychunk"))
        print(loadstring("a b", "@file.lua"))
        print(loadstring("local x = 1\n\nlocal y = = 2"))
        print(loadstring("return 1 .. 2 ..", "a very long chunk name that goes on and on and on beyond the limit of sixty"))
        print(loadstring("x = 0x"))
        print(loadstring("x = '\\300'"))
        print(loadstring("break"))
        print(type(loadstring("return ...")))
        print(loadstring("function f() return ... end"))
        print(loadstring("if x then"))
        print(loadstring("x = }"))
        print(loadstring("local function end"))
        print(loadstring("return 1 return 2"))
        print(loadstring("(f)"))
        print(loadstring("x.y"))
        print(loadstring("a, b"))
        print(loadstring("[[x]] = 1"))
        print(loadstring("local t = {1, 2,, 3}"))
        print(loadstring("while true do"))
        print(loadstring("repeat x = 1"))
        print(loadstring("f(1,\n2"))
        print(pcall(loadstring("error('inside')")))
        print(pcall(loadstring("local t = nil; return t.x", "=(custom)")))
        """#),
        ("generic_for", #"""
        local function range(n)
          local i = 0
          return function() i = i + 1; if i <= n then return i end end
        end
        for i in range(3) do print(i) end
        local function iter(t, i) i = i + 1; if t[i] then return i, t[i] end end
        for i, v in iter, {"a", "b"}, 0 do print(i, v) end
        for i, v in ipairs({1, 2, nil, 4}) do print("ip", i, v) end
        local t = {}
        for k, v in pairs({10, 20, 30}) do t[#t + 1] = k .. "=" .. v end
        print(table.concat(t, " "))
        local sum = 0
        for k, v in next, {5, 6, 7} do sum = sum + v end
        print(sum)
        local del = {a = 1, b = 2, c = 3, d = 4}
        for k in pairs(del) do del[k] = nil end
        print(next(del))
        """#),
        ("long_program", #"""
        -- a small JSON-ish encoder exercising many features together
        local function encode(v, indent)
          indent = indent or ""
          local t = type(v)
          if t == "table" then
            if #v > 0 then
              local parts = {}
              for _, x in ipairs(v) do parts[#parts + 1] = encode(x, indent .. "  ") end
              return "[" .. table.concat(parts, ",") .. "]"
            end
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = k end
            table.sort(keys)
            local parts = {}
            for _, k in ipairs(keys) do parts[#parts + 1] = string.format("%q:%s", k, encode(v[k], indent .. "  ")) end
            return "{" .. table.concat(parts, ",") .. "}"
          elseif t == "string" then
            return string.format("%q", v)
          else
            return tostring(v)
          end
        end
        print(encode({name = "x", list = {1, 2, {a = true}}, n = 1.5, nested = {deep = {deeper = "yes"}}}))
        local words = {}
        local text = "the quick brown fox jumps over the lazy dog the end"
        for w in text:gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
        local ks = {}
        for k, v in pairs(words) do ks[#ks + 1] = k .. ":" .. v end
        table.sort(ks)
        print(table.concat(ks, " "))
        local queue = {first = 1, last = 0, items = {}}
        local function push(q, v) q.last = q.last + 1; q.items[q.last] = v end
        local function pop(q) local v = q.items[q.first]; q.items[q.first] = nil; q.first = q.first + 1; return v end
        for i = 1, 5 do push(queue, i * i) end
        print(pop(queue), pop(queue), queue.last - queue.first + 1)
        """#),
        ("uncaught_runtime_error", #"""
        print("before")
        local config = {limits = {}}
        print(config.limits.max.value)
        print("never")
        """#),
        ("uncaught_error_object", #"""
        print("start")
        error({code = 1})
        """#),
        ("nested_loops_closures_break", #"""
        local out = {}
        for i = 1, 4 do
          local j = 0
          while true do
            j = j + 1
            if j > i then break end
            local captured = i * 10 + j
            out[#out + 1] = function() return captured end
          end
        end
        local vals = {}
        for _, f in ipairs(out) do vals[#vals + 1] = f() end
        print(table.concat(vals, " "))
        local acc = 0
        for x = 0, 1, 0.1 do acc = acc + 1 end
        print(acc)
        for x = 1, 3 do local x = x * 2; io_ = x end
        local t = {}
        for i = 10, 1, -3 do t[#t + 1] = i end
        print(table.concat(t, ","))
        """#),
        ("string_compare_and_format_edges", #"""
        print("a" < "ab", "abc" < "abd", "B" < "a", "" == "", "a\0b" < "a\0c", #"a\0b")
        print(string.format("[%10.3s]", "abcdef"), string.format("%-+6d|", 42), string.format("%.0f %.10f", 2.5, 1/3))
        print(string.format("%5s|%-5s|", "ab", "ab"), string.format("%03d", -5), string.format("%e", 0), string.format("%G", 1e-10))
        print(string.format("%s %s %s", 1, 1.5, "x"), string.format("%%d"), string.format("%c%c%c", 76, 117, 97))
        print(tostring(12345678901234567890), 2^63 == 2^63 + 1, 9007199254740993)
        print(math.floor(-0.0), 1/math.floor(-0.0), -0.0 == 0.0)
        """#),
        ("self_and_dots_methods", #"""
        local obj = {n = 0}
        function obj:add(...)
          for i = 1, select('#', ...) do self.n = self.n + select(i, ...) end
          return self
        end
        print(obj:add(1, 2, 3):add(4).n)
        local mt = {__index = function(t, k) return function(self, ...) return k .. ":" .. select('#', ...) end end}
        local dyn = setmetatable({}, mt)
        print(dyn:anything(1, 2), dyn:other())
        local s = setmetatable({}, {__call = function(self, a, b) return a + b end})
        print(s(2, 3), pcall(s, 1))
        """#),
        ("integer_conversions", #"""
        print(('abc'):sub(-1/0, 1/0), ('abc'):sub(-2^63), ('abc'):byte(-2^63, 2^63), ('abc'):find('b', -2^63))
        print(pcall(unpack, {}, -2^63, 2^62))
        print(pcall(string.rep, "x", 2^40))
        print(string.rep("ab", 2^31 + 3), select(2^32 + 1, "a", "b"))
        print(pcall(math.random, 2^40), math.ldexp(1, 2^33), string.format("%d %x", 2^40, 2^40))
        print(pcall(string.char, 2^32 + 65))
        print(string.format("%x", -0.5), string.format("%x", -1), string.format("%x", -2^63), string.format("%x", 2^64), string.format("%x", -1/0), string.format("%d", 2^63), string.format("%x", 1e19))
        print(table.concat({1, 2, 3}, ",", 2^32 + 1, 2^32 + 2))
        """#),
        ("coroutines", #"""
        print(pcall(coroutine.yield, 1))
        local co = coroutine.create(function(a, b) print('in', a, b); local c = coroutine.yield(a + b); print('got', c); local x, y = coroutine.yield(); print(x, y); return 'done', 9 end)
        print(coroutine.resume(co, 1, 2))
        print(coroutine.status(co))
        print(coroutine.resume(co, 'c'))
        print(coroutine.resume(co, 'x', 'y'))
        print(coroutine.status(co), coroutine.resume(co))
        print(pcall(coroutine.create, print))
        print(pcall(coroutine.status, 1))
        local co2 = coroutine.create(function() pcall(coroutine.yield, 1) return pcall(coroutine.yield, 2) end)
        print(coroutine.resume(co2))
        local co3 = coroutine.create(function() error('boom') end)
        print(coroutine.resume(co3))
        local co4 = coroutine.create(function() error({}) end)
        print((coroutine.resume(co4)))
        local w = coroutine.wrap(function() coroutine.yield(1) error('bad') end)
        print(w(), pcall(w))
        print(pcall(w))
        print(coroutine.running())
        local co5; co5 = coroutine.create(function() print(coroutine.running() == co5, coroutine.status(co5)); print(coroutine.resume(co5)) end)
        coroutine.resume(co5)
        local outer; outer = coroutine.create(function() local inner = coroutine.create(function() print('outer is', coroutine.status(outer)) coroutine.yield() end) coroutine.resume(inner) coroutine.yield(inner) end)
        local _, inner = coroutine.resume(outer)
        print(coroutine.status(inner), type(inner), tostring(inner):sub(1,7), (tostring(coroutine.running())))
        local mt = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end})
        print(coroutine.resume(coroutine.create(function() return mt.x end)))
        print(select('#', coroutine.resume(coroutine.create(function() coroutine.yield() end))))
        local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
        print(gen(), gen(), gen())
        print(pcall(coroutine.resume))
        print(pcall(coroutine.wrap))
        for i, v in coroutine.wrap(function() for i = 1, 2 do coroutine.yield(i, i * 10) end end) do print(i, v) end
        local function deep(n) if n == 0 then return coroutine.yield('bottom') end return deep(n - 1) end
        local cd = coroutine.create(function() local r = deep(500) return r .. '!' end)
        print(coroutine.resume(cd))
        print(coroutine.resume(cd, 'up'))
        local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
        local acc = {}
        for a in gen(3) do for b in gen(2) do acc[#acc + 1] = a * 10 + b end end
        print(table.concat(acc, ' '))
        local cv = coroutine.create(function(...) print(select('#', ...), ...) local a, b, c = coroutine.yield(...) print(a, b, c) return ... end)
        print(coroutine.resume(cv, 1, nil, 3))
        print(coroutine.resume(cv, 'p', nil))
        local cm = coroutine.create(function() local t = setmetatable({}, {__add = function() return coroutine.yield('meta') end}) return t + 1 end)
        print(coroutine.resume(cm))
        local ce = coroutine.create(function() local x = nil; return x.y end)
        print(coroutine.resume(ce))
        print(coroutine.resume(coroutine.create(function() return coroutine.resume(coroutine.create(function() error('inner', 0) end)) end)))
        print(pcall(coroutine.wrap(function() error('w', 0) end)))
        local ct = coroutine.create(function(...) return select('#', ...) end)
        print(coroutine.resume(ct, nil, nil))
        """#),
    ]
}
