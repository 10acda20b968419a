// The crash report and the software watchdog (Redis's sigsegvHandler and
// watchdogSignalHandler in debug.c): written from signal handlers, so only
// async-signal-safe calls here — no Swift, no malloc, no stdio, no
// localtime (the timezone offset is taken once, when configured).
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "CVigilShim.h"

static char log_path[4096];     // "" writes to standard output
static char product[128] = "Vigil";
static volatile char log_role = 'M';
static volatile int log_level = 2;      // 0 debug .. 3 warning
static volatile int log_daemonized = 0; // stdout is /dev/null then: skip it
static long tz_offset = 0;              // seconds east of UTC when configured
static char alt_stack[65536];           // so a stack overflow still gets its report
static int configured = 0;              // servers run inside a test process never are

// MARK: writing

typedef struct { char b[512]; size_t n; } line_t;

static void put(line_t *l, const char *s) {
    while (*s && l->n < sizeof(l->b)) l->b[l->n++] = *s++;
}

static void put_num(line_t *l, long long v, int width) {
    char d[24]; int n = 0;
    unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    do { d[n++] = '0' + u % 10; u /= 10; } while (u);
    while (n < width) d[n++] = '0';
    if (v < 0 && l->n < sizeof(l->b)) l->b[l->n++] = '-';
    while (n && l->n < sizeof(l->b)) l->b[l->n++] = d[--n];
}

static void put_hex(line_t *l, uintptr_t v) {
    if (v == 0) { put(l, "(nil)"); return; }
    char d[20]; int n = 0;
    while (v) { d[n++] = "0123456789abcdef"[v & 15]; v >>= 4; }
    put(l, "0x");
    while (n && l->n < sizeof(l->b)) l->b[l->n++] = d[--n];
}

static int open_log(void) {
    if (log_path[0] == '\0') return log_daemonized ? -1 : STDOUT_FILENO;
    return open(log_path, O_APPEND | O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
}

static void close_log(int fd) {
    if (fd != STDOUT_FILENO && fd >= 0) close(fd);
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w; n -= (size_t)w;
    }
}

static void write_text(const char *s) {
    int fd = open_log();
    if (fd < 0) return;
    write_all(fd, s, strlen(s));
    close_log(fd);
}

