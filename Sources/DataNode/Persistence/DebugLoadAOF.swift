import Glibc
import Protocol

/// DEBUG LOADAOF (debug.c, Redis 7.0): what is buffered written out, the
/// databases emptied, the manifest read again and the AOF files loaded back,
/// as Redis's test suite uses it to check that the AOF holds the dataset.
/// Like Redis, a server whose AOF can't be loaded back (off, missing,
/// truncated or corrupt) exits with status 1: its memory no longer holds
/// the data and its files don't either.
enum DebugLoadAOF {
    static func run(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.aof.state == .on { s.flushAppendOnlyFile(force: true) }
        s.emptyAllDatabases()
        guard s.loadAppendOnlyManifest() else { exit(1) }
        s.deleteAppendOnlyHistoryFiles()
        // Not serving other clients meanwhile: this one is inside its command.
        let status = s.loadAppendOnlyFiles(serveEvents: false)
        guard status == .ok || status == .empty else { exit(1) }
        // The reload itself is nothing to save or propagate.
        s.dirty = 0
        s.log.warning("Append Only File loaded by DEBUG LOADAOF")
        c.out.ok()
    }
}
