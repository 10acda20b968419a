/// Something kept in a MinHeap, ordered by a millisecond deadline.
public protocol HeapOrdered {
    var heapKey: Int64 { get }
}

/// A binary min-heap on `heapKey`: the loop's timers and the server's blocked
/// clients' deadlines both use it.
public struct MinHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    public init() {}

    public var peek: Element? { items.first }
    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }

    public mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].heapKey <= items[i].heapKey { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    public mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && items[l].heapKey < items[m].heapKey { m = l }
            if r < items.count && items[r].heapKey < items[m].heapKey { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
    }
}
