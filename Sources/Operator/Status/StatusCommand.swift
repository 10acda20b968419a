/// `vigil status`: filled in by its own change.
enum StatusCommand {
    static func run(arguments: [String]) -> Int32 {
        printError("vigil status: not built yet")
        return 1
    }
}
