/// `vigil drill`: filled in by its own change.
enum DrillCommand {
    static func run(arguments: [String]) -> Int32 {
        printError("vigil drill: not built yet")
        return 1
    }
}
