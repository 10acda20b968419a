extension String {
    func leftPadded(_ n: Int, with ch: Character = "0") -> String {
        count >= n ? self : String(repeating: ch, count: n - count) + self
    }
}