// "pid:role dd Mon yyyy hh:mm:ss.mmm # " as the server's own log lines.
static void put_prefix(line_t *l) {
    static const char *months[] = {"Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long t = (long long)ts.tv_sec + tz_offset;
    long long days = t / 86400, secs = t % 86400;
    if (secs < 0) { secs += 86400; days -= 1; }
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    put_num(l, getpid(), 0);
    char role[3] = {':', log_role, ' '};
    for (int i = 0; i < 3; i++) l->b[l->n++] = role[i];
    put_num(l, day, 2); put(l, " "); put(l, months[month - 1]); put(l, " "); put_num(l, year, 4); put(l, " ");
    put_num(l, secs / 3600, 2); put(l, ":"); put_num(l, secs / 60 % 60, 2); put(l, ":"); put_num(l, secs % 60, 2);
    put(l, "."); put_num(l, ts.tv_nsec / 1000000, 3); put(l, " # ");
}

static void log_line(line_t *l) {
    put(l, "\n");
    int fd = open_log();
    if (fd < 0) return;
    write_all(fd, l->b, l->n);
    close_log(fd);
}

// serverLogFromHandler's form: "pid:signal-handler (unixtime) message".
static void log_from_handler(const char *msg) {
    if (log_level > 3) return;
    line_t l = { .n = 0 };
    put_num(&l, getpid(), 0);
    put(&l, ":signal-handler (");
    put_num(&l, (long long)time(NULL), 0);
    put(&l, ") ");
    put(&l, msg);
    log_line(&l);
}

static void *instruction_pointer(void *secret) {
#if defined(__x86_64__)
    return (void *)((ucontext_t *)secret)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (void *)((ucontext_t *)secret)->uc_mcontext.pc;
#else
    (void)secret;
    return NULL;
#endif
}

static void log_stack_trace(void *eip, int uplevel) {
    void *trace[100];
    int size = backtrace(trace, 100);
    int fd = open_log();
    if (fd < 0) return;
    const char *head = "\n------ STACK TRACE ------\n";
    write_all(fd, head, strlen(head));
    if (eip) {
        write_all(fd, "EIP:\n", 5);
        backtrace_symbols_fd(&eip, 1, fd);
    }
    write_all(fd, "\nBacktrace:\n", 12);
    if (size > uplevel) backtrace_symbols_fd(trace + uplevel, size - uplevel, fd);
    close_log(fd);
}

// MARK: the crash report

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void crash_handler(int sig, siginfo_t *info, void *secret) {
    write_text("\n\n=== VIGIL BUG REPORT START: Cut & paste starting from here ===\n");
    line_t l = { .n = 0 };
    put_prefix(&l); put(&l, product); put(&l, " crashed by signal: "); put_num(&l, sig, 0);
    put(&l, ", si_code: "); put_num(&l, info->si_code, 0);
    log_line(&l);
    if (sig == SIGSEGV || sig == SIGBUS) {
        l.n = 0; put_prefix(&l); put(&l, "Accessing address: "); put_hex(&l, (uintptr_t)info->si_addr);
        log_line(&l);
    }
    if (info->si_code == SI_USER && info->si_pid != -1) {
        l.n = 0; put_prefix(&l); put(&l, "Killed by PID: "); put_num(&l, info->si_pid, 0);
        put(&l, ", UID: "); put_num(&l, info->si_uid, 0);
        log_line(&l);
    }
    void *eip = instruction_pointer(secret);
    if (eip) {
        l.n = 0; put_prefix(&l); put(&l, "Crashed running the instruction at: "); put_hex(&l, (uintptr_t)eip);
        log_line(&l);
    }
    // Jumping to an unmapped address: unwinding from there would fault again.
    log_stack_trace(eip == info->si_addr ? NULL : eip, 1);
    write_text("\n=== VIGIL BUG REPORT END. Make sure to include from START to END. ===\n\n"
               "       Please report the crash to Vigil's developers, with the log lines\n"
               "       from START to END and the server's configuration.\n\n");
    // Die of the same signal (a core dump where enabled), as Redis does.
    struct sigaction act;
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_NODEFER | SA_ONSTACK | SA_RESETHAND;
    act.sa_handler = SIG_DFL;
    sigaction(sig, &act, NULL);
    kill(getpid(), sig);
}

void vigil_crashlog_configure(const char *path, const char *name, int daemonized) {
    size_t n = strlen(path);
    if (n >= sizeof log_path) n = sizeof log_path - 1;
    memcpy(log_path, path, n);
    log_path[n] = '\0';
    n = strlen(name);
    if (n >= sizeof product) n = sizeof product - 1;
    memcpy(product, name, n);
    product[n] = '\0';
    log_daemonized = daemonized;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    tz_offset = tm.tm_gmtoff;
    // backtrace() loads libgcc on its first call, which allocates: do it
    // now, not first inside a handler.
    void *warm[2];
    backtrace(warm, 2);
    stack_t ss;
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    configured = 1;
}

void vigil_crashlog_set_role(char role) { log_role = role; }

void vigil_crashlog_set_level(int level) { log_level = level; }

void vigil_crashlog_enable(int on) {
    if (!configured) return;
    struct sigaction act;
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    if (on) {
        act.sa_flags = SA_NODEFER | SA_RESETHAND | SA_SIGINFO | SA_ONSTACK;
        act.sa_sigaction = crash_handler;
    } else {
        act.sa_flags = SA_NODEFER | SA_RESETHAND;
        act.sa_handler = SIG_DFL;
    }
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) sigaction(crash_signals[i], &act, NULL);
}

// MARK: the watchdog

static void watchdog_handler(int sig, siginfo_t *info, void *secret) {
    (void)sig; (void)info;
    int saved = errno;
    log_from_handler("\n--- WATCHDOG TIMER EXPIRED ---");
    log_stack_trace(instruction_pointer(secret), 1);
    log_from_handler("--------\n");
    errno = saved;
}

void vigil_watchdog_schedule(int period_ms) {
    if (!configured) return;
    struct itimerval it;
    it.it_value.tv_sec = period_ms / 1000;
    it.it_value.tv_usec = (period_ms % 1000) * 1000;
    it.it_interval.tv_sec = 0;
    it.it_interval.tv_usec = 0;
    setitimer(ITIMER_REAL, &it, NULL);
}

void vigil_watchdog_enable(int period_ms) {
    if (!configured) return;
    struct sigaction act;
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    if (period_ms == 0) {
        vigil_watchdog_schedule(0);
        // SIG_IGN also drops a signal already pending.
        act.sa_handler = SIG_IGN;
        sigaction(SIGALRM, &act, NULL);
        return;
    }
    // SA_RESTART: a blocking call the alarm lands in carries on.
    act.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    act.sa_sigaction = watchdog_handler;
    sigaction(SIGALRM, &act, NULL);
    vigil_watchdog_schedule(period_ms);
}

void vigil_debug_segfault(void) {
    // A write to a read-only page, as DEBUG SEGFAULT does in Redis.
    volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *p = 'x';
}
