#!/usr/bin/env python3
"""Generates Sources/Sentinel/IO/SentinelCommandData+Generated.swift: the COMMAND and
COMMAND DOCS replies of a real redis-sentinel 7.0.15 (RESP3), which vigil-sentinel
serves byte for byte.

  python3 scripts/gen_sentinel_command_data.py            # from the captures in scripts/data
  python3 scripts/gen_sentinel_command_data.py --capture  # first re-capture them from redis-sentinel

The captures (scripts/data/redis-sentinel-7.0.15-*.resp) are the raw reply bytes.
"""
import base64, os, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'scripts', 'data')
CAPTURES = {'commandReply': 'redis-sentinel-7.0.15-command.resp',
            'docsReply': 'redis-sentinel-7.0.15-command-docs.resp'}
OUT = os.path.join(ROOT, 'Sources', 'Sentinel', 'IO', 'SentinelCommandData+Generated.swift')
CHUNK = 110


def frame_end(buf, pos=0):
    """Offset just past the RESP2/RESP3 frame starting at pos, or None if incomplete."""
    nl = buf.find(b'\r\n', pos)
    if nl < 0:
        return None
    kind, head, pos = buf[pos:pos + 1], buf[pos + 1:nl], nl + 2
    if kind in b'$=!':
        n = int(head)
        return pos + n + 2 if n >= 0 and len(buf) >= pos + n + 2 else (pos if n < 0 else None)
    if kind in b'*~>%|':
        n = int(head) * (2 if kind in b'%|' else 1)
        for _ in range(max(n, 0)):
            pos = frame_end(buf, pos)
            if pos is None:
                return None
        return pos
    return pos


def ask(sock, command):
    sock.sendall(b'*%d\r\n' % len(command) + b''.join(b'$%d\r\n%s\r\n' % (len(a), a) for a in command))
    buf = b''
    while True:
        end = frame_end(buf) if buf else None
        if end is not None:
            return buf[:end]
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit('redis-sentinel closed the connection')
        buf += chunk


def capture():
    with tempfile.TemporaryDirectory() as d:
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()
        conf = os.path.join(d, 'sentinel.conf')
        open(conf, 'w').write('port %d\ndir %s\n' % (port, d))
        proc = subprocess.Popen(['redis-sentinel', conf], stdout=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    sock = socket.create_connection(('127.0.0.1', port))
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                sys.exit('redis-sentinel did not start')
            ask(sock, [b'HELLO', b'3'])
            for name, args in (('commandReply', [b'COMMAND']), ('docsReply', [b'COMMAND', b'DOCS'])):
                open(os.path.join(DATA, CAPTURES[name]), 'wb').write(ask(sock, args))
        finally:
            proc.terminate()
            proc.wait()


def generate():
    out = ['// Generated from a real redis-sentinel 7.0.15 (HELLO 3, then COMMAND and',
           '// COMMAND DOCS), base64 of the RESP3 replies. Do not edit by hand.',
           'enum SentinelCommandData {']
    for name in ('commandReply', 'docsReply'):
        b64 = base64.b64encode(open(os.path.join(DATA, CAPTURES[name]), 'rb').read()).decode()
        out.append('    static let %s = [' % name)
        out += ['        "%s",' % b64[i:i + CHUNK] for i in range(0, len(b64), CHUNK)]
        out.append('    ].joined()')
        if name == 'commandReply':
            out.append('')
    out.append('}')
    open(OUT, 'w').write('\n'.join(out) + '\n')


if __name__ == '__main__':
    if '--capture' in sys.argv[1:]:
        capture()
    generate()
