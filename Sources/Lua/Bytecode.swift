/// The register machine's instruction set. Operands named RK are a register
/// when >= 0 and constant `-1 - k` when negative.
enum Op: UInt8 {
    case move, loadk, loadbool, loadnil
    case getupval, setupval, getcell, setcell, newcell
    case getglobal, setglobal, gettable, settable, newtable, selfOp
    case add, sub, mul, div, mod, pow, unm, not, len, concat
    case jmp, eq, lt, le, test, testset
    case call, tailcall, ret, forprep, forloop, tforloop, setlist, closure, vararg
}

struct Instr {
    var op: Op
    var a: Int32
    var b: Int32
    var c: Int32
    init(_ op: Op, _ a: Int32, _ b: Int32 = 0, _ c: Int32 = 0) { self.op = op; self.a = a; self.b = b; self.c = c }
}

/// How an operand was named in the source, for "attempt to index local 't'".
struct VarName {
    let kind: String
    let name: String
}

/// A local variable's name and register over the instructions where it is
/// in scope (Lua's LocVar): what a debugger's "print" shows.
public struct LocalVarInfo {
    public let name: String
    public let register: Int
    /// The first instruction where it is visible, and the first where it no longer is.
    public var startPC: Int
    public var endPC: Int
}

/// Where a closure's upvalue comes from when the CLOSURE instruction runs:
/// the creating function's register (holding a cell) or one of its upvalues.
struct UpvalDesc {
    let fromRegister: Bool
    let index: Int32
}

/// A compiled function.
final class Proto {
    var code: [Instr] = []
    var lines: [Int32] = []
    var constants: [LuaValue] = []
    var protos: [Proto] = []
    var upvals: [UpvalDesc] = []
    var upvalNames: [String] = []
    var localVars: [LocalVarInfo] = []
    var numParams = 0
    var isVararg = false
    var maxStack = 2
    var chunk = "?"
    var line = 0
    /// The line of the closing `end` (0 for a main chunk, as Lua's lastlinedefined).
    var lastLine = 0
    /// Operand names per instruction, consulted only when it raises.
    var names: [Int: [Int32: VarName]] = [:]

    /// The code and constants as raw buffers for the interpreter loop (no
    /// bounds or uniqueness checks); made once, after compilation.
    private(set) var codePtr: UnsafeMutablePointer<Instr>! = nil
    private(set) var kPtr: UnsafeMutablePointer<LuaValue>! = nil

    func prepare() {
        codePtr = .allocate(capacity: max(code.count, 1))
        codePtr.initialize(from: code, count: code.count)
        kPtr = .allocate(capacity: max(constants.count, 1))
        kPtr.initialize(from: constants, count: constants.count)
        for p in protos { p.prepare() }
    }

    deinit {
        if let c = codePtr { c.deinitialize(count: code.count); c.deallocate() }
        if let k = kPtr { k.deinitialize(count: constants.count); k.deallocate() }
    }
}
