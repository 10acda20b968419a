/// ctime's format without the newline: "Sun Nov 22 03:04:52 2026".
public enum CTimeText {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Broken-down time (month 1-12, weekday 0 = Sunday) in that format.
    static func format(year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int, second: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let d = day < 10 ? " \(day)" : "\(day)"
        return "\(days[weekday]) \(months[month - 1]) \(d) \(two(hour)):\(two(minute)):\(two(second)) \(year)"
    }

    /// The UTC time of a wall-clock ms (days-to-civil from Howard Hinnant's
    /// date algorithms), for when no time zone is at hand.
    public static func utc(_ ms: Int64) -> String {
        let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let rem = Int(secs - days * 86400)
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        return format(year: year, month: month, day: day, weekday: weekday, hour: rem / 3600, minute: rem % 3600 / 60, second: rem % 60)
    }
}
