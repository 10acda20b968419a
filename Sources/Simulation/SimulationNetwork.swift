
import SentinelCore

/// The simulated network between hosts (named by their port): which
/// directions are cut, how long a message takes, and how often a TCP
/// connection is reset. TCP does not lose single messages: a lost segment
/// is retransmitted (that is latency) and a path that keeps failing ends in
/// a reset connection, so loss is modelled as resets.
struct SimulationNetwork {
    /// Directed cuts: (from, to) means nothing from `from` reaches `to`.
    private(set) var cuts: Set<Pair> = []
    var minDelay: Int64 = 1
    var maxDelay: Int64 = 3
    /// Chance that delivering a message resets its connection instead.
    var resetRate = 0.0
    /// How often a stalled connection (cut path, paused receiver) tries again:
    /// retransmission, with the backoff capped so a healed path resumes fast.
    static let retransmit: Int64 = 500
    /// How long a SYN is retried before the connect fails (as the IO layer's connect timeout).
    static let connectTimeout: Int64 = 60_000

    struct Pair: Hashable { let from: Int; let to: Int }

    func reachable(_ from: Int, _ to: Int) -> Bool { !cuts.contains(Pair(from: from, to: to)) }
    func bothWays(_ a: Int, _ b: Int) -> Bool { reachable(a, b) && reachable(b, a) }

    mutating func cut(_ from: Int, _ to: Int) { cuts.insert(Pair(from: from, to: to)) }
    mutating func cutBoth(_ a: Int, _ b: Int) { cut(a, b); cut(b, a) }
    mutating func heal(_ from: Int, _ to: Int) { cuts.remove(Pair(from: from, to: to)) }
    mutating func healAll() { cuts = [] }

    /// Cuts every path between the two groups, both ways.
    mutating func partition(_ a: [Int], _ b: [Int]) {
        for x in a { for y in b { cutBoth(x, y) } }
    }

    func delay(_ rng: inout SentinelRandom) -> Int64 {
        maxDelay <= minDelay ? minDelay : minDelay + Int64(rng.below(Int(maxDelay - minDelay + 1)))
    }

    func shouldReset(_ rng: inout SentinelRandom) -> Bool {
        resetRate > 0 && Double(rng.below(1_000_000)) < resetRate * 1_000_000
    }
}

/// Scheduled actions ordered by (time, insertion order): a binary heap, so a
/// run of many thousand events stays cheap.
struct SimulationQueue {
    struct Item {
        let at: Int64
        let seq: Int
        let action: () -> Void
        func before(_ o: Item) -> Bool { at != o.at ? at < o.at : seq < o.seq }
    }
    private var heap: [Item] = []
    private var seq = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Int64? { heap.first?.at }

    mutating func push(at: Int64, _ action: @escaping () -> Void) {
        seq += 1
        heap.append(Item(at: at, seq: seq, action: action))
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !heap[i].before(heap[p]) { break }
            heap.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> Item? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && heap[l].before(heap[m]) { m = l }
            if r < heap.count && heap[r].before(heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
