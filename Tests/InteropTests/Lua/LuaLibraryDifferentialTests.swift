import Lua
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Vigil's cjson, cmsgpack, bit and struct against real Redis 7.0's: each
/// case is a Lua expression, run inside pcall by an in-process LuaVM and by
/// redis-server's EVAL, and its results (or error) rendered to one string by
/// the same Lua code on both sides.
final class LuaLibraryDifferentialTests: XCTestCase {
    /// Renders results deterministically: tables with sorted keys, strings
    /// with their bytes escaped, cjson.null by name.
    static let prelude = """
    local function show(v)
      local t = type(v)
      if t == 'string' then
        return (string.gsub(string.format('%q', v), '[%z\\1-\\31\\127-\\255]', function(c) return '\\\\' .. string.byte(c) end))
      elseif t == 'table' then
        local keys = {}
        for k in pairs(v) do keys[#keys + 1] = k end
        table.sort(keys, function(a, b)
          if type(a) == type(b) and (type(a) == 'number' or type(a) == 'string') then return a < b end
          return type(a) < type(b)
        end)
        local parts = {}
        for _, k in ipairs(keys) do parts[#parts + 1] = show(k) .. '=' .. show(v[k]) end
        return '{' .. table.concat(parts, ',') .. '}'
      elseif v == cjson.null then
        return 'cjson.null'
      end
      return tostring(v)
    end
    local function render(ok, ...)
      local out = {ok and 'ok' or 'err'}
      for i = 1, select('#', ...) do out[#out + 1] = show((select(i, ...))) end
      return table.concat(out, ' ')
    end
    """

    static func script(_ expr: String) -> String {
        prelude + "\nreturn render(pcall(function() return \(expr) end))\n"
    }

    func runAll(_ cases: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let (server, port) = try startRealRedis(file: file, line: line)
        defer { server.terminate(); server.cleanUp() }
        let conn = try Interop.talking(to: "redis-server", file: file, line: line) { try RedisConnection(host: "127.0.0.1", port: port) }
        var failures = 0
        for expr in cases {
            let src = Self.script(expr)
            let reply = try Interop.talking(to: "redis-server", file: file, line: line) { try conn.call(["EVAL", src, "0"]) }
            let expected: String
            switch reply {
            case .bulkString(let b?): expected = String(decoding: b, as: UTF8.self)
            default: expected = "unexpected reply \(reply)"
            }
            let got = Self.inProcess(src)
            if got != expected {
                failures += 1
                XCTFail("\(expr)\n  redis: \(expected)\n  vigil: \(got)", file: file, line: line)
                if failures > 20 { return }
            }
        }
    }

    static func inProcess(_ src: String) -> String {
        let vm = LuaVM()
        vm.openStandardLibraries()
        do {
            let r = try vm.run(src, chunkName: "user_script")
            if case .string(let s)? = r.first { return s.description }
            return "not a string: \(r)"
        } catch {
            return "raised: \(error)"
        }
    }

