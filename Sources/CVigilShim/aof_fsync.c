// The AOF's background fsync (Redis's bio thread, BIO_AOF_FSYNC and the
// close-after-fsync job): a plain pthread with a job queue. It touches only
// file descriptors and the C state below, never a Swift object, so the
// servers' -assume-single-threaded build stays valid.
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include "CVigilShim.h"

#define VIGIL_AOF_JOBS 64

typedef struct { int fd; int close_after; } aof_job;

static pthread_mutex_t aof_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t aof_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t aof_space = PTHREAD_COND_INITIALIZER;
static aof_job aof_queue[VIGIL_AOF_JOBS];
static int aof_head, aof_count;
static int aof_started;
// Jobs queued or running: aofFsyncInProgress reads it.
static atomic_int aof_pending;
// 0 after a good fsync, else the errno of the failed one (aof_bio_fsync_status).
static atomic_int aof_status;
static atomic_llong aof_fsynced_jobs;
// debug-fault-fsync: when set, every fsync here fails with this errno
// (the loop stores it; the bio thread reads it).
static atomic_int injected_fsync_errno;

static int faultable_fdatasync(int fd) {
    int e = atomic_load(&injected_fsync_errno);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return fdatasync(fd);
}

static void *aof_thread(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&aof_lock);
        while (aof_count == 0) pthread_cond_wait(&aof_cond, &aof_lock);
        aof_job job = aof_queue[aof_head];
        aof_head = (aof_head + 1) % VIGIL_AOF_JOBS;
        aof_count--;
        pthread_cond_signal(&aof_space);
        pthread_mutex_unlock(&aof_lock);

        if (faultable_fdatasync(job.fd) == -1) {
            int e = errno;
            // A descriptor closed under us is no data loss (Redis ignores EBADF/EINVAL too).
            if (e != EBADF && e != EINVAL) atomic_store(&aof_status, e);
        } else {
            atomic_store(&aof_status, 0);
        }
        if (job.close_after) close(job.fd);
        atomic_fetch_add(&aof_fsynced_jobs, 1);
        atomic_fetch_sub(&aof_pending, 1);
    }
    return NULL;
}

static int aof_ensure_thread(void) {
    if (aof_started) return 0;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    int rc = pthread_create(&t, &attr, aof_thread, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) return rc;
    pthread_detach(t);
    aof_started = 1;
    return 0;
}

static int aof_submit(int fd, int close_after) {
    pthread_mutex_lock(&aof_lock);
    int rc = aof_ensure_thread();
    if (rc != 0) {
        pthread_mutex_unlock(&aof_lock);
        return rc;
    }
    while (aof_count == VIGIL_AOF_JOBS) pthread_cond_wait(&aof_space, &aof_lock);
    aof_queue[(aof_head + aof_count) % VIGIL_AOF_JOBS] = (aof_job){fd, close_after};
    aof_count++;
    atomic_fetch_add(&aof_pending, 1);
    pthread_cond_signal(&aof_cond);
    pthread_mutex_unlock(&aof_lock);
    return 0;
}

int vigil_aof_bio_fsync(int fd) { return aof_submit(fd, 0); }
int vigil_aof_bio_fsync_and_close(int fd) { return aof_submit(fd, 1); }
int vigil_aof_bio_pending(void) { return atomic_load(&aof_pending); }
int vigil_aof_bio_status(void) { return atomic_load(&aof_status); }
void vigil_aof_bio_clear_status(void) { atomic_store(&aof_status, 0); }
long long vigil_aof_bio_completed(void) { return atomic_load(&aof_fsynced_jobs); }
int vigil_fdatasync(int fd) { return faultable_fdatasync(fd); }
void vigil_inject_fsync_errno(int e) { atomic_store(&injected_fsync_errno, e); }
