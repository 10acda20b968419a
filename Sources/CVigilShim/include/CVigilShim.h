#ifndef CVIGILSHIM_H
#define CVIGILSHIM_H
// Only what Glibc's Swift module does not expose: epoll, accept4, a few socket
// helpers with fixed-size sockaddr handling, and signal wiring.
// The header deliberately includes no system headers besides stdint: pulling
// in <sys/epoll.h> under _GNU_SOURCE here would clash with Glibc's module
// definitions (fd_set). The .c file includes them.
#include <stdint.h>

enum { VIGIL_EPOLL_CTL_ADD = 1, VIGIL_EPOLL_CTL_DEL = 2, VIGIL_EPOLL_CTL_MOD = 3 };

typedef struct {
    int32_t fd;
    uint32_t events;
} vigil_event;

int vigil_epoll_create(void);
int vigil_epoll_ctl(int epfd, int op, int fd, uint32_t events);
int vigil_epoll_wait(int epfd, vigil_event *out, int max, int timeout_ms);

uint32_t vigil_epollin(void);
uint32_t vigil_epollout(void);
uint32_t vigil_epollerr(void);
uint32_t vigil_epollhup(void);
uint32_t vigil_epollet(void);
uint32_t vigil_epollrdhup(void);

// Returns a listening non-blocking socket bound to host:port or -1 (errno set).
// host may be "*" / "0.0.0.0" / "::" / an address. backlog as listen(2).
int vigil_listen_tcp(const char *host, int port, int backlog);
// Local port of a bound socket, -1 on error.
int vigil_local_port(int fd);
// accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC; writes the peer "ip:port" into addr (size addrlen).
int vigil_accept(int fd, char *addr, int addrlen);
// Non-blocking connect; returns fd (connect in progress or done) or -1.
/* `source`: the local address to connect from (NULL or "": any). */
int vigil_connect_tcp(const char *host, int port, int nonblocking, const char *source);
// 0 when a non-blocking connect finished fine, else the pending socket error.
int vigil_socket_error(int fd);
int vigil_set_nonblocking(int fd, int on);
int vigil_set_nodelay(int fd);
int vigil_set_keepalive(int fd, int interval);
int vigil_set_timeouts(int fd, int ms);
// "ip:port" of the peer / of the local side.
int vigil_peer_name(int fd, char *out, int outlen);
int vigil_sock_name(int fd, char *out, int outlen);
// Unix socket listener.
int vigil_listen_unix(const char *path, int perm);

// Signals: installs handlers that bump counters read by the loop.
void vigil_install_shutdown_signals(void);
int vigil_shutdown_requested(void);
void vigil_clear_shutdown(void);
// The data node's handler (shutdown_signals.c), as redis-server's: it logs
// "Received SIGTERM scheduling shutdown..." itself (to the handler log), and
// a second SIGINT while one is pending removes temp-<pid>.rdb and exits with status 1.
void vigil_install_server_shutdown_signals(void);
void vigil_ignore_shutdown_signals(void);
void vigil_ignore_sigpipe(void);
/* As redis-server's main: a hang-up (a closed terminal, an orphaned process
 * group with a stopped saving child) neither ends the server nor its child. */
void vigil_ignore_sighup(void);

int vigil_errno(void);
int64_t vigil_monotonic_us(void);
int64_t vigil_realtime_us(void);
// Process statistics (process_info.c): bytes in use by malloc (mallinfo2's
// uordblks + hblkhd), bytes the allocator holds (arena + hblkhd), and the
// calling thread's CPU time.
int64_t vigil_used_memory(void);
int64_t vigil_allocator_active(void);
// 1 when vigil_used_memory reads the counting allocator, 0 for mallinfo2.
int vigil_used_memory_is_counted(void);
// malloc_trim(0): MEMORY PURGE's counterpart of jemalloc's purge.
int vigil_malloc_trim(void);
int vigil_thread_rusage(int64_t *user_us, int64_t *sys_us);

// The AOF's background fsync thread (aof_fsync.c), started on first use.
// Returns 0 or the pthread error.
int vigil_aof_bio_fsync(int fd);
int vigil_aof_bio_fsync_and_close(int fd);
// Jobs queued or running.
int vigil_aof_bio_pending(void);
// 0 after a good fsync, else the errno of the last failed one.
int vigil_aof_bio_status(void);
void vigil_aof_bio_clear_status(void);
long long vigil_aof_bio_completed(void);
// redis_fsync on Linux (failing as vigil_inject_fsync_errno says).
int vigil_fdatasync(int fd);
// debug-fault-fsync: 0, or the errno every AOF fsync fails with from now on.
void vigil_inject_fsync_errno(int e);
// prctl(PR_SET_PDEATHSIG, sig) (parent_death.c): the signal this process gets
// when the thread that started it ends.
int vigil_set_parent_death_signal(int sig);

// Where lines written from signal handlers go (handler_log.c): the log file
// by name ("" for standard output; nowhere then when daemonized), each line
// with the role the server's own lines carry.
void vigil_handler_log_configure(const char *path, int daemonized);
void vigil_handler_log_set_role(char role);
// The crash report and the software watchdog (crash_log.c). `name` is what
// "<name> crashed by signal" says; nothing acts before this is called.
void vigil_crashlog_configure(const char *name);
// crash-log-enabled: report SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, then die of it.
void vigil_crashlog_enable(int on);
// watchdog-period: 0 stops it; else a SIGALRM after period_ms logs the stack.
void vigil_watchdog_enable(int period_ms);
// Re-arms the alarm (the cron does it each run).
void vigil_watchdog_schedule(int period_ms);
void vigil_debug_segfault(void);

// The process title (proc_title.c), as redis-server's setproctitle.c: init
// takes the process's real argv (once, before the title is set) and moves
// argv[1...] and environ out of the way; set writes a title of up to 255
// bytes over argv's memory. Init returns 0 or an errno.
int vigil_proc_title_init(int argc, char **argv);
void vigil_proc_title_set(const char *title);
#endif