    func testCJSONEncodeMatchesRedis() throws {
        try runAll([
            "cjson.encode(1)", "cjson.encode(-0.5)", "cjson.encode(0.1)", "cjson.encode(1/3)", "cjson.encode(1e20)",
            "cjson.encode(123456789012345678)", "cjson.encode(-1e-7)", "cjson.encode(2^53)", "cjson.encode(-0)",
            "cjson.encode(1/0)", "cjson.encode(-1/0)", "cjson.encode(0/0)",
            "cjson.encode('a\"b\\\\c/d')", "cjson.encode('\\0\\1\\8\\9\\10\\12\\13\\31\\127\\128\\255 é')",
            "cjson.encode(true)", "cjson.encode(false)", "cjson.encode(nil)", "cjson.encode(cjson.null)",
            "cjson.encode({})", "cjson.encode({1, 2, 3})", "cjson.encode({1, nil, 3})", "cjson.encode({[1] = 'a', [2] = 'b'})",
            "cjson.encode({[2] = 'x'})", "cjson.encode({[10] = 1})", "cjson.encode({[11] = 1})", "cjson.encode({[1] = 1, [20] = 2})",
            "cjson.encode({[0] = 1})", "cjson.encode({[-1] = 1})", "cjson.encode({[1.5] = 1})", "cjson.encode({a = 1})",
            "cjson.encode({a = {b = {c = {}}}})", "cjson.encode({{}, {{}}, {1, {2}}})", "cjson.encode({['1'] = 1})",
            "cjson.encode({[true] = 1})", "cjson.encode({f = function() end})", "cjson.encode(function() end)", "cjson.encode({1, coroutine.create(function() end)})",
            "cjson.encode({1, 0/0})", "cjson.encode({x = 1/0})", "cjson.encode()", "cjson.encode(1, 2)",
            "cjson.encode({[1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [6] = 6, [7] = 7, [8] = 8, [9] = 9, [10] = 10, [25] = 1})",
            "cjson.encode({cjson.null, false, 'x'})", "cjson.encode({[1e300] = 1})", "cjson.encode({[3] = 1, [2] = 2})",
            "(function() local t = {} for i = 1, 1100 do t = {t} end return cjson.encode(t) end)()",
            "(function() local t = {} for i = 1, 999 do t = {t} end return #cjson.encode(t) end)()",
            "(function() local t = {} t[1] = t return cjson.encode(t) end)()",
            "(function() local j = cjson.new() local a = {j.encode_number_precision(3)} return j.encode(math.pi), a[1] end)()",
            "(function() local j = cjson.new() return j.encode_number_precision(0) end)()",
            "(function() local j = cjson.new() return j.encode_number_precision(15) end)()",
            "(function() local j = cjson.new() return j.encode_number_precision('7'), j.encode(1/7) end)()",
            "(function() local j = cjson.new() return j.encode_number_precision(1, 2) end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array() end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array(true, 3, 2), j.encode({[5] = 1}), j.encode({[1] = 1, [3] = 3}) end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array('on'), j.encode({[50] = 1}) end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array('maybe') end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array(false, -1) end)()",
            "(function() local j = cjson.new() return j.encode_sparse_array(false, 0), j.encode({[1000] = 1}) end)()",
            "(function() local j = cjson.new() return j.encode_max_depth(2), pcall(j.encode, {{{}}}), j.encode({{}}) end)()",
            "(function() local j = cjson.new() return j.encode_max_depth(0) end)()",
            "(function() local j = cjson.new() return j.encode_invalid_numbers() end)()",
            "(function() local j = cjson.new() return j.encode_invalid_numbers(true), j.encode({1/0, -1/0, 0/0}) end)()",
            "(function() local j = cjson.new() return j.encode_invalid_numbers('null'), j.encode({1/0, 0/0}) end)()",
            "(function() local j = cjson.new() return j.encode_invalid_numbers('off'), pcall(j.encode, 1/0) end)()",
            "(function() local j = cjson.new() return j.encode_keep_buffer(), j.encode_keep_buffer(false), j.encode_keep_buffer('on') end)()",
            "(function() local j = cjson.new() return j.decode_invalid_numbers(), j.decode_max_depth() end)()",
            "(function() local j = cjson.new() return j.decode_max_depth(1), pcall(j.decode, '[[1]]'), j.decode('[1]') end)()",
        ])
    }

    func testCJSONDecodeMatchesRedis() throws {
        try runAll([
            "cjson.decode('1')", "cjson.decode(' -12.5e2 ')", "cjson.decode('\"a\\\\u00e9\\\\n\\\\/\"')", "cjson.decode('true')",
            "cjson.decode('null')", "cjson.decode('[]')", "cjson.decode('{}')", "cjson.decode('[1,\"a\",null,true,{}]')",
            "cjson.decode('{\"a\":{\"b\":[1,2]},\"c\":null}')", "cjson.decode('{\"1\":2}')", "cjson.decode('0x10')",
            "cjson.decode('Infinity')", "cjson.decode('-inf')", "cjson.decode('NaN') ~= cjson.decode('NaN')", "cjson.decode('+1')",
            "cjson.decode('01')", "cjson.decode('1.')", "cjson.decode('.5')", "cjson.decode('1e')", "cjson.decode('-')",
            "cjson.decode('')", "cjson.decode(' ')", "cjson.decode('[1,]')", "cjson.decode('[1 2]')", "cjson.decode('{\"a\" 1}')",
            "cjson.decode('{\"a\":1,}')", "cjson.decode('{1:2}')", "cjson.decode('[1')", "cjson.decode('{\"a\":1')",
            "cjson.decode('\"abc')", "cjson.decode('\"a\\\\qb\"')", "cjson.decode('\"\\\\u12\"')", "cjson.decode('\"\\\\ud800\"')",
            "cjson.decode('\"\\\\ud83d\\\\ude00\"')", "cjson.decode('\"\\\\udc00\\\\ud800\"')", "cjson.decode('\"\\\\u0000x\"')",
            "cjson.decode('tru')", "cjson.decode('nul')", "cjson.decode('True')", "cjson.decode('[1] x')", "cjson.decode('[1]\\0x')",
            "cjson.decode('\\0[')", "cjson.decode('a')", "cjson.decode('\"a\\0b\"')", "cjson.decode('\"tab\\there\"')",
            "cjson.decode()", "cjson.decode(1, 2)", "cjson.decode({})", "cjson.decode(12)", "cjson.decode('[1e400, -1e400]')", "cjson.encode({[2^31] = 1})", "cjson.encode({[2^31 - 1] = 1})",
            "cjson.decode('{\"a\":1,\"a\":2}')", "cjson.decode('[[[[[[[[[[1]]]]]]]]]]')",
            "cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))", "#cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))",
            "cjson.decode('[\"\\\\u00ff\\\\u0800\\\\uffff\"]')", "cjson.decode('1 2')", "cjson.decode('{\"a\":}')",
            "cjson.decode(cjson.encode({a = {1, 2, {b = 'c'}}}))",
            "(function() local j = cjson.new() j.decode_invalid_numbers(false) return pcall(j.decode, '0x10'), pcall(j.decode, 'NaN'), pcall(j.decode, '+1'), pcall(j.decode, '01'), j.decode('-0') end)()",
        ])
    }

