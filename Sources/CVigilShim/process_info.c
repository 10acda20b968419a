// Process statistics for INFO: allocator counters (glibc mallinfo2) and the
// main thread's CPU time, which need _GNU_SOURCE definitions Swift does not see.
#define _GNU_SOURCE
#include "CVigilShim.h"
#include <malloc.h>
#include <sys/resource.h>

// The server executable links a counting malloc (CVigilAlloc); other
// binaries (tests running a server in process) fall back to mallinfo2.
extern int64_t vigil_alloc_used(void) __attribute__((weak));

int64_t vigil_used_memory(void) {
    if (vigil_alloc_used) return vigil_alloc_used();
    struct mallinfo2 mi = mallinfo2();
    return (int64_t)(mi.uordblks + mi.hblkhd);
}

int vigil_used_memory_is_counted(void) { return vigil_alloc_used != 0; }

int vigil_malloc_trim(void) { return malloc_trim(0); }

int64_t vigil_allocator_active(void) {
    struct mallinfo2 mi = mallinfo2();
    return (int64_t)(mi.arena + mi.hblkhd);
}

int vigil_thread_rusage(int64_t *user_us, int64_t *sys_us) {
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return -1;
    *user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    *sys_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    return 0;
}
