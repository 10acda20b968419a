import Protocol
import Lua

/// One function of a library.
struct LuaFunctionEntry {
    let name: String
    let callback: LuaValue
    let description: [UInt8]?
    let flags: ScriptFlags
}

/// A library loaded by FUNCTION LOAD: its full text and its functions.
struct FunctionLibrary {
    let name: String
    let code: [UInt8]
    var functions: [LuaFunctionEntry]
}

/// The loaded libraries and the function index FCALL looks names up in
/// (function names are case-insensitive, library names are not).
struct FunctionLibraries {
    private(set) var order: [String] = []
    private(set) var byName: [String: FunctionLibrary] = [:]
    /// lowercased function name → library name
    private(set) var functionOwner: [String: String] = [:]

    var libraryCount: Int { byName.count }
    /// The sum over libraries (FUNCTION STATS): names differing only in case count apart.
    var functionCount: Int { byName.values.reduce(0) { $0 + $1.functions.count } }
    var all: [FunctionLibrary] { order.compactMap { byName[$0] } }

    func library(_ name: String) -> FunctionLibrary? { byName[name] }

    func function(_ name: String) -> LuaFunctionEntry? {
        let key = name.lowercased()
        guard let lib = functionOwner[key].flatMap({ byName[$0] }) else { return nil }
        return lib.functions.first { $0.name.lowercased() == key }
    }

    /// The function that `lib` would take from another library, if any.
    func clash(_ lib: FunctionLibrary, replacing: Set<String>) -> String? {
        for f in lib.functions {
            if let owner = functionOwner[f.name.lowercased()], owner != lib.name, !replacing.contains(owner) { return f.name }
        }
        return nil
    }

    mutating func remove(_ name: String) {
        guard let lib = byName.removeValue(forKey: name) else { return }
        order.removeAll { $0 == name }
        for f in lib.functions where functionOwner[f.name.lowercased()] == name { functionOwner[f.name.lowercased()] = nil }
    }

    mutating func add(_ lib: FunctionLibrary) {
        remove(lib.name)
        byName[lib.name] = lib
        order.append(lib.name)
        // The first of two names differing only in case keeps the index entry (dictAdd fails for the second).
        for f in lib.functions where functionOwner[f.name.lowercased()] == nil { functionOwner[f.name.lowercased()] = lib.name }
    }

    /// Library bookkeeping in bytes (INFO used_memory_functions).
    var memory: Int {
        200 + byName.values.reduce(0) { sum, lib in
            sum + 96 + lib.name.utf8.count + lib.code.count + lib.functions.reduce(0) { $0 + 112 + $1.name.utf8.count + ($1.description?.count ?? 0) }
        }
    }
}

/// The metadata line of a library (functions.c functionExtractLibMetaData).
enum LibraryMetadata {
    static func parse(_ code: [UInt8]) -> Result<(engine: String, name: String, body: [UInt8]), ScriptError> {
        guard code.count >= 2, code[0] == UInt8(ascii: "#"), code[1] == UInt8(ascii: "!") else {
            return .failure(ScriptError(message: "ERR Missing library metadata"))
        }
        guard let nl = code.firstIndex(of: 10) else { return .failure(ScriptError(message: "ERR Invalid library metadata")) }
        // sdssplitargs over the whole line: quotes group (name="x"), and the
        // engine is the first word less its "#!" (empty for "#! name=x").
        guard let parts = splitArgs(Array(code[0..<nl])), let first = parts.first else {
            return .failure(ScriptError(message: "ERR Invalid library metadata"))
        }
        let engine = String(decoding: first.dropFirst(2), as: UTF8.self)
        var name: String?
        for part in parts.dropFirst() {
            let p = String(decoding: part, as: UTF8.self)
            guard p.count >= 5, p.prefix(5).lowercased() == "name=" else {
                return .failure(ScriptError(message: "ERR Invalid metadata value given: \(p)"))
            }
            if name != nil { return .failure(ScriptError(message: "ERR Invalid metadata value, name argument was given multiple times")) }
            name = String(decoding: part.dropFirst(5), as: UTF8.self)
        }
        guard let name else { return .failure(ScriptError(message: "ERR Library name was not given")) }
        // The code keeps its first newline: line numbers count the metadata line.
        return .success((engine, name, Array(code[nl...])))
    }

    static func validName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    static let invalidNameError = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
}