    func testCMsgpackMatchesRedis() throws {
        let hex = "(function(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end)"
        let packs = [
            "0", "1", "127", "128", "255", "256", "65535", "65536", "4294967295", "4294967296", "2^53", "2^63", "-2^63", "-1", "-32", "-33",
            "-128", "-129", "-32768", "-32769", "-2147483648", "-2147483649", "0.5", "0.1", "1/0", "-1/0", "1e300", "-0", "3.25",
            "''", "'abc'", "string.rep('x', 31)", "string.rep('x', 32)", "string.rep('x', 255)", "string.rep('x', 256)",
            "string.rep('x', 65536)", "true", "false", "nil", "{}", "{1, 2, 3}", "{1, nil, 3}", "{a = 1}", "{[2] = 1}", "{[1.5] = 1}",
            "{[0] = 1}", "{{{{}}}}", "function() end", "cjson.null", "{1, {a = {true}}, 'x'}",
            "(function() local t = {} for i = 1, 16 do t[i] = i end return t end)()",
            "(function() local t = {} for i = 1, 70000 do t[i] = i % 3 end return t end)()",
            "(function() local t = {} for i = 1, 20 do t = {t} end return t end)()",
        ]
        var cases = packs.map { "\(hex)(cmsgpack.pack(\($0)))" }
        cases += packs.filter { $0 != "function() end" && $0 != "cjson.null" && !$0.contains("70000") }.map { "cmsgpack.unpack(cmsgpack.pack(\($0)))" }
        cases += [
            "\(hex)(cmsgpack.pack(1, 'a', {2}))", "cmsgpack.pack()", "cmsgpack.unpack('')", "cmsgpack.unpack()",
            "cmsgpack.unpack(cmsgpack.pack(1, 2, 3))", "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))",
            "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)", "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)",
            "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)", "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)",
            "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)", "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)",
            "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)", "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)",
            "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)", "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)",
            "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))", "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 0)",
            "cmsgpack.unpack('\\204')", "cmsgpack.unpack('\\193')", "cmsgpack.unpack('\\196\\1a')", "cmsgpack.unpack('\\147\\1')",
            "cmsgpack.unpack('\\130\\1')", "cmsgpack.unpack('\\129\\192\\1')", "cmsgpack.unpack('\\220\\0\\2\\1\\2')",
            "cmsgpack.unpack('\\222\\0\\1\\161a\\1')", "cmsgpack.unpack('\\203\\127\\248\\0\\0\\0\\0\\0\\0') ~= 0",
            "cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')", "cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0')",
            "cmsgpack.unpack('\\209\\255\\254')", "cmsgpack.unpack('\\210\\255\\255\\255\\254')", "cmsgpack.unpack('\\208\\200')",
            "cmsgpack.unpack('\\217\\3abc')", "cmsgpack.unpack('\\218\\0\\3abc')", "cmsgpack.unpack('\\219\\0\\0\\0\\3abc')",
            "cmsgpack.unpack('\\217\\9abc')", "cmsgpack.unpack('\\145\\145\\145')", "cmsgpack.unpack('\\202\\64\\73\\15\\219')",
            "cmsgpack.unpack(12)", "cmsgpack.unpack({})",
        ]
        try runAll(cases)
    }

