// Log lines written from signal handlers (see handler_log.h): no malloc, no
// stdio, no localtime (the timezone offset is taken when configured).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "CVigilShim.h"
#include "handler_log.h"

static char log_path[4096];                  // "" writes to standard output
static volatile int log_off = 1;             // until configured; or daemonized to stdout
static volatile char log_role = 'M';
static long tz_offset = 0;                   // seconds east of UTC

void vigil_handler_log_configure(const char *path, int daemonized) {
    log_off = 1;
    size_t n = strlen(path);
    if (n >= sizeof log_path) n = sizeof log_path - 1;
    memcpy(log_path, path, n);
    log_path[n] = '\0';
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    tz_offset = tm.tm_gmtoff;
    // Daemonized, standard output is /dev/null: serverLogFromHandler writes nothing.
    log_off = n == 0 && daemonized;
}

void vigil_handler_log_set_role(char role) { log_role = role; }

void hlog_put(hlog_line_t *l, const char *s) {
    while (*s && l->n < sizeof(l->b)) l->b[l->n++] = *s++;
}

void hlog_put_num(hlog_line_t *l, long long v, int width) {
    char d[24]; int n = 0;
    unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    do { d[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n < width) d[n++] = '0';
    if (v < 0 && l->n < sizeof(l->b)) l->b[l->n++] = '-';
    while (n && l->n < sizeof(l->b)) l->b[l->n++] = d[--n];
}

void hlog_put_hex(hlog_line_t *l, uintptr_t v) {
    if (v == 0) { hlog_put(l, "(nil)"); return; }
    char d[20]; int n = 0;
    while (v) { d[n++] = "0123456789abcdef"[v & 15]; v >>= 4; }
    hlog_put(l, "0x");
    while (n && l->n < sizeof(l->b)) l->b[l->n++] = d[--n];
}

void hlog_put_prefix(hlog_line_t *l) {
    static const char *months[] = {"Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long t = (long long)ts.tv_sec + tz_offset;
    long long days = t / 86400, secs = t % 86400;
    if (secs < 0) { secs += 86400; days -= 1; }
    // The civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    hlog_put_num(l, getpid(), 0);
    char role[4] = {':', log_role, ' ', 0};
    hlog_put(l, role);
    hlog_put_num(l, day, 2); hlog_put(l, " "); hlog_put(l, months[month - 1]); hlog_put(l, " ");
    hlog_put_num(l, year, 4); hlog_put(l, " ");
    hlog_put_num(l, secs / 3600, 2); hlog_put(l, ":"); hlog_put_num(l, secs / 60 % 60, 2); hlog_put(l, ":");
    hlog_put_num(l, secs % 60, 2); hlog_put(l, "."); hlog_put_num(l, ts.tv_nsec / 1000000, 3); hlog_put(l, " # ");
}

int hlog_open(void) {
    if (log_off) return -1;
    if (log_path[0] == '\0') return STDOUT_FILENO;
    return open(log_path, O_APPEND | O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
}

void hlog_close(int fd) {
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

void hlog_write_text(const char *s) {
    int fd = hlog_open();
    if (fd < 0) return;
    write_all(fd, s, strlen(s));
    hlog_close(fd);
}

void hlog_write_line(hlog_line_t *l) {
    if (l->n < sizeof(l->b)) l->b[l->n++] = '\n';
    int fd = hlog_open();
    if (fd < 0) return;
    write_all(fd, l->b, l->n);
    hlog_close(fd);
}

void hlog_from_handler(const char *msg) {
    hlog_line_t l = { .n = 0 };
    hlog_put_num(&l, getpid(), 0);
    hlog_put(&l, ":signal-handler (");
    hlog_put_num(&l, (long long)time(NULL), 0);
    hlog_put(&l, ") ");
    hlog_put(&l, msg);
    hlog_write_line(&l);
}
