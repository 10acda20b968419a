/// `vigil up`: filled in by its own change.
enum UpCommand {
    static func run(arguments: [String]) -> Int32 {
        printError("vigil up: not built yet")
        return 1
    }
}
