// Redis's zmalloc keeps used_memory as a running total of the allocator's
// usable size of every live block; reading it is one load, so the server can
// compare it with maxmemory before every command and after every eviction.
// glibc's mallinfo2 gives a similar number but walks the free lists (slow
// with a large fragmented heap), so the server executable replaces malloc
// (glibc supports this: "Replacing malloc" in its manual) with thin wrappers
// around glibc's own allocator that add and subtract malloc_usable_size.
// Everything in the process is counted, Swift runtime and libc included, as
// Redis counts everything that goes through zmalloc.
#define _GNU_SOURCE
#include "CVigilAlloc.h"
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static int64_t used_bytes;

static inline void *counted(void *p) {
    if (p) __atomic_fetch_add(&used_bytes, (int64_t)malloc_usable_size(p), __ATOMIC_RELAXED);
    return p;
}

int64_t vigil_alloc_used(void) { return __atomic_load_n(&used_bytes, __ATOMIC_RELAXED); }

void *malloc(size_t n) { return counted(__libc_malloc(n)); }

void free(void *p) {
    if (!p) return;
    __atomic_fetch_sub(&used_bytes, (int64_t)malloc_usable_size(p), __ATOMIC_RELAXED);
    __libc_free(p);
}

void *calloc(size_t n, size_t size) { return counted(__libc_calloc(n, size)); }

void *realloc(void *p, size_t n) {
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    // realloc(p, 0) frees p and returns NULL; a failed realloc keeps p.
    if (!q) {
        if (p && n == 0) __atomic_fetch_sub(&used_bytes, (int64_t)old, __ATOMIC_RELAXED);
        return NULL;
    }
    __atomic_fetch_add(&used_bytes, (int64_t)malloc_usable_size(q) - (int64_t)old, __ATOMIC_RELAXED);
    return q;
}

void *reallocarray(void *p, size_t n, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) { errno = ENOMEM; return NULL; }
    return realloc(p, total);
}

void *memalign(size_t alignment, size_t n) { return counted(__libc_memalign(alignment, n)); }

void *aligned_alloc(size_t alignment, size_t n) { return counted(__libc_memalign(alignment, n)); }

int posix_memalign(void **out, size_t alignment, size_t n) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = counted(p);
    return 0;
}

void *valloc(size_t n) { return counted(__libc_valloc(n)); }

void *pvalloc(size_t n) { return counted(__libc_pvalloc(n)); }
