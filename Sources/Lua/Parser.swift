/// Recursive-descent parser for Lua 5.1 producing a resolved AST: names are
/// already locals, upvalues or globals, and captured locals are marked.
struct Parser {
    var lex: Lexer

    final class FuncScope {
        let parent: FuncScope?
        var blocks: [[LocalVar]] = [[]]
        var isVararg = false
        var loopDepth = 0
        init(parent: FuncScope?) { self.parent = parent }
        func find(_ name: LuaString) -> LocalVar? {
            for b in blocks.reversed() {
                for v in b.reversed() where v.name == name { return v }
            }
            return nil
        }
    }
    var fs: FuncScope
    /// Nesting of statements and expressions, bounded as Lua bounds it (LUAI_MAXCCALLS)
    /// so that a deeply nested script is an error, not a stack overflow.
    var depth = 0

    mutating func enter() throws {
        depth += 1
        if depth > 200 { throw lex.error("chunk has too many syntax levels", near: nil) }
    }

    init(source: [UInt8], chunk: String) {
        lex = Lexer(source, chunk: chunk)
        fs = FuncScope(parent: nil)
        fs.isVararg = true
    }

    static func parseChunk(_ source: [UInt8], chunk: String) throws -> FuncBody {
        var p = Parser(source: source, chunk: chunk)
        try p.lex.next()
        let f = FuncBody()
        f.isVararg = true
        f.body = try p.block()
        if p.lex.tok != .eof { throw p.errorExpected("<eof>") }
        f.lastLine = p.lex.line
        return f
    }

    // MARK: errors and token helpers

    func error(_ msg: String) -> LuaError { lex.error(msg, near: lex.currentText()) }
    func errorExpected(_ what: String) -> LuaError { error("'\(what)' expected") }

    mutating func check(_ t: Tok, _ text: String) throws {
        if lex.tok != t { throw errorExpected(text) }
    }
    mutating func checkNext(_ t: Tok, _ text: String) throws {
        try check(t, text); try lex.next()
    }
    mutating func testNext(_ t: Tok) throws -> Bool {
        if lex.tok == t { try lex.next(); return true }
        return false
    }
    mutating func checkMatch(_ what: Tok, _ whatText: String, _ who: String, _ line: Int) throws {
        if lex.tok != what {
            if line == lex.line { throw errorExpected(whatText) }
            throw error("'\(whatText)' expected (to close '\(who)' at line \(line))")
        }
        try lex.next()
    }
    mutating func name() throws -> LuaString {
        guard case .name(let s) = lex.tok else { throw errorExpected("<name>") }
        try lex.next()
        return s
    }


    // MARK: scopes

    mutating func declare(_ v: LocalVar) { fs.blocks[fs.blocks.count - 1].append(v) }
    mutating func openBlock() { fs.blocks.append([]) }
    mutating func closeBlock() { fs.blocks.removeLast() }

    func resolve(_ n: LuaString) -> Expr {
        if let v = fs.find(n) { return .local(v) }
        var f = fs.parent
        while let s = f {
            if let v = s.find(n) { v.captured = true; return .upval(v) }
            f = s.parent
        }
        return .global(n)
    }

    // MARK: statements

    func blockFollow() -> Bool {
        switch lex.tok {
        case .kElse, .kElseif, .kEnd, .kUntil, .eof: return true
        default: return false
        }
    }

    mutating func block() throws -> [Stat] {
        var out: [Stat] = []
        while !blockFollow() {
            if lex.tok == .kReturn {
                out.append(try retstat())
                break
            }
            if lex.tok == .kBreak {
                let line = lex.line
                try lex.next()
                if fs.loopDepth == 0 { throw lex.error("no loop to break", near: lex.currentText()) }
                out.append(.brk(line: line))
                _ = try testNext(.char(59))
                break
            }
            out.append(try statement())
            _ = try testNext(.char(59))
        }
        return out
    }

    mutating func scopedBlock() throws -> [Stat] {
        openBlock(); defer { closeBlock() }
        return try block()
    }

