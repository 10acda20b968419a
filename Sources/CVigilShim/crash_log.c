// The crash report and the software watchdog (Redis's sigsegvHandler and
// watchdogSignalHandler in debug.c), written from signal handlers through
// handler_log.c: no Swift, no malloc, no stdio.
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
#include "CVigilShim.h"
#include "handler_log.h"

static char product[128] = "Vigil";
static char alt_stack[65536];           // so a stack overflow still gets its report
static int configured = 0;              // servers run inside a test process never are

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
    int fd = hlog_open();
    if (fd < 0) return;
    const char *head = "\n------ STACK TRACE ------\n";
    ssize_t ignored = write(fd, head, strlen(head));
    if (eip) {
        ignored = write(fd, "EIP:\n", 5);
        backtrace_symbols_fd(&eip, 1, fd);
    }
    ignored = write(fd, "\nBacktrace:\n", 12);
    (void)ignored;
    if (size > uplevel) backtrace_symbols_fd(trace + uplevel, size - uplevel, fd);
    hlog_close(fd);
}

// MARK: the crash report

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void crash_handler(int sig, siginfo_t *info, void *secret) {
    hlog_write_text("\n\n=== VIGIL BUG REPORT START: Cut & paste starting from here ===\n");
    hlog_line_t l = { .n = 0 };
    hlog_put_prefix(&l); hlog_put(&l, product); hlog_put(&l, " crashed by signal: "); hlog_put_num(&l, sig, 0);
    hlog_put(&l, ", si_code: "); hlog_put_num(&l, info->si_code, 0);
    hlog_write_line(&l);
    if (sig == SIGSEGV || sig == SIGBUS) {
        l.n = 0; hlog_put_prefix(&l); hlog_put(&l, "Accessing address: "); hlog_put_hex(&l, (uintptr_t)info->si_addr);
        hlog_write_line(&l);
    }
    if (info->si_code == SI_USER && info->si_pid != -1) {
        l.n = 0; hlog_put_prefix(&l); hlog_put(&l, "Killed by PID: "); hlog_put_num(&l, info->si_pid, 0);
        hlog_put(&l, ", UID: "); hlog_put_num(&l, info->si_uid, 0);
        hlog_write_line(&l);
    }
    void *eip = instruction_pointer(secret);
    if (eip) {
        l.n = 0; hlog_put_prefix(&l); hlog_put(&l, "Crashed running the instruction at: "); hlog_put_hex(&l, (uintptr_t)eip);
        hlog_write_line(&l);
    }
    // Jumping to an unmapped address: unwinding from there would fault again.
    log_stack_trace(eip == info->si_addr ? NULL : eip, 1);
    hlog_write_text("\n=== VIGIL BUG REPORT END. Make sure to include from START to END. ===\n\n"
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

void vigil_crashlog_configure(const char *name) {
    size_t n = strlen(name);
    if (n >= sizeof product) n = sizeof product - 1;
    memcpy(product, name, n);
    product[n] = '\0';
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
    hlog_from_handler("\n--- WATCHDOG TIMER EXPIRED ---");
    log_stack_trace(instruction_pointer(secret), 1);
    hlog_from_handler("--------\n");
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
