import Protocol

// Re-exported helpers, so Keyspace files need not import Protocol everywhere.
@inline(__always) public func parseStrictInt64Value(_ b: [UInt8]) -> Int64? { parseStrictInt64(b) }
@inline(__always) public func appendDecimalValue(_ v: Int64, to out: inout [UInt8]) { appendDecimal(v, to: &out) }
