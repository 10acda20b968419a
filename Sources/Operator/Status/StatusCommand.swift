import Glibc

/// `vigil status`: reads one sentinel's view of its masters and prints it as
/// tables or JSON, once or refreshed (`--watch`).
enum StatusCommand {
    static func run(arguments: [String]) -> Int32 {
        let options: StatusOptions
        do {
            options = try StatusOptions.parse(arguments)
        } catch {
            printError("vigil status: \(error)\n\n\(StatusOptions.usage)")
            return 1
        }
        if options.help {
            writeOut(StatusOptions.usage + "\n")
            return 0
        }
        let gatherer = SentinelGatherer(user: options.user, password: options.password, epochs: options.epochs)
        let fetch = { () throws(StatusFailure) -> StatusReport in
            try gatherer.gather(from: options.sentinels, masterName: options.masterName)
        }
        if options.watch {
            return StatusWatch(options: options, fetch: fetch, write: writeOut).run()
        }
        do {
            let report = try fetch()
            writeOut(options.json ? StatusJSON.render(report) : StatusTable.render(report))
            return 0
        } catch {
            printError("vigil status: \(error)")
            return 1
        }
    }

    /// Straight to the descriptor: a watch must show each frame as it is drawn.
    static func writeOut(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }
}
