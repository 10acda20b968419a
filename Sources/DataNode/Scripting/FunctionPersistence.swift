import Persistence

/// Function libraries in RDB files (rdb.c rdbSaveFunctions / rdbFunctionLoad):
/// written as FUNCTION2 records after the AUX fields, loaded back as FUNCTION
/// LOAD REPLACE would load them, without the time limit (loading replaces
/// the dataset, functions included, as 7.0's emptyData before rdbLoad).
extension Server {
    var rdbFunctionLoader: ([UInt8]) throws -> Void { rdbFunctionLoader(replacing: true) }

    /// Without `replacing` (rdbLoad without RDBFLAGS_ALLOW_DUP: DEBUG RELOAD
    /// without MERGE) a library already loaded fails the load.
    func rdbFunctionLoader(replacing: Bool) -> ([UInt8]) throws -> Void {
        { [unowned self] code in
            if case .failure(let e) = self.loadLibrary(code, replace: replacing, timeout: false) {
                let text = e.message.hasPrefix("ERR ") ? String(e.message.dropFirst(4)) : e.message
                throw RDBError(offset: -1, message: "Failed loading library: \(text)")
            }
        }
    }

    var rdbFunctionCodes: [[UInt8]] { scripting.libraries.all.map(\.code) }
}
