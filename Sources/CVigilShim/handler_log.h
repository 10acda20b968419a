// Log lines written from signal handlers (handler_log.c), shared by the
// crash report, the watchdog and the shutdown signals: only
// async-signal-safe calls, the log file opened by name for each write as
// serverLogRaw does, standard output for an empty name.
#ifndef VIGIL_HANDLER_LOG_H
#define VIGIL_HANDLER_LOG_H
#include <stddef.h>
#include <stdint.h>

// A line being built without malloc or stdio.
typedef struct { char b[512]; size_t n; } hlog_line_t;

void hlog_put(hlog_line_t *l, const char *s);
void hlog_put_num(hlog_line_t *l, long long v, int width);
void hlog_put_hex(hlog_line_t *l, uintptr_t v);
// "pid:role dd Mon yyyy hh:mm:ss.mmm # ", as the server's warning lines.
void hlog_put_prefix(hlog_line_t *l);
// Writes the line and a newline; text as is; the log's descriptor for
// writers of their own (backtrace_symbols_fd), -1 when there is no log.
void hlog_write_line(hlog_line_t *l);
void hlog_write_text(const char *s);
int hlog_open(void);
void hlog_close(int fd);
// serverLogFromHandler: "pid:signal-handler (unixtime) message", at warning level.
void hlog_from_handler(const char *msg);
#endif
