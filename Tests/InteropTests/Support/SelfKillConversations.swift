import TestSupport

/// The CLIENT KILL-of-the-caller conversations both servers must hold exactly
/// as Redis 7.0 does (reply first, then close, pipelined commands dropped):
/// played against redis-server and vigil-server, and against redis-sentinel
/// and vigil-sentinel, by the two SelfDisconnect test classes.
enum SelfKillConversations {
    static var userSkipmeNo: [WireStep] { [WireStep(replies: 1, ["CLIENT", "KILL", "USER", "default", "SKIPME", "no"], ["PING"]), .listen] }

    static var idOfCaller: [WireStep] { [
        WireStep(compared: false, ["CLIENT", "ID"]),
        WireStep(replies: 1) { ctx in [["CLIENT", "KILL", "ID", ctx.lastInteger, "SKIPME", "no"], ["PING"]] }, .listen] }

    static var addrOfCaller: [WireStep] { [
        WireStep(replies: 1) { ctx in [["CLIENT", "KILL", "ADDR", ctx.address, "SKIPME", "no"], ["PING"]] }, .listen] }

    static var laddrOfCaller: [WireStep] { [
        WireStep(replies: 1) { ctx in [["CLIENT", "KILL", "LADDR", ctx.serverAddress, "SKIPME", "no"], ["PING"]] }, .listen] }

    static var typeNormal: [WireStep] { [WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "NORMAL", "SKIPME", "no"], ["PING"]), .listen] }

    static var oldFormOfCaller: [WireStep] { [WireStep(replies: 1) { ctx in [["CLIENT", "KILL", ctx.address], ["PING"]] }, .listen] }
}
