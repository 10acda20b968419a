import TestSupport

/// Seeded random Lua programs for the differential test: arithmetic,
/// strings, tables, control flow, closures and errors caught by pcall, with
/// output that does not depend on addresses or hash order and loops that end.
struct LuaProgramGenerator {
    var rng: SeededRandom
    var locals: [String] = []
    var tables: [String] = []
    var functions: [String] = []
    var counter = 0
    var depth = 0

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func fresh(_ prefix: String) -> String { counter += 1; return "\(prefix)\(counter)" }

    mutating func number() -> String {
        switch rng.below(6) {
        case 0: return String(rng.int(0...9))
        case 1: return String(rng.int(-100...100))
        case 2: return "\(rng.int(0...999)).\(rng.int(0...99))"
        case 3: return rng.pick(["0.1", "1e3", "2^31", "1/3", "0x1F", "1e15", "123456789012"])
        case 4: return "(\(rng.int(1...20)) / \(rng.pick(["2", "3", "7", "0.5"])))"
        default: return String(rng.int(10...100000))
        }
    }

    mutating func string() -> String {
        rng.pick(["\"abc\"", "\"Hello World\"", "\"\"", "\"x\"", "\"a,b,,c\"", "\"  padded  \"", "\"123\"", "\"4.5\"", "\"MiXeD\"", "'q\\\"uote'", "\"tab\\tsep\""])
    }

