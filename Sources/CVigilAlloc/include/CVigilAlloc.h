#ifndef CVIGILALLOC_H
#define CVIGILALLOC_H
// The counting allocator of vigil-server (see counting_malloc.c). Linked only
// into the server executable; other binaries fall back to mallinfo2.
#include <stdint.h>
// Bytes handed out and not yet freed, counted as malloc_usable_size.
int64_t vigil_alloc_used(void);
#endif
