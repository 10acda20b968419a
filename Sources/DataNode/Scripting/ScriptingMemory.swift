/// The scripting rows of INFO memory (server.c genRedisInfoString). The Lua
/// heaps are estimated from the objects the scripts keep alive on top of an
/// empty VM's size (Redis reads lua_gc(LUA_GCCOUNT), which this VM lacks).
extension Server {
    static let emptyEvalVMBytes = 32768
    static let emptyFunctionVMBytes = 33792
    static let bytesPerLuaObject = 64

    func scriptingMemoryRows(human: (Int) -> String) -> [(String, String)] {
        let evalVM = Self.emptyEvalVMBytes + (scripting.evalVM?.liveObjects ?? 0) * Self.bytesPerLuaObject
        let functionVM = Self.emptyFunctionVMBytes + (scripting.functionEnv?.vm.liveObjects ?? 0) * Self.bytesPerLuaObject
        let scriptsEval = scripting.scriptsMemory
        let functions = scripting.libraries.memory
        return [
            ("used_memory_lua", String(evalVM)),
            ("used_memory_vm_eval", String(evalVM)),
            ("used_memory_lua_human", human(evalVM)),
            ("used_memory_scripts_eval", String(scriptsEval)),
            ("number_of_cached_scripts", String(scripting.scripts.count)),
            ("number_of_functions", String(scripting.libraries.functionCount)),
            ("number_of_libraries", String(scripting.libraries.libraryCount)),
            ("used_memory_vm_functions", String(functionVM)),
            ("used_memory_vm_total", String(evalVM + functionVM)),
            ("used_memory_vm_total_human", human(evalVM + functionVM)),
            ("used_memory_functions", String(functions)),
            ("used_memory_scripts", String(scriptsEval + functions)),
            ("used_memory_scripts_human", human(scriptsEval + functions)),
        ]
    }
}
