/* The kernels' buffer pool (see _cd_pool.pyx): blocks of at least POOL_MIN bytes that
   a kernel call frees are kept, up to POOL_MAX_BLOCKS blocks and POOL_MAX_BYTES bytes,
   and handed to the next call that asks for at most their size, instead of going back
   to the operating system (glibc returns large blocks at once: every call then pays a
   page fault per 4 KiB it touches). One mutex guards the list: calls from several
   threads share it. Every block starts with a header of POOL_HEAD bytes (its capacity)
   and is aligned to 64 bytes. Included by _cd_pool.pyx only. */
#ifndef FASTREG_CD_POOL_H
#define FASTREG_CD_POOL_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define POOL_HEAD 64
#define POOL_MIN ((size_t)1 << 16)
#define POOL_MAX_BLOCKS 32
#define POOL_MAX_BYTES ((size_t)1 << 27)

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void* pool_blocks[POOL_MAX_BLOCKS];   /* bases (headers), NULL: empty */
static size_t pool_caps[POOL_MAX_BLOCKS];    /* their capacities (bytes after the header) */
static size_t pool_bytes = 0;
static size_t pool_reuses = 0;               /* blocks handed out again (tests) */

static void* pool_data(void* base) { return (char*)base + POOL_HEAD; }
static void* pool_base(void* data) { return (char*)data - POOL_HEAD; }
static size_t pool_cap(void* data) { return *(size_t*)pool_base(data); }

static void* pool_fresh(size_t n) {
    void* base = NULL;
    if (posix_memalign(&base, 64, POOL_HEAD + n) != 0)
        return NULL;
    *(size_t*)base = n;
    return pool_data(base);
}

/* A block of at least n bytes (uninitialized), or NULL. Large requests take the
   smallest kept block that holds them, if it is not more than 4 times too large. */
static void* fastreg_pool_alloc(size_t n) {
    int i, best = -1;
    void* base;
    if (n == 0)
        n = 1;
    if (n >= POOL_MIN) {
        pthread_mutex_lock(&pool_lock);
        for (i = 0; i < POOL_MAX_BLOCKS; i++)
            if (pool_blocks[i] != NULL && pool_caps[i] >= n && pool_caps[i] / 4 <= n &&
                (best < 0 || pool_caps[i] < pool_caps[best]))
                best = i;
        if (best >= 0) {
            base = pool_blocks[best];
            pool_blocks[best] = NULL;
            pool_bytes -= pool_caps[best];
            pool_reuses++;
            pthread_mutex_unlock(&pool_lock);
            return pool_data(base);
        }
        pthread_mutex_unlock(&pool_lock);
    }
    return pool_fresh(n);
}

/* Give a block back (NULL: nothing): kept if large enough and there is room (the
   smallest kept blocks make room for a larger one), freed otherwise. */
static void fastreg_pool_free(void* data) {
    int i, slot = -1, small;
    size_t cap;
    void* evict[POOL_MAX_BLOCKS];
    int n_evict = 0;
    if (data == NULL)
        return;
    cap = pool_cap(data);
    if (cap < POOL_MIN || cap > POOL_MAX_BYTES) {
        free(pool_base(data));
        return;
    }
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        slot = -1;
        small = -1;
        for (i = 0; i < POOL_MAX_BLOCKS; i++) {
            if (pool_blocks[i] == NULL) {
                if (slot < 0)
                    slot = i;
            } else if (small < 0 || pool_caps[i] < pool_caps[small]) {
                small = i;
            }
        }
        if (slot >= 0 && pool_bytes + cap <= POOL_MAX_BYTES)
            break;
        if (small < 0 || pool_caps[small] >= cap) {
            slot = -1;    /* no room but by evicting larger blocks: free this one */
            break;
        }
        evict[n_evict++] = pool_blocks[small];
        pool_bytes -= pool_caps[small];
        pool_blocks[small] = NULL;
    }
    if (slot >= 0) {
        pool_blocks[slot] = pool_base(data);
        pool_caps[slot] = cap;
        pool_bytes += cap;
        data = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    for (i = 0; i < n_evict; i++)
        free(evict[i]);
    if (data != NULL)
        free(pool_base(data));
}

/* realloc's contract on pool blocks: the first min(old, n) bytes kept. */
static void* fastreg_pool_realloc(void* data, size_t n) {
    void* grown;
    size_t old;
    if (data == NULL)
        return fastreg_pool_alloc(n);
    old = pool_cap(data);
    if (n <= old)
        return data;
    grown = fastreg_pool_alloc(n);
    if (grown == NULL)
        return NULL;
    memcpy(grown, data, old);
    fastreg_pool_free(data);
    return grown;
}

/* Free every kept block; (blocks, bytes, reuses) before. */
static void fastreg_pool_clear(size_t* blocks, size_t* bytes, size_t* reuses) {
    int i;
    void* kept[POOL_MAX_BLOCKS];
    int n_kept = 0;
    pthread_mutex_lock(&pool_lock);
    for (i = 0; i < POOL_MAX_BLOCKS; i++)
        if (pool_blocks[i] != NULL) {
            kept[n_kept++] = pool_blocks[i];
            pool_blocks[i] = NULL;
        }
    *blocks = n_kept;
    *bytes = pool_bytes;
    *reuses = pool_reuses;
    pool_bytes = 0;
    pthread_mutex_unlock(&pool_lock);
    for (i = 0; i < n_kept; i++)
        free(kept[i]);
}

static void fastreg_pool_stats(size_t* blocks, size_t* bytes, size_t* reuses) {
    int i;
    pthread_mutex_lock(&pool_lock);
    *blocks = 0;
    for (i = 0; i < POOL_MAX_BLOCKS; i++)
        if (pool_blocks[i] != NULL)
            (*blocks)++;
    *bytes = pool_bytes;
    *reuses = pool_reuses;
    pthread_mutex_unlock(&pool_lock);
}

#endif
