#!/usr/bin/env python3
"""Prints the README's table of implemented commands: asks a running
vigil-server for COMMAND LIST and groups the names by the Redis 7.0 reference.

Usage: python3 scripts/commands_table.py PORT [scripts/data/redis-7.0-commands.tsv]
"""
import os, socket, sys

def command_list(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*2\r\n$7\r\nCOMMAND\r\n$4\r\nLIST\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        lines = data.split(b"\r\n")
        if lines[0].startswith(b"*"):
            n = int(lines[0][1:])
            if len(lines) >= 1 + 2 * n + 1:
                break
    s.close()
    lines = data.split(b"\r\n")
    n = int(lines[0][1:])
    return [lines[2 + 2 * i].decode() for i in range(n)]

port = int(sys.argv[1])
tsv = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "redis-7.0-commands.tsv")
groups = {}
with open(tsv) as f:
    header = f.readline().rstrip("\n").split("\t")
    for line in f:
        cols = dict(zip(header, line.rstrip("\n").split("\t")))
        groups[cols["name"]] = cols["group"]
names = command_list(port)
subs = {}
for name in names:
    if "|" in name:
        parent, sub = name.split("|", 1)
        subs.setdefault(parent, []).append(sub.upper())
by_group = {}
for name in names:
    if "|" in name:
        continue
    label = name.upper()
    if name in subs:
        label += " (" + " ".join(sorted(subs[name])) + ")"
    by_group.setdefault(groups.get(name, "?"), []).append(label)
print("| group | commands |")
print("|---|---|")
for g in sorted(by_group):
    print("| %s | %s |" % (g, ", ".join(sorted(by_group[g]))))
