/// One CLIENT LIST / CLIENT INFO line, fields in Redis 7.0's order. Each
/// server fills in what it knows of a client; `text` is the line without its "\n".
public struct ClientInfoLine {
    public var id = 0
    public var addr = ""
    public var laddr = ""
    public var fd: Int32 = -1
    public var name = ""
    public var ageSeconds: Int64 = 0
    public var idleSeconds: Int64 = 0
    public var flags = "N"
    public var db = 0
    public var sub = 0
    public var psub = 0
    public var ssub = 0
    /// Commands queued by MULTI, -1 outside a transaction.
    public var multi = -1
    public var qbuf = 0
    public var qbufFree = 0
    public var argvMem = 0
    public var multiMem = 0
    public var rbs = 0
    public var rbp = 0
    public var obl = 0
    public var oll = 0
    public var omem = 0
    public var totMem = 0
    public var events = "r"
    public var cmd = "NULL"
    public var user = "default"
    public var redir = -1
    public var resp = 2

    public init() {}

    public var text: String {
        var s = "id=\(id) addr=\(addr) laddr=\(laddr) fd=\(fd) name=\(name)"
        s += " age=\(ageSeconds) idle=\(idleSeconds) flags=\(flags) db=\(db) sub=\(sub) psub=\(psub) ssub=\(ssub)"
        s += " multi=\(multi) qbuf=\(qbuf) qbuf-free=\(qbufFree) argv-mem=\(argvMem) multi-mem=\(multiMem)"
        s += " rbs=\(rbs) rbp=\(rbp) obl=\(obl) oll=\(oll) omem=\(omem) tot-mem=\(totMem)"
        s += " events=\(events) cmd=\(cmd) user=\(user) redir=\(redir) resp=\(resp)"
        return s
    }
}
