/// `vigil down`: filled in by its own change.
enum DownCommand {
    static func run(arguments: [String]) -> Int32 {
        printError("vigil down: not built yet")
        return 1
    }
}
