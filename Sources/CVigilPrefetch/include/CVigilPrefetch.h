#ifndef CVIGILPREFETCH_H
#define CVIGILPREFETCH_H
// A cache-line prefetch, which Swift has no intrinsic for. Kept apart from
// CVigilShim (sockets, signals) so that the keyspace, which has no IO, can
// use it: a loader that knows where a key's hash-table probe will land asks
// for the line before decoding the value, and the miss overlaps that work;
// eviction asks for all its sampled entries at once, so that their misses
// overlap one another.
static inline __attribute__((always_inline)) void vigil_prefetch_for_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}

static inline __attribute__((always_inline)) void vigil_prefetch_for_read(const void *p) {
    __builtin_prefetch(p, 0, 3);
}
#endif