    mutating func retstat() throws -> Stat {
        let line = lex.line
        try lex.next()
        var es: [Expr] = []
        if !blockFollow() && lex.tok != .char(59) { es = try exprList() }
        _ = try testNext(.char(59))
        if !blockFollow() { throw lex.tok == .eof ? errorExpected("<eof>") : errorExpected(fs.parent == nil && fs.blocks.count <= 1 ? "<eof>" : "end") }
        return .ret(es, line: line)
    }

    mutating func statement() throws -> Stat {
        try enter(); defer { depth -= 1 }
        let line = lex.line
        switch lex.tok {
        case .kIf:
            var clauses: [(Expr, [Stat])] = []
            try lex.next()
            let c = try expr()
            try checkNext(.kThen, "then")
            clauses.append((c, try scopedBlock()))
            var elseBlock: [Stat]? = nil
            while true {
                if lex.tok == .kElseif {
                    try lex.next()
                    let c2 = try expr()
                    try checkNext(.kThen, "then")
                    clauses.append((c2, try scopedBlock()))
                } else if lex.tok == .kElse {
                    try lex.next()
                    elseBlock = try scopedBlock()
                    try checkMatch(.kEnd, "end", "if", line)
                    break
                } else {
                    try checkMatch(.kEnd, "end", "if", line)
                    break
                }
            }
            return .ifChain(clauses, elseBlock, line: line)
        case .kWhile:
            try lex.next()
            let c = try expr()
            try checkNext(.kDo, "do")
            fs.loopDepth += 1
            let b = try scopedBlock()
            fs.loopDepth -= 1
            try checkMatch(.kEnd, "end", "while", line)
            return .whileLoop(c, b, line: line)
        case .kDo:
            try lex.next()
            let b = try scopedBlock()
            try checkMatch(.kEnd, "end", "do", line)
            return .block(b)
        case .kFor:
            return try forStat(line)
        case .kRepeat:
            try lex.next()
            fs.loopDepth += 1
            openBlock()
            let b = try block()
            try checkMatch(.kUntil, "until", "repeat", line)
            let c = try expr()   // sees the body's locals
            closeBlock()
            fs.loopDepth -= 1
            return .repeatLoop(b, c, line: line)
        case .kFunction:
            try lex.next()
            // funcname: Name {'.' Name} [':' Name]
            let n = try name()
            var target = resolve(n)
            var isMethod = false
            while lex.tok == .char(46) {
                try lex.next()
                let k = try name()
                target = .index(target, .string(k), line: lex.line)
            }
            if lex.tok == .char(58) {
                try lex.next()
                let k = try name()
                target = .index(target, .string(k), line: lex.line)
                isMethod = true
            }
            let body = try funcBody(isMethod: isMethod, line: line)
            return .assign([target], [.function(body)], line: line)
        case .kLocal:
            try lex.next()
            if try testNext(.kFunction) {
                let v = LocalVar(try name())
                declare(v)
                let body = try funcBody(isMethod: false, line: line)
                return .localFunction(v, body)
            }
            var vars: [LocalVar] = []
            repeat { vars.append(LocalVar(try name())) } while try testNext(.char(44))
            var es: [Expr] = []
            if try testNext(.char(61)) { es = try exprList() }
            for v in vars { declare(v) }
            return .local(vars, es, line: line)
        default:
            return try exprStat(line)
        }
    }

    mutating func forStat(_ line: Int) throws -> Stat {
        try lex.next()
        let n1 = try name()
        if lex.tok == .char(61) {
            try lex.next()
            let start = try expr()
            try checkNext(.char(44), ",")
            let limit = try expr()
            var step: Expr? = nil
            if try testNext(.char(44)) { step = try expr() }
            try checkNext(.kDo, "do")
            openBlock()
            let v = LocalVar(n1)
            declare(v)
            fs.loopDepth += 1
            let b = try scopedBlock()
            fs.loopDepth -= 1
            closeBlock()
            try checkMatch(.kEnd, "end", "for", line)
            return .numFor(v, start, limit, step, b, line: line)
        }
        if lex.tok == .char(44) || lex.tok == .kIn {
            var names = [n1]
            while try testNext(.char(44)) { names.append(try name()) }
            try checkNext(.kIn, "in")
            let es = try exprList()
            try checkNext(.kDo, "do")
            openBlock()
            let vars = names.map { LocalVar($0) }
            for v in vars { declare(v) }
            fs.loopDepth += 1
            let b = try scopedBlock()
            fs.loopDepth -= 1
            closeBlock()
            try checkMatch(.kEnd, "end", "for", line)
            return .genFor(vars, es, b, line: line)
        }
        throw error("'=' or 'in' expected")
    }