    func testBitMatchesRedis() throws {
        var cases: [String] = []
        let values = ["0", "1", "-1", "2^31", "2^32", "2^32 + 5", "-2^31", "2^31 - 1", "0.5", "1.5", "2.5", "-0.5", "-1.5", "1e15", "2^52", "2^53 + 2",
                      "1e300", "-1e300", "1/0", "0/0", "'12'", "'0x10'", "0xdeadbeef", "0x12345678"]
        for v in values {
            cases.append("bit.tobit(\(v))")
            cases.append("bit.bnot(\(v))")
            cases.append("bit.bswap(\(v))")
            cases.append("bit.tohex(\(v))")
        }
        for (a, b) in [("0x12345678", "4"), ("-1", "1"), ("0x80000000", "31"), ("1", "32"), ("1", "33"), ("0xff", "-1"), ("7", "0"), ("-256", "36")] {
            for f in ["lshift", "rshift", "arshift", "rol", "ror"] { cases.append("bit.\(f)(\(a), \(b))") }
        }
        cases += [
            "bit.band(7, 3)", "bit.band(0xff, 0x0f, 0x3c)", "bit.bor(1, 2, 4, 8)", "bit.bxor(5, 3, 1)", "bit.band(-1)", "bit.bor()",
            "bit.band(1, 'x')", "bit.band(1, nil)", "bit.tobit()", "bit.tobit('abc')", "bit.tobit({})", "bit.lshift(1)",
            "bit.tohex(255)", "bit.tohex(255, 2)", "bit.tohex(255, -4)", "bit.tohex(-1, 12)", "bit.tohex(0x1234, 0)", "bit.tohex(1, -9)",
            "bit.tohex(0xabcdef, '3')", "bit.band(2^32 + 3, 1)", "bit.tohex(2^52 + 7)",
        ]
        try runAll(cases)
    }

    func testStructMatchesRedis() throws {
        let hex = "(function(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end)"
        var cases: [String] = []
        let packs = [
            "'>I2', 258", "'<I2', 258", "'b', -1", "'B', 255", "'B', 256", "'h', -2", "'H', 65535", "'i', -5", "'I', 2^32 - 1",
            "'l', -2", "'L', 2^63", "'T', 12", "'>i3', -2", "'<i3', 70000", "'i8', -1", "'i16', -1", "'>I16', 5", "'f', 1.5", "'>d', 0.1",
            "'<d', -0", "'s', 'abc'", "'c', 'abc'", "'c3', 'abcdef'", "'c0', 'hello'", "'c5', 'ab'", "'x'", "'>!4 b i'", "'!4 b i', 1, 2",
            "'!8 b d', 1, 2", "'!2 b l', 1, 2", "'! b h', 1, 2", "'!3 b'", "'z', 1", "'i33', 1", "'>I2'", "'>I2', 'x'", "'>I2', '7'",
            "'bbb', 1, 2, 3", "'<h>h', 1, 1", "'', 1", "'i', 1.9", "'i', -1.9", "'I', -1", "'b', 300", "'i99999999999', 1",
        ]
        for p in packs { cases.append("\(hex)(struct.pack(\(p)))") }
        let unpacks = [
            "'>I2', '\\1\\2'", "'<I2', '\\1\\2'", "'b', '\\255'", "'B', '\\255'", "'h', '\\254\\255'", "'>i3', '\\255\\255\\254'",
            "'i8', string.rep('\\255', 8)", "'I8', string.rep('\\255', 8)", "'i9', string.rep('\\255', 9)", "'I16', string.rep('\\1', 16)",
            "'f', struct.pack('f', 1.5)", "'>d', struct.pack('>d', 0.1)", "'s', 'ab\\0cd'", "'s', 'abc'", "'c2', 'abc'", "'b c0', '\\2xyz'",
            "'c0', 'abc'", "'B c0', '\\9ab'", "'bb', 'a'", "'b', 'ab', 2", "'b', 'ab', 3", "'b', 'ab', 0", "'b', 'ab', -1",
            "'!4 b i', struct.pack('!4 b i', 1, 2)", "'x b', 'ab'", "'>I2 <I2', '\\1\\2\\1\\2'", "'q', 'a'", "'b', 12", "'b'",
            "'i', '\\1\\0\\0\\0', '2'",
        ]
        for u in unpacks { cases.append("struct.unpack(\(u))") }
        for s in ["'b'", "'i'", "'!4 b i'", "'!8 b d'", "'>I3 h'", "'c5'", "'c0'", "'s'", "'x'", "'bq'", "'!3'", "'i40'", "''", "'! b l'"] {
            cases.append("struct.size(\(s))")
        }
        cases += ["struct.size()", "struct.pack()", "struct.unpack('b')"]
        try runAll(cases)
    }
}
