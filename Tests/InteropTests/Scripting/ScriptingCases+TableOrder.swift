/// Scripts whose reply depends on the order Lua's `next` walks a table.
extension ScriptingCases {
    static let tableOrder: [[String]] = [
        ["EVAL", "return cjson.encode({a=1,b=2,c=3,foo='x',bar='y'})", "0"],
        ["EVAL", "local t = {} for i = 1, 40 do t['field' .. i] = i end return cjson.encode(t)", "0"],
        ["EVAL", "local t = {} for i = 1, 20 do t['f' .. i] = i end for i = 1, 20, 3 do t['f' .. i] = nil end for i = 1, 8 do t['g' .. i] = i end return cjson.encode(t)", "0"],
        ["EVAL", "return cjson.encode(cjson.decode('{\"x\":1,\"y\":[1,2,3],\"zz\":{\"a\":true,\"b\":false},\"name\":\"n\",\"id\":7}'))", "0"],
        ["EVAL", "return cjson.encode({x=1, [1.5]=2, [true]=3})", "0"],
        ["EVAL", "return cjson.encode({[1]=1, [2]=2, [4]=4, k='v'})", "0"],
        ["EVAL", "return cmsgpack.pack({a=1,b=2,c=3,foo='x',bar='y'})", "0"],
        ["EVAL", "return cmsgpack.pack({10, 20, x={p=1,q=2,r=3}, [2.5]='h', [false]=1})", "0"],
        ["EVAL", "local a = {x=nil,y=5} local b = {x=a} a['x'] = b local e = cmsgpack.pack(a) local h = '' for i = 1, #e do h = h .. string.format('%02x', string.byte(e, i)) end return h", "0"],
        ["EVAL", "local o = {} for k, v in pairs({x=1, y=2, z=3, [7]=4, [1.25]=5, [true]=6, name='n', id=9}) do o[#o+1] = tostring(k) end return o", "0"],
        ["EVAL", "local o = {} local t = {} for i = 1, 30 do t[i * 7 % 31] = i end for k in pairs(t) do o[#o+1] = k end return o", "0"],
        ["EVAL", "local o = {} for k in pairs(redis.call('ping')) do o[#o+1] = k end return o", "0"],
        ["EVAL", "local o = {} for k, v in pairs(ARGV) do o[#o+1] = k .. '=' .. v end return o", "0", "a", "b", "c"],
        ["EVAL", "ARGV.x = 'y' ARGV[5] = 'e' ARGV.z = 'w' local o = {} for k, v in pairs(ARGV) do o[#o+1] = k .. '=' .. v end return o", "0", "a", "b", "c"],
        ["EVAL", "local o = {} for k, v in pairs(redis.pcall('nosuch')) do o[#o+1] = k end return o", "0"],
        ["EVAL", "redis.call('hset', 'order-h', 'a', '1', 'b', '2', 'c', '3', 'foo', 'x', 'bar', 'y') redis.setresp(3) local o = {} for k, v in pairs(redis.call('hgetall', 'order-h').map) do o[#o+1] = k end return o", "0"],
        ["EVAL", "redis.call('rpush', 'order-l', 'a', 'b', 'c') local r = redis.call('lrange', 'order-l', 0, -1) r.n = 1 r[20] = 2 local o = {} for k in pairs(r) do o[#o+1] = tostring(k) end return o", "0"],
    ]
}
