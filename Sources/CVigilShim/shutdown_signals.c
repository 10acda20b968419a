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
#include "handler_log.h"

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

static void on_server_shutdown_signal(int sig) {
    if (shutdown_requested && sig == SIGINT) {
        hlog_from_handler("You insist... exiting now.");
        // rdbRemoveTempFile(getpid(), 1): the foreground save's file.
        hlog_line_t tmp = { .n = 0 };
        hlog_put(&tmp, "temp-");
        hlog_put_num(&tmp, (long long)getpid(), 0);
        hlog_put(&tmp, ".rdb");
        tmp.b[tmp.n] = '\0';
        unlink(tmp.b);
        _exit(1);
    }
    hlog_from_handler(sig == SIGINT ? "Received SIGINT scheduling shutdown..." :
                     sig == SIGTERM ? "Received SIGTERM scheduling shutdown..." :
                                      "Received shutdown signal, scheduling shutdown...");
    shutdown_requested = sig;
}

void vigil_install_server_shutdown_signals(void) { install(on_server_shutdown_signal); }