    mutating func exprStat(_ line: Int) throws -> Stat {
        let e = try suffixedExpr()
        switch e {
        case .call, .method: return .expr(e, line: line)
        default: break
        }
        // Lua 5.1 reads anything else as the start of an assignment
        var targets = [e]
        while true {
            switch targets[targets.count - 1] {
            case .local, .upval, .global, .index: break
            default: throw error("syntax error")
            }
            if try testNext(.char(44)) { targets.append(try suffixedExpr()) } else { break }
        }
        try checkNext(.char(61), "=")
        let es = try exprList()
        return .assign(targets, es, line: line)
    }

    // MARK: functions

    mutating func funcBody(isMethod: Bool, line: Int) throws -> FuncBody {
        let f = FuncBody()
        f.line = line
        let scope = FuncScope(parent: fs)
        fs = scope
        defer { fs = scope.parent! }
        if isMethod {
            let s = LocalVar(LuaString("self"))
            f.params.append(s); declare(s)
        }
        try checkNext(.char(40), "(")
        if lex.tok != .char(41) {
            repeat {
                if lex.tok == .dots {
                    try lex.next()
                    f.isVararg = true
                    break
                }
                guard case .name = lex.tok else { throw errorExpected("<name>") }
                let v = LocalVar(try name())
                f.params.append(v); declare(v)
            } while try testNext(.char(44))
        }
        scope.isVararg = f.isVararg
        try checkNext(.char(41), ")")
        f.body = try block()
        f.lastLine = lex.line
        try checkMatch(.kEnd, "end", "function", line)
        return f
    }

    // MARK: expressions

    mutating func exprList() throws -> [Expr] {
        var es = [try expr()]
        while try testNext(.char(44)) { es.append(try expr()) }
        return es
    }

    mutating func primaryExpr() throws -> Expr {
        switch lex.tok {
        case .name(let n):
            try lex.next()
            return resolve(n)
        case .char(40):
            let line = lex.line
            try lex.next()
            let e = try expr()
            try checkMatch(.char(41), ")", "(", line)
            // a parenthesised constant is still a constant (and still folds)
            switch e {
            case .number, .string, .nil_, .true_, .false_: return e
            default: return .paren(e)
            }
        default:
            throw error("unexpected symbol")
        }
    }

    mutating func suffixedExpr() throws -> Expr {
        var e = try primaryExpr()
        while true {
            switch lex.tok {
            case .char(46):
                try lex.next()
                let line = lex.line
                e = .index(e, .string(try name()), line: line)
            case .char(91):
                let line = lex.line
                try lex.next()
                let k = try expr()
                try checkNext(.char(93), "]")
                e = .index(e, k, line: line)
            case .char(58):
                try lex.next()
                let m = try name()
                let line = lex.line
                e = .method(e, m, try callArgs(), line: line)
            case .char(40), .string, .char(123):
                let line = lex.line
                e = .call(e, try callArgs(), line: line)
            default:
                return e
            }
        }
    }

    mutating func callArgs() throws -> [Expr] {
        switch lex.tok {
        case .string(let s):
            try lex.next()
            return [.string(s)]
        case .char(123):
            return [try tableConstructor()]
        case .char(40):
            let line = lex.line
            try lex.next()
            if lex.tok == .char(41) { try lex.next(); return [] }
            let es = try exprList()
            try checkMatch(.char(41), ")", "(", line)
            return es
        default:
            throw error("function arguments expected")
        }
    }

