import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// ACL SETUSER / GETUSER / LIST / DRYRUN answers of vigil-server against
/// redis-server 7.0 for seeded random rule sets. Redis prints single-command
/// rules in hash-table order (random per process), so that part of a
/// description is compared as a multiset; everything else byte for byte.
/// VIGIL_ACL_DIFF_SEEDS / VIGIL_ACL_DIFF_SETS scale the run (the issue's
/// full count is 20 seeds × 1,000 rule sets).
final class ACLDifferentialTests: XCTestCase {
    func testRandomRuleSetsGiveTheSameAnswers() throws {
        let env = ProcessInfo.processInfo.environment
        let seeds = Int(env["VIGIL_ACL_DIFF_SEEDS"] ?? "") ?? 2
        let sets = Int(env["VIGIL_ACL_DIFF_SETS"] ?? "") ?? 150
        let redis = try ServerRealRedis()
        var mismatches: [String] = []
        var compared = 0, refusals = 0, denials = 0
        for seed in 1...seeds {
            let ours = try Harness()
            _ = try redis.raw(["ACL", "DELUSER", "u1", "u2", "u3"])
            var gen = ACLRuleSetGenerator(seed: UInt64(seed))
            for n in 0..<sets {
                let (user, rules) = gen.ruleSet()
                var probes: [[String]] = [["ACL", "SETUSER", user] + rules, ["ACL", "GETUSER", user], ["ACL", "LIST"]]
                for _ in 0..<3 { probes.append(["ACL", "DRYRUN", user] + gen.probe()) }
                for args in probes {
                    let theirs = Self.normalized(try redis.raw(args))
                    let mine = Self.normalized(ours.raw(args))
                    compared += 1
                    if theirs.hasPrefix("-") { refusals += 1 }
                    if theirs.contains("no permissions") { denials += 1 }
                    if theirs != mine {
                        mismatches.append("seed \(seed) set \(n) \(args.prefix(12)) after SETUSER \(user) \(rules): " + Self.firstDifference(theirs, mine))
                    }
                }
                if mismatches.count > 20 { break }
            }
        }
        print("ACL differential: \(seeds) seeds × \(sets) rule sets, \(compared) replies compared (\(refusals) errors, \(denials) DRYRUN denials), \(mismatches.count) mismatches")
        // A generator that only produced errors or only allowed everything would prove little.
        XCTAssertGreaterThan(refusals, compared / 50)
        XCTAssertGreaterThan(denials, compared / 50)
        XCTAssertEqual(mismatches, [], mismatches.prefix(20).joined(separator: "\n"))
    }

    /// Both texts around the first character where they differ.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a), y = Array(b)
        var i = 0
        while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
        let from = max(0, i - 120)
        return "redis=…\(String(x[from..<min(x.count, i + 120)]).debugDescription) vigil=…\(String(y[from..<min(y.count, i + 120)]).debugDescription)"
    }

    /// The reply as text with every command-rule run ("-@all +@read -get
    /// +set" in GETUSER, LIST or a selector) put in a canonical order:
    /// category rules in place, single-command rules sorted.
    static func normalized(_ reply: [UInt8]) -> String {
        let text = String(decoding: reply, as: UTF8.self)
        return text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line -> String in
            let tokens = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            var out: [String] = []
            var i = 0
            while i < tokens.count {
                let t = tokens[i]
                let bare = t.hasPrefix("(") ? String(t.dropFirst()) : t
                guard bare == "+@all" || bare == "-@all" else { out.append(t); i += 1; continue }
                var group = [bare]
                var closing = ""
                if bare.hasSuffix(")") { closing = ")" }
                i += 1
                while closing.isEmpty && i < tokens.count && (tokens[i].hasPrefix("+") || tokens[i].hasPrefix("-")) {
                    var tok = tokens[i]
                    if tok.hasSuffix(")") { tok.removeLast(); closing = ")" }
                    group.append(tok)
                    i += 1
                }
                let cats = group.prefix { $0.contains("@") }
                let singles = group.dropFirst(cats.count).sorted()
                out.append((t.hasPrefix("(") ? "(" : "") + (Array(cats) + singles).joined(separator: " ") + closing)
            }
            return out.joined(separator: " ")
        }.joined(separator: "\r\n")
    }
}
