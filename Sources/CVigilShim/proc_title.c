// The process title (proc_title.c): Linux has no setproctitle(3), so, as
// redis-server's setproctitle.c, the title is written over the memory that
// holds argv's strings, which /proc/<pid>/cmdline (ps, top) shows. That
// memory runs on into environ's strings: they are copied elsewhere first, so
// the whole contiguous stretch can hold a title longer than argv was.
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "CVigilShim.h"

extern char **environ;

static struct {
    char *base, *end;  // the stretch the title may use
    char *nul;         // argv[0]'s original terminator
    int reset;         // the stretch was cleared once
} title_area;

// environ's strings move to the heap (a shallow copy of the array, then
// setenv for each entry, as spt_copyenv).
static int move_environ(char **old) {
    if (environ != old) return 0;
    int n = 0;
    while (old[n]) n++;
    char **copy = malloc((size_t)(n + 1) * sizeof *copy);
    if (!copy) return ENOMEM;
    memcpy(copy, old, (size_t)(n + 1) * sizeof *copy);
    if (clearenv() != 0) {
        environ = old;
        free(copy);
        return errno ? errno : ENOMEM;
    }
    for (int i = 0; copy[i]; i++) {
        char *eq = strchr(copy[i], '=');
        if (!eq) continue;
        *eq = '\0';
        int failed = setenv(copy[i], eq + 1, 1) != 0;
        *eq = '=';
        if (failed) {
            environ = copy;  // clearenv left the old array: keep what we had
            return errno;
        }
    }
    free(copy);
    return 0;
}

int vigil_proc_title_init(int argc, char **argv) {
    char *base = argc > 0 ? argv[0] : NULL;
    if (!base || title_area.base) return 0;
    char *nul = base + strlen(base);
    char *end = nul + 1;
    // Extend over every argv and environ string that follows without a gap.
    for (int i = 0; i < argc || argv[i]; i++) {
        if (!argv[i] || argv[i] < end) continue;
        if (end >= argv[i] && end <= argv[i] + strlen(argv[i])) end = argv[i] + strlen(argv[i]) + 1;
    }
    char **envp = environ;
    for (int i = 0; envp && envp[i]; i++) {
        if (envp[i] < end) continue;
        if (end >= envp[i] && end <= envp[i] + strlen(envp[i])) end = envp[i] + strlen(envp[i]) + 1;
    }
    char *name = strdup(program_invocation_name), *shortName = strdup(program_invocation_short_name);
    if (!name || !shortName) return ENOMEM;
    program_invocation_name = name;
    program_invocation_short_name = shortName;
    int error = envp ? move_environ(envp) : 0;
    if (error) return error;
    // argv[1...] move too; argv[0] keeps pointing at the title.
    for (int i = 1; i < argc || argv[i]; i++) {
        if (!argv[i]) continue;
        char *copy = strdup(argv[i]);
        if (!copy) return ENOMEM;
        argv[i] = copy;
    }
    title_area.base = base;
    title_area.end = end;
    title_area.nul = nul;
    return 0;
}

enum { MAX_TITLE = 255 };

void vigil_proc_title_set(const char *title) {
    if (!title_area.base) return;
    size_t room = (size_t)(title_area.end - title_area.base);
    size_t len = strlen(title);
    if (len == 0) return;
    if (!title_area.reset) {
        memset(title_area.base, 0, room);
        title_area.reset = 1;
    } else {
        memset(title_area.base, 0, room < MAX_TITLE + 1 ? room : MAX_TITLE + 1);
    }
    size_t limit = (room < MAX_TITLE + 1 ? room : MAX_TITLE + 1) - 1;
    if (len > limit) len = limit;
    if (len > MAX_TITLE) len = MAX_TITLE;
    memcpy(title_area.base, title, len);
    char *nul = title_area.base + len;
    // As setproctitle.c: the byte that ended argv[0] decides what the kernel
    // shows past the title (see proc(5), /proc/pid/cmdline).
    if (nul < title_area.nul) {
        *title_area.nul = '.';
    } else if (nul == title_area.nul && nul + 1 < title_area.end) {
        *title_area.nul = ' ';
        *++nul = '\0';
    }
}
