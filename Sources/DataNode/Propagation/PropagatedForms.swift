/// Command names the propagated stream uses in place of the client's
/// command, spelled as Redis 7.0's shared objects spell them.
enum PropagatedForms {
    static let lpop = Array("LPOP".utf8), rpop = Array("RPOP".utf8)
    static let lmove = Array("LMOVE".utf8), rpoplpush = Array("RPOPLPUSH".utf8)
    static let zpopmin = Array("ZPOPMIN".utf8), zpopmax = Array("ZPOPMAX".utf8)
    static let srem = Array("SREM".utf8)
}
