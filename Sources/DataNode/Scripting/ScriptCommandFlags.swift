import Keyspace

/// The flags an EVAL/EVALSHA/FCALL (and _RO) line runs under when its script
/// declares flags (server.c getCommandFlags, eval.c evalGetCommandFlags,
/// function.c fcallGetCommandFlags, script.c scriptFlagsToCmdFlags): what
/// EXEC checks for the scripts it queued.
extension Server {
    /// The declared flags of the script or function `argv` names; nil for a
    /// script without a shebang, an unknown sha or function.
    func declaredScriptFlags(_ cmd: Command, _ argv: [[UInt8]]) -> ScriptFlags? {
        guard argv.count >= 2 else { return nil }
        switch cmd.fullName {
        case "fcall", "fcall_ro":
            return scripting.libraries.function(String(decoding: argv[1], as: UTF8.self))?.flags
        case "evalsha", "evalsha_ro":
            guard let s = cachedScript(sha: argv[1]) else { return nil }
            return s.flags.declared ? s.flags : nil
        default:
            // EVAL: the cached script, else the body's own shebang.
            if let s = scripting.scripts[Key(RedisLuaAPI.sha1Hex(argv[1]))] { return s.flags.declared ? s.flags : nil }
            guard case .success(let p) = ScriptShebang.parse(argv[1]), p.flags.declared else { return nil }
            return p.flags
        }
    }

    func effectiveFlags(_ cmd: Command, _ argv: [[UInt8]]) -> CommandFlags {
        guard cmd.isScriptCall, let f = declaredScriptFlags(cmd, argv) else { return cmd.flags }
        var flags = cmd.flags
        // may_replicate too: declared flags say whether it writes.
        flags.subtract([.stale, .denyoom, .write, .mayReplicate])
        // no-writes implies allow-oom.
        if !f.allowOOM && !f.noWrites { flags.insert(.denyoom) }
        if !f.noWrites { flags.insert(.write) }
        if f.allowStale { flags.insert(.stale) }
        return flags
    }
}
