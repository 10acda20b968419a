/// The `notes` of Redis 7.0's key specs (commands.def), which the reference
/// table does not carry: by command full name, one entry per key spec index.
enum KeySpecNotes {
    static let byCommand: [String: [Int: String]] = [
        "set": [0: "RW and ACCESS due to the optional `GET` argument"],
        "getex": [0: "RW and UPDATE because it changes the TTL"],
        "bitfield": [0: "This command allows both access and modification of the key"],
        "pfcount": [0: "RW because it may change the internal representation of the key, and propagate to replicas"],
        "xadd": [0: "UPDATE instead of INSERT because of the optional trimming feature"],
        "sort": [1: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                 2: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"],
        "sort_ro": [1: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"],
        "eval": [0: "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"],
        "eval_ro": [0: "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"],
        "fcall": [0: "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"],
        "fcall_ro": [0: "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"],
    ]
}
