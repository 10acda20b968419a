"""What the benchmark scripts share: the binaries they compare, the server
processes they start and stop, and a minimal RESP client.

Every process started here is tracked until it is stopped, and whatever is
still alive when the script exits (an exception, Ctrl-C, or a SIGTERM after
interrupt_on_sigterm()) is killed, so that no benchmark leaves servers behind.
"""
import atexit, os, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Neither server writes to disk nor listens beyond loopback.
QUIET = ["--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]


# --- binaries ---------------------------------------------------------------

def require_tools(tools, packages):
    """Exits with an install hint unless every one of tools is on PATH."""
    for tool in tools:
        if not shutil.which(tool):
            sys.exit("%s not found: apt-get install %s" % (tool, packages))


def add_vigil_options(parser, product):
    """--vigil PATH (default: the release build of product) and --no-build."""
    parser.add_argument("--vigil", default=os.path.join(ROOT, ".build", "release", product))
    parser.add_argument("--no-build", action="store_true")


def vigil_binary(args, product):
    """Builds product in release mode unless --no-build, and returns --vigil."""
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    return args.vigil


# --- ports, RESP, /proc -----------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def rss_kb(pid):
    """VmRSS of pid in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def cpu_seconds(pid):
    """A process's CPU time so far (user + system), from /proc: the
    scheduler's nanosecond count summed over its threads where the kernel
    keeps it (utime and stime come in clock ticks, 10 ms: a 1 s run would
    be measured to 1%), else utime + stime."""
    try:
        total = 0
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(what, timeout, check):
    """Polls check() until it is true; an error while polling counts as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, RuntimeError):
            pass
        time.sleep(0.05)
    raise RuntimeError("timed out after %ss waiting for %s" % (timeout, what))


def answers_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Client:
    """A minimal RESP client: sequential calls, pipelined loading."""

    def __init__(self, port, timeout=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0
        # Bytes dropped from the front of buf: base + pos counts all bytes read.
        self.base = 0

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def close(self):
        self.sock.close()

    def _fill(self):
        if self.pos > 1 << 20:
            del self.buf[:self.pos]
            self.base += self.pos
            self.pos = 0
        d = self.sock.recv(1 << 20)
        if not d:
            raise ConnectionError("server closed the connection")
        self.buf += d

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = bytes(self.buf[self.pos:i])
                self.pos = i + 2
                return line
            self._fill()

    def read(self):
        line = self._line()
        t = line[:1]
        if t == b"-":
            raise RuntimeError(line[1:].decode())
        if t in (b"+", b":"):
            return line[1:]
        if t == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) < self.pos + n + 2:
                self._fill()
            v = bytes(self.buf[self.pos:self.pos + n])
            self.pos += n + 2
            return v
        if t == b"*":
            n = int(line[1:])
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("unexpected reply %r" % line[:40])

    def skip(self, nbytes):
        """Consumes a reply known to be nbytes long."""
        while len(self.buf) - self.pos < nbytes:
            self._fill()
        self.pos += nbytes

    def call(self, *args):
        self.sock.sendall(encode(args))
        return self.read()

    def reply_size(self, *args):
        """The byte length of the reply to args (parsed once)."""
        self.sock.sendall(encode(args))
        before = self.base + self.pos
        self.read()
        return self.base + self.pos - before

    def pipeline(self, commands, batch=2000):
        """Sends commands batch by batch, reading every reply (an error reply raises)."""
        for i in range(0, len(commands), batch):
            chunk = commands[i:i + batch]
            self.sock.sendall(b"".join(encode(c) for c in chunk))
            for _ in chunk:
                self.read()


# --- server processes -------------------------------------------------------

LIVE = []  # every Server started and not yet stopped


@atexit.register
def kill_all():
    """SIGKILLs every server still running."""
    stop_all(list(LIVE), signal.SIGKILL)


def interrupt_on_sigterm():
    """A SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C does, so that
    finally blocks and the exit handler stop the servers."""
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))


class Server:
    """A process serving on a loopback port, run in directory with stdout
    and stderr in the file log_path."""

    def __init__(self, cmd, port, directory, log_path):
        self.cmd, self.port, self.dir, self.log_path = cmd, port, directory, log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=directory)
        LIVE.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def wait_ping(self, timeout=20):
        """Waits until the server answers PING; fails at once if it exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited (status %d) before answering PING on port %d; log: %s"
                                   % (self.cmd[0], self.proc.returncode, self.port, self.log_path))
            if answers_ping(self.port):
                return self
            time.sleep(0.05)
        raise RuntimeError("%s on port %d did not answer PING within %ss; log: %s"
                           % (self.cmd[0], self.port, timeout, self.log_path))

    def kill(self):
        """SIGKILL and wait: the abrupt end of a crash."""
        self.proc.kill()
        self.proc.wait()

    def stop(self, sig=signal.SIGTERM, grace=10):
        """Sends sig, then SIGKILL if it is still running after grace seconds."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self in LIVE:
            LIVE.remove(self)


