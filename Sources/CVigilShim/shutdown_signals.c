// SIGTERM and SIGINT (shutdown_signals.c). Every program notes the signal
// for its loop to act on. The data node's handler is redis-server's
// sigShutdownHandler: it logs from the handler, and a second SIGINT while a
// shutdown is pending (the final save taking long) exits at once, removing
// the save's temp file, since the loop is not running to do it.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "CVigilShim.h"

static volatile sig_atomic_t shutdown_requested = 0;

static void on_shutdown_signal(int sig) { shutdown_requested = sig; }

static void install(void (*handler)(int)) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_handler = handler;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
}

void vigil_install_shutdown_signals(void) { install(on_shutdown_signal); }
int vigil_shutdown_requested(void) { return shutdown_requested; }
void vigil_clear_shutdown(void) { shutdown_requested = 0; }

// Where the server's handler logs: a file opened by name per line, or
// stdout for an empty name; nothing when disabled.
static char log_path[4096];
static volatile sig_atomic_t log_enabled = 0;

void vigil_shutdown_signal_log(const char *path, int enabled) {
    log_enabled = 0;
    snprintf(log_path, sizeof log_path, "%s", path ? path : "");
    log_enabled = enabled;
}

// Only async-signal-safe calls: the decimal form is built by hand.
static size_t decimal(char *buf, long long v) {
    char tmp[24];
    size_t n = 0, len = 0;
    if (v < 0) { buf[len++] = '-'; v = -v; }
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) buf[len++] = tmp[--n];
    return len;
}

// serverLogFromHandler: "<pid>:signal-handler (<unix time>) <message>".
static void log_from_handler(const char *msg) {
    if (!log_enabled) return;
    int to_stdout = log_path[0] == '\0';
    int fd = to_stdout ? STDOUT_FILENO : open(log_path, O_APPEND | O_CREAT | O_WRONLY, 0644);
    if (fd == -1) return;
    char line[512];
    size_t n = decimal(line, (long long)getpid());
    memcpy(line + n, ":signal-handler (", 17);
    n += 17;
    n += decimal(line + n, (long long)time(NULL));
    line[n++] = ')';
    line[n++] = ' ';
    size_t m = strlen(msg);
    if (m > sizeof line - n - 1) m = sizeof line - n - 1;
    memcpy(line + n, msg, m);
    n += m;
    line[n++] = '\n';
    ssize_t ignored = write(fd, line, n);
    (void)ignored;
    if (!to_stdout) close(fd);
}

static void on_server_shutdown_signal(int sig) {
    if (shutdown_requested && sig == SIGINT) {
        log_from_handler("You insist... exiting now.");
        // rdbRemoveTempFile(getpid(), 1): the foreground save's file.
        char tmp[64] = "temp-";
        size_t n = 5 + decimal(tmp + 5, (long long)getpid());
        memcpy(tmp + n, ".rdb", 5);
        unlink(tmp);
        _exit(1);
    }
    log_from_handler(sig == SIGINT ? "Received SIGINT scheduling shutdown..." :
                     sig == SIGTERM ? "Received SIGTERM scheduling shutdown..." :
                                      "Received shutdown signal, scheduling shutdown...");
    shutdown_requested = sig;
}

void vigil_install_server_shutdown_signals(void) { install(on_server_shutdown_signal); }