    mutating func numExpr() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 3 || rng.chance(percent: 30) {
            if !locals.isEmpty && rng.chance(percent: 40) { return "(tonumber(\(rng.pick(locals))) or 0)" }
            return number()
        }
        switch rng.below(9) {
        case 0...3:
            let op = rng.pick(["+", "-", "*", "/", "%", "^"])
            let rhs = op == "^" ? String(rng.int(0...4)) : numExpr()
            return "(\(numExpr()) \(op) \(rhs))"
        case 4: return "math.\(rng.pick(["floor", "ceil", "abs"]))(\(numExpr()))"
        case 5: return "#\(strExpr())"
        case 6: return "math.max(\(numExpr()), \(numExpr()))"
        case 7: return "(-\(numExpr()))"
        default: return "select('#', \(numExpr()), \(strExpr()))"
        }
    }

    mutating func strExpr() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 3 || rng.chance(percent: 30) { return string() }
        switch rng.below(10) {
        case 0, 1: return "(\(strExpr()) .. \(rng.chance(percent: 50) ? strExpr() : numExpr()))"
        case 2: return "string.upper(\(strExpr()))"
        case 3: return "string.sub(\(strExpr()), \(rng.int(-5...5)), \(rng.int(-5...8)))"
        case 4: return "string.rep(\(strExpr()), \(rng.int(0...3)), \(rng.pick(["\"\"", "\"-\""])))"
        case 5: return "tostring(\(numExpr()))"
        case 6: return "string.format(\"\(rng.pick(["%d", "%5.2f", "%g", "%s", "%x", "%-6s|", "%q", "%.3s", "%e"]))\", \(rng.pick(["%s", "%q", "%.3s", "%-6s|"]).isEmpty ? "" : (rng.chance(percent: 50) ? strExpr() : "math.floor(math.abs(\(numExpr())))")))"
        case 7: return "(string.gsub(\(strExpr()), \"\(rng.pick(["%a", "%d+", "(%w)", "[aeiou]", "^%s*", "%s*$", ".", "l+"]))\", \"\(rng.pick(["<%0>", "%1%1", "", "_", "%%"]))\"))"
        case 8: return "string.reverse(\(strExpr()))"
        default: return "(\(strExpr()):lower())"
        }
    }

    mutating func cond() -> String {
        switch rng.below(4) {
        case 0: return "\(numExpr()) \(rng.pick(["<", "<=", ">", ">=", "==", "~="])) \(numExpr())"
        case 1: return "\(strExpr()) \(rng.pick(["<", "==", "~=", ">="])) \(strExpr())"
        case 2: return "not (\(numExpr()) > \(number()))"
        default: return "(\(numExpr()) > 0 and \(strExpr()) ~= \"\") or false"
        }
    }

    mutating func expr() -> String { rng.chance(percent: 50) ? numExpr() : strExpr() }

    mutating func statement(_ level: Int) -> String {
        let choice = level > 2 ? rng.below(5) : rng.below(13)
        switch choice {
        case 0:
            let v = fresh("v")
            let s = "local \(v) = \(expr())"
            locals.append(v)
            return s
        case 1: return "print(\(expr()), \(expr()))"
        case 2:
            if let v = locals.isEmpty ? nil : rng.pick(locals) { return "\(v) = \(expr())" }
            return "print(\(numExpr()))"
        case 3: return "print(pcall(function() return \(rng.pick(["nil + 1", "{} .. 'x'", "#nil", "undefined_g.x", "(\"x\") < 1", "error('e' .. \(numExpr()))", "error(setmetatable({}, {__tostring = function() return 'E' end}))", "string.rep()", "math.floor('z')", "local t = nil; return t.k"])) end))"
        case 4:
            let t = fresh("t")
            tables.append(t)
            return "local \(t) = {\((0..<rng.int(0...5)).map { _ in expr() }.joined(separator: ", "))}"
        case 5:
            let i = fresh("i")
            let body = block(level + 1, count: rng.int(1...3))
            return "for \(i) = \(rng.int(-2...3)), \(rng.int(0...6)), \(rng.pick(["1", "2", "-1"])) do \(body) print(\"loop\", \(i)) end"
        case 6:
            return "if \(cond()) then \(block(level + 1, count: 2)) else \(block(level + 1, count: 1)) end"
        case 7:
            guard let t = tables.isEmpty ? nil : rng.pick(tables) else { return "print(\(strExpr()))" }
            switch rng.below(5) {
            case 0: return "table.insert(\(t), \(expr()))"
            // only the border or just past it: `#` of a table with holes is any border, and
            // which one Lua 5.1 picks depends on its internal array sizing
            case 1: return "\(t)[#\(t) + \(rng.int(0...1))] = \(expr())"
            case 2: return "print(#\(t), \(t)[1], \(t)[#\(t)])"
            case 3: return "print(pcall(table.concat, \(t), \",\"))"
            default: return "print(table.remove(\(t)))"
            }
        case 8:
            let f = fresh("f")
            let saved = locals
            locals.append(contentsOf: ["a", "b"])
            let body = block(level + 1, count: rng.int(0...2))
            let r = expr()
            locals = saved
            functions.append(f)
            return "local function \(f)(a, b) \(body) return \(r), a end"
        case 9:
            guard let f = functions.isEmpty ? nil : rng.pick(functions) else { return "print(\(numExpr()))" }
            return "print(pcall(\(f), \(expr()), \(expr())))"
        case 10:
            let c = fresh("c")
            let n = fresh("n")
            return "local \(c) do local \(n) = 0; \(c) = function() \(n) = \(n) + 1; return \(n) end end print(\(c)(), \(c)(), \(c)())"
        case 11:
            let w = fresh("w")
            return "local \(w) = 0 while \(w) < \(rng.int(0...4)) do \(w) = \(w) + 1 \(block(level + 1, count: 1)) end print(\(w))"
        default:
            let k = fresh("k")
            return "for \(k), x in ipairs({\(expr()), \(expr())}) do print(\(k), x) end"
        }
    }

    mutating func block(_ level: Int, count: Int) -> String {
        let saved = locals, savedT = tables, savedF = functions
        defer { locals = saved; tables = savedT; functions = savedF }
        return (0..<count).map { _ in statement(level) }.joined(separator: "\n")
    }

    mutating func program() -> String {
        locals = []; tables = []; functions = []
        return block(0, count: rng.int(5...20)) + "\n"
    }
}