    mutating func tableConstructor() throws -> Expr {
        let line = lex.line
        try checkNext(.char(123), "{")
        var items: [TableItem] = []
        while lex.tok != .char(125) {
            if case .name(let n) = lex.tok, try lex.lookahead() == .char(61) {
                try lex.next(); try lex.next()
                items.append(.keyed(.string(n), try expr()))
            } else if lex.tok == .char(91) {
                try lex.next()
                let k = try expr()
                try checkNext(.char(93), "]")
                try checkNext(.char(61), "=")
                items.append(.keyed(k, try expr()))
            } else {
                items.append(.positional(try expr()))
            }
            if try testNext(.char(44)) { continue }
            if try testNext(.char(59)) { continue }
            break
        }
        try checkMatch(.char(125), "}", "{", line)
        return .table(items, line: line)
    }

    mutating func simpleExpr() throws -> Expr {
        switch lex.tok {
        case .number(let d): try lex.next(); return .number(d)
        case .string(let s): try lex.next(); return .string(s)
        case .kNil: try lex.next(); return .nil_
        case .kTrue: try lex.next(); return .true_
        case .kFalse: try lex.next(); return .false_
        case .dots:
            if !fs.isVararg { throw error("cannot use '...' outside a vararg function") }
            try lex.next(); return .vararg
        case .char(123): return try tableConstructor()
        case .kFunction:
            let line = lex.line
            try lex.next()
            return .function(try funcBody(isMethod: false, line: line))
        default:
            return try suffixedExpr()
        }
    }

    func binop(_ t: Tok) -> (BinOp?, Int, Int, Bool) {
        switch t {
        case .char(43): return (.add, 6, 6, false)
        case .char(45): return (.sub, 6, 6, false)
        case .char(42): return (.mul, 7, 7, false)
        case .char(47): return (.div, 7, 7, false)
        case .char(37): return (.mod, 7, 7, false)
        case .char(94): return (.pow, 10, 9, false)
        case .concat: return (.concat, 5, 4, false)
        case .ne: return (.ne, 3, 3, false)
        case .eq: return (.eq, 3, 3, false)
        case .char(60): return (.lt, 3, 3, false)
        case .le: return (.le, 3, 3, false)
        case .char(62): return (.gt, 3, 3, false)
        case .ge: return (.ge, 3, 3, false)
        case .kAnd: return (nil, 2, 2, false)
        case .kOr: return (nil, 1, 1, true)
        default: return (nil, -1, -1, false)
        }
    }

    mutating func expr() throws -> Expr { try subExpr(0) }

    mutating func subExpr(_ limit: Int) throws -> Expr {
        try enter(); defer { depth -= 1 }
        var e: Expr
        let uop: UnOp?
        switch lex.tok {
        case .kNot: uop = .not
        case .char(45): uop = .neg
        case .char(35): uop = .len
        default: uop = nil
        }
        if let u = uop {
            let line = lex.line
            try lex.next()
            let operand = try subExpr(8)
            if u == .neg, case .number(let d) = operand { e = .number(-d) }
            else { e = .unop(u, operand, line: line) }
        } else {
            e = try simpleExpr()
        }
        while true {
            let t = lex.tok
            let (op, left, right, isOr) = binop(t)
            if left < 0 || left <= limit { break }
            let line = lex.line
            try lex.next()
            let rhs = try subExpr(right)
            if let o = op { e = fold(o, e, rhs) ?? .binop(o, e, rhs, line: line) }
            else if isOr { e = .or(e, rhs) }
            else { e = .and(e, rhs) }
        }
        return e
    }

    /// Lua 5.1 folds arithmetic on numeric constants (except what would give NaN or a division by zero).
    func fold(_ op: BinOp, _ a: Expr, _ b: Expr) -> Expr? {
        guard case .number(let x) = a, case .number(let y) = b else { return nil }
        let r: Double
        switch op {
        case .add: r = x + y
        case .sub: r = x - y
        case .mul: r = x * y
        case .div: if y == 0 { return nil }; r = x / y
        case .mod: if y == 0 { return nil }; r = x - (x / y).rounded(.down) * y
        case .pow: r = LuaVM.pow(x, y)
        default: return nil
        }
        if r.isNaN { return nil }
        return .number(r)
    }
}
