/// Why `vigil status` has nothing to show, in words naming what and where.
enum StatusFailure: Error, Equatable, CustomStringConvertible {
    /// No connection, or no reply in time.
    case unreachable(StatusOptions.Address, String)
    /// Something answers there, but not as a sentinel (a data node, say).
    case notASentinel(StatusOptions.Address, String)
    /// A sentinel that refused us (NOAUTH, a wrong password, an ACL denial...).
    case refused(StatusOptions.Address, String)
    case noSuchMaster(name: String, StatusOptions.Address, known: [String])
    /// Several sentinels were given and none answered.
    case noneAnswered([StatusFailure])

    var description: String {
        switch self {
        case .unreachable(let a, let why):
            return "cannot reach sentinel \(a): \(why)"
        case .notASentinel(let a, let why):
            return "\(a) is not a sentinel: \(why)"
        case .refused(let a, let why):
            return "sentinel \(a) refused: \(why)"
        case .noSuchMaster(let name, let a, let known):
            let list = known.isEmpty ? "it monitors no master at all" : "it monitors: \(known.joined(separator: ", "))"
            return "sentinel \(a) monitors no master named '\(name)' (\(list))"
        case .noneAnswered(let failures):
            return "no sentinel answered:\n" + failures.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// Whether the next `--sentinel` is worth asking: a sentinel that answered
    /// about the master name speaks for the deployment.
    var triesNext: Bool {
        switch self {
        case .noSuchMaster: return false
        default: return true
        }
    }
}