def start(cmd, port, directory, log_path, wait=True):
    """Starts cmd (which serves on port) in directory; waits for PING unless wait is False."""
    s = Server(cmd, port, directory, log_path)
    return s.wait_ping() if wait else s


def start_vigil_server(exe, directory, log_path, port=None, extra=(), wait=True):
    port = port or free_port()
    return start([exe, "--port", str(port)] + QUIET + list(extra), port, directory, log_path, wait)


def start_redis_server(directory, log_path, port=None, extra=(), wait=True):
    port = port or free_port()
    return start(["redis-server", "--port", str(port), "--dir", directory] + QUIET + list(extra),
                 port, directory, log_path, wait)


def stop_all(servers, sig=signal.SIGTERM):
    for s in servers:
        s.stop(sig)


# --- a sentinel deployment --------------------------------------------------

class Deployment:
    """A redis-server master with replicas and sentinels of one kind
    (sentinel_exe: redis-sentinel or vigil-sentinel), in a scratch directory
    below parent. Sentinels start once every replica is connected."""

    def __init__(self, sentinel_exe, parent, name, down_after, failover_timeout, master_name="mymaster",
                 replicas=2, sentinels=3, quorum=2, data_exe=None):
        self.master_name = master_name
        self.data_exe = data_exe  # vigil-server instead of redis-server when given
        self.dir = tempfile.mkdtemp(prefix="run-%s-" % name, dir=parent)
        self.servers = []
        self.master_port = free_port()
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.sentinel_ports = [free_port() for _ in range(sentinels)]
        self.master = self.data_node(self.master_port, [])
        for p in self.replica_ports:
            self.data_node(p, ["--replicaof", "127.0.0.1", str(self.master_port)])
        wait_until("all replicas connected", 15, lambda: self.connected_replicas() == replicas)
        for port in self.sentinel_ports:
            conf = os.path.join(self.dir, "sentinel-%d.conf" % port)
            with open(conf, "w") as f:
                f.write("port %d\nbind 127.0.0.1\ndir %s\n" % (port, self.dir)
                        + "sentinel monitor %s 127.0.0.1 %d %d\n" % (master_name, self.master_port, quorum)
                        + "sentinel down-after-milliseconds %s %d\n" % (master_name, down_after)
                        + "sentinel failover-timeout %s %d\n" % (master_name, failover_timeout))
            self.servers.append(start([sentinel_exe, conf], port, self.dir,
                                      os.path.join(self.dir, "sentinel-%d.log" % port)))

    def data_node(self, port, extra):
        d = os.path.join(self.dir, "node-%d" % port)
        os.mkdir(d)
        # No 5 s wait before the diskless full sync: replicas are in sync at once.
        log = os.path.join(self.dir, "node-%d.log" % port)
        extra = ["--repl-diskless-sync-delay", "0"] + extra
        if self.data_exe:
            s = start_vigil_server(self.data_exe, d, log, port=port, extra=["--dir", d] + extra)
        else:
            s = start_redis_server(d, log, port=port, extra=extra)
        self.servers.append(s)
        return s

    def connected_replicas(self):
        with Client(self.master_port, timeout=1.0) as c:
            for line in c.call("INFO", "replication").decode().splitlines():
                if line.startswith("connected_slaves:"):
                    return int(line.split(":", 1)[1])
        return 0

    def wait_ready(self):
        """Every sentinel knows every replica (with fresh INFO) and every other sentinel."""
        def ready():
            for port in self.sentinel_ports:
                with Client(port, timeout=1.0) as c:
                    replicas = c.call("SENTINEL", "REPLICAS", self.master_name)
                    others = c.call("SENTINEL", "SENTINELS", self.master_name)
                if len(replicas) != len(self.replica_ports) or len(others) != len(self.sentinel_ports) - 1:
                    return False
                for r in replicas:
                    fields = dict(zip(r[::2], r[1::2]))
                    if fields.get(b"master-link-status") != b"ok" or b"disconnected" in fields.get(b"flags", b""):
                        return False
            return True
        wait_until("discovery", 30, ready)

    def close(self):
        stop_all(self.servers, signal.SIGKILL)
