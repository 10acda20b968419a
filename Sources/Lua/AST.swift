/// A local variable as the parser resolved it. `captured` is final once the
/// whole chunk is parsed (an inner function referring to it sets it), so the
/// compiler knows from the declaration on whether it lives in a cell.
final class LocalVar {
    let name: LuaString
    var captured = false
    var register: Int32 = -1
    init(_ name: LuaString) { self.name = name }
}

enum BinOp { case add, sub, mul, div, mod, pow, concat, eq, ne, lt, le, gt, ge }
enum UnOp { case neg, not, len }

indirect enum Expr {
    case nil_, true_, false_, vararg
    case number(Double)
    case string(LuaString)
    case local(LocalVar)
    case upval(LocalVar)
    case global(LuaString)
    case index(Expr, Expr, line: Int)
    case call(Expr, [Expr], line: Int)
    case method(Expr, LuaString, [Expr], line: Int)
    case function(FuncBody)
    case binop(BinOp, Expr, Expr, line: Int)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case unop(UnOp, Expr, line: Int)
    case table([TableItem], line: Int)
    case paren(Expr)

    var isMulti: Bool {
        switch self {
        case .call, .method, .vararg: return true
        default: return false
        }
    }
}

enum TableItem {
    case positional(Expr)
    case keyed(Expr, Expr)
}

indirect enum Stat {
    case expr(Expr, line: Int)
    case local([LocalVar], [Expr], line: Int)
    case assign([Expr], [Expr], line: Int)
    case block([Stat])
    case whileLoop(Expr, [Stat], line: Int)
    case repeatLoop([Stat], Expr, line: Int)
    case ifChain([(Expr, [Stat])], [Stat]?, line: Int)
    case numFor(LocalVar, Expr, Expr, Expr?, [Stat], line: Int)
    case genFor([LocalVar], [Expr], [Stat], line: Int)
    case localFunction(LocalVar, FuncBody)
    case ret([Expr], line: Int)
    case brk(line: Int)
}

final class FuncBody {
    var params: [LocalVar] = []
    var isVararg = false
    var body: [Stat] = []
    var line = 0
    var lastLine = 0
}
