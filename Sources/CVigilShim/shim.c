#define _GNU_SOURCE
#include "CVigilShim.h"
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int vigil_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int vigil_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &ev);
}

int vigil_epoll_wait(int epfd, vigil_event *out, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].fd = evs[i].data.fd;
        out[i].events = evs[i].events;
    }
    return n;
}

uint32_t vigil_epollin(void) { return EPOLLIN; }
uint32_t vigil_epollout(void) { return EPOLLOUT; }
uint32_t vigil_epollerr(void) { return EPOLLERR; }
uint32_t vigil_epollhup(void) { return EPOLLHUP; }
uint32_t vigil_epollet(void) { return EPOLLET; }
uint32_t vigil_epollrdhup(void) { return EPOLLRDHUP; }

static void format_addr(struct sockaddr_storage *sa, char *out, int outlen) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
        port = ntohs(s->sin_port);
    } else if (sa->ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
        port = ntohs(s->sin6_port);
    } else if (sa->ss_family == AF_UNIX) {
        snprintf(out, outlen, "/unixsocket:0");
        return;
    }
    snprintf(out, outlen, "%s:%d", ip, port);
}

int vigil_listen_tcp(const char *host, int port, int backlog) {
    struct addrinfo hints, *res, *p;
    char portstr[16];
    int fd = -1, yes = 1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    hints.ai_family = AF_UNSPEC;
    if (host && (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0)) { host = NULL; hints.ai_family = AF_INET; }
    else if (host && (strcmp(host, "::*") == 0 || strcmp(host, "::") == 0)) { host = NULL; hints.ai_family = AF_INET6; }
    snprintf(portstr, sizeof(portstr), "%d", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0) { errno = EADDRNOTAVAIL; return -1; }
    for (p = res; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
        if (fd < 0) continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
        if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
        int saved = errno; close(fd); errno = saved; fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int vigil_local_port(int fd) {
    struct sockaddr_storage sa; socklen_t len = sizeof(sa);
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) return -1;
    if (sa.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&sa)->sin_port);
    if (sa.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    return -1;
}

int vigil_accept(int fd, char *addr, int addrlen) {
    struct sockaddr_storage sa; socklen_t len = sizeof(sa);
    int c = accept4(fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0 && addr && addrlen > 0) format_addr(&sa, addr, addrlen);
    return c;
}

/* Binds `fd` to the first address of `source` in `family` (anetTcpGenericConnect's source_addr). */
static int bind_source(int fd, int family, const char *source) {
    struct addrinfo hints, *res, *p;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(source, NULL, &hints, &res) != 0) { errno = EADDRNOTAVAIL; return -1; }
    int rc = -1;
    for (p = res; p; p = p->ai_next) {
        if (bind(fd, p->ai_addr, p->ai_addrlen) == 0) { rc = 0; break; }
    }
    int saved = errno;
    freeaddrinfo(res);
    errno = saved;
    return rc;
}

int vigil_connect_tcp(const char *host, int port, int nonblocking, const char *source) {
    struct addrinfo hints, *res, *p;
    char portstr[16];
    int fd = -1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    snprintf(portstr, sizeof(portstr), "%d", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0) { errno = EHOSTUNREACH; return -1; }
    for (p = res; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), p->ai_protocol);
        if (fd < 0) continue;
        if (source && *source) {
            int yes = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
            /* As Redis: a source address that cannot be bound fails the connect. */
            if (bind_source(fd, p->ai_family, source) != 0) {
                int saved = errno; close(fd); errno = saved; fd = -1;
                break;
            }
        }
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0 || (nonblocking && errno == EINPROGRESS)) break;
        int saved = errno; close(fd); errno = saved; fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int vigil_socket_error(int fd) {
    int err = 0; socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    return err;
}

int vigil_set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int vigil_set_nodelay(int fd) { int yes = 1; return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes)); }

int vigil_set_keepalive(int fd, int interval) {
    int yes = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) < 0) return -1;
    if (interval <= 0) return 0;
    int idle = interval, intvl = interval / 3 > 0 ? interval / 3 : 1, cnt = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    return 0;
}

int vigil_set_timeouts(int fd, int ms) {
    struct timeval tv; tv.tv_sec = ms / 1000; tv.tv_usec = (ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int vigil_peer_name(int fd, char *out, int outlen) {
    struct sockaddr_storage sa; socklen_t len = sizeof(sa);
    if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0) return -1;
    format_addr(&sa, out, outlen);
    return 0;
}

int vigil_sock_name(int fd, char *out, int outlen) {
    struct sockaddr_storage sa; socklen_t len = sizeof(sa);
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) return -1;
    format_addr(&sa, out, outlen);
    return 0;
}

int vigil_listen_unix(const char *path, int perm) {
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 511) < 0) {
        int saved = errno; close(fd); errno = saved; return -1;
    }
    if (perm) chmod(path, (mode_t)perm);
    return fd;
}

void vigil_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
void vigil_ignore_sighup(void) { signal(SIGHUP, SIG_IGN); }

int vigil_errno(void) { return errno; }

int64_t vigil_monotonic_us(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
int64_t vigil_realtime_us(void) {
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A forked debugging session keeps running when the parent is told to stop. */
void vigil_ignore_shutdown_signals(void) {
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
}
