/// Programs over Redis's bundled libraries for the fuzzer to mutate (their
/// output is compared with redis-server by the interop differential test).
enum RedisLibrarySeeds {
    static let programs: [String] = [
        #"print(cjson.encode({1, 'a\"/', {x = {true, false, cjson.null}}, 1/3, -0, 1e300}))"#,
        #"local t = cjson.decode('{"a":[1,2,{"b":null}],"c":"\\u00e9\\ud83d\\ude00","d":-1.5e3}') print(t.a[3].b == cjson.null, t.c, t.d)"#,
        #"print(pcall(cjson.decode, '[1,2')) print(pcall(cjson.encode, {[30] = 1})) print(cjson.encode_sparse_array(true, 2, 3))"#,
        #"local j = cjson.new() j.encode_max_depth(3) print(pcall(j.encode, {{{{}}}})) j.decode_max_depth(2) print(pcall(j.decode, '[[[1]]]'))"#,
        #"local s = cmsgpack.pack(1, -200, 70000, 2^40, 0.25, 'str', {1, 2, 3}, {k = 'v'}, true, nil) print(#s, cmsgpack.unpack(s))"#,
        #"local s = cmsgpack.pack({1, {2, {3, {4}}}}, string.rep('x', 300)) print(cmsgpack.unpack_one(s), cmsgpack.unpack_limit(s, 1, 0))"#,
        #"print(pcall(cmsgpack.unpack, '\220\0\5\1')) print(pcall(cmsgpack.unpack, '\193'))"#,
        #"print(bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(5, 3), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(1, 33), bit.ror(1, 1), bit.tohex(-1, -6), bit.bswap(0x12345678))"#,
        #"local p = struct.pack('>!4 b i2 I4 d s c3', -1, 300, 70000, 0.5, 'zs', 'abc') print(#p, struct.size('>!4 b i2 I4'), struct.unpack('>!4 b i2 I4 d s c3', p))"#,
        #"print(pcall(struct.pack, 'i40', 1)) print(pcall(struct.unpack, 'c0', 'x')) print(struct.unpack('b c0', '\3abc'))"#,
        #"local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) print(co(1), co(5))"#,
    ]
}
