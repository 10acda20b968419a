/// The `key:value` lines of an INFO reply (section headers and blank lines skipped).
enum InfoFields {
    static func parse(_ text: String) -> [(key: String, value: String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
    }

    static func dictionary(_ text: String) -> [String: String] {
        ReplyFields.info(text)
    }
}
