/// Why a drill stopped: bad input (nothing was broken) or a deployment that did
/// not come back in time (what happened so far is still reported).
enum DrillFailure: Error, CustomStringConvertible {
    case badInput(String)
    case notConverged(String)

    var description: String {
        switch self {
        case .badInput(let m), .notConverged(let m): return m
        }
    }
}
