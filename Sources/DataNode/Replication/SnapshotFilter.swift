/// What a replica asked to leave out of its snapshot (7.0's slave_req:
/// SLAVE_REQ_RDB_EXCLUDE_DATA / _FUNCTIONS, set by REPLCONF rdb-filter-only).
/// A filtered snapshot is produced for that replica alone, over its socket,
/// and shared only with replicas asking for the same filter.
struct SnapshotFilter: Equatable {
    var excludeData = false
    var excludeFunctions = false

    var isFiltered: Bool { excludeData || excludeFunctions }

    /// rdb-filter-only's value: everything is left out but what it names
    /// ("functions" is the one part 7.0 knows); nil names the unknown word.
    static func including(_ parts: [[UInt8]]) -> Result<SnapshotFilter, UnknownPart> {
        var f = SnapshotFilter(excludeData: true, excludeFunctions: true)
        for p in parts {
            guard p.count == 9, String(decoding: p, as: UTF8.self).lowercased() == "functions" else {
                return .failure(UnknownPart(word: String(decoding: p, as: UTF8.self)))
            }
            f.excludeFunctions = false
        }
        return .success(f)
    }

    struct UnknownPart: Error {
        let word: String
    }
}
