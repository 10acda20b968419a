import Glibc

/// `vigil exec-child PROGRAM ARGS...` (not in the usage): becomes PROGRAM.
/// `vigil up --redis` starts redis-server and redis-sentinel through it, so
/// that they too die with a foreground `vigil up` (the parent-death signal
/// set by ChildLifetime survives the exec).
enum ExecChild {
    static let command = "exec-child"

    static func run(arguments: [String]) -> Int32 {
        guard let program = arguments.first else {
            printError("vigil \(command): no program given")
            return 1
        }
        var cargs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(program, &cargs)
        printError("vigil \(command): cannot run \(program): \(String(cString: strerror(errno)))")
        return 127
    }
}
