// A fake CUDA driver (libcuda.so.1) for FakeDriverTest: it lets the JNI calls of CudaLibs, CudaContext, Kernel
// and CudaModule run on machines without a GPU. "Device memory" is host memory; the "kernels" are C functions
// that read their arguments the way cuLaunchKernel hands them to a real kernel.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
typedef int CUresult; typedef int CUdevice; typedef unsigned long long CUdeviceptr;

static int sticky = 0;
static long long allocated = 0;
static long long capacity = 1LL << 30;
static int ctx_set_calls = 0;
static int allocs = 0, frees = 0;
static int last_grid[3], last_block[3], last_shared;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int fake_ctx_set_calls(void) { return ctx_set_calls; }
int fake_allocs(void) { return allocs; }
int fake_frees(void) { return frees; }
void fake_set_capacity(long long c) { capacity = c; }
long long fake_allocated(void) { return allocated; }
int fake_last_grid(int i) { return last_grid[i]; }
int fake_last_block(int i) { return last_block[i]; }
int fake_last_shared(void) { return last_shared; }

static int ndev(void) { const char* e = getenv("FAKE_CUDA_DEVICES"); return e ? atoi(e) : 1; }

CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = ndev(); return 0; }
CUresult cuDeviceGet(CUdevice* d, int o) { if (o < 0 || o >= ndev()) return 101; *d = o; return 0; }
CUresult cuDeviceGetName(char* name, int len, CUdevice d) { snprintf(name, len, "Fake H100 %d", d); return 0; }
CUresult cuDeviceTotalMem_v2(size_t* b, CUdevice d) { *b = 85000000000ULL; return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, CUdevice d) {
    const char* old = getenv("FAKE_CUDA_OLD_DEVICE"); // this ordinal is a Pascal (6.0)
    int isOld = old && atoi(old) == d;
    if (attr == 75) *v = isOld ? 6 : 9; else if (attr == 76) *v = 0; else if (attr == 16) *v = 132; else return 1;
    return 0;
}
CUresult cuGetErrorName(CUresult e, const char** s) {
    switch (e) { case 0: *s = "CUDA_SUCCESS"; return 0; case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
    case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0; case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0;
    case 700: *s = "CUDA_ERROR_ILLEGAL_ADDRESS"; return 0; default: *s = NULL; return 1; }
}
CUresult cuGetErrorString(CUresult e, const char** s) {
    switch (e) { case 2: *s = "out of memory"; return 0; case 500: *s = "named symbol not found (fake)"; return 0;
    case 700: *s = "an illegal memory access was encountered (fake)"; return 0; case 1: *s = "invalid argument (fake)"; return 0;
    default: *s = NULL; return 1; }
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, CUdevice d) { *ctx = (void*)(0x1000L + d); return 0; }
CUresult cuCtxSetCurrent(void* ctx) { __sync_fetch_and_add(&ctx_set_calls, 1); return ctx ? 0 : 201; }
CUresult cuStreamCreate(void** s, unsigned flags) { if (flags != 1) return 1; *s = (void*)0x2000; return 0; }
CUresult cuStreamSynchronize(void* s) { return sticky; }
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t n) {
    if (sticky) return sticky;
    pthread_mutex_lock(&mu);
    if (allocated + (long long) n > capacity) { pthread_mutex_unlock(&mu); return 2; }
    size_t* m = malloc(n + 16); m[0] = n; allocated += n; allocs++;
    pthread_mutex_unlock(&mu);
    *p = (CUdeviceptr)(m + 2); return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
    size_t* m = ((size_t*) p) - 2; pthread_mutex_lock(&mu); allocated -= m[0]; frees++; pthread_mutex_unlock(&mu); free(m); return 0;
}
CUresult cuMemGetInfo_v2(size_t* f, size_t* t) { *f = capacity - allocated; *t = capacity; return 0; }
CUresult cuMemAllocHost_v2(void** p, size_t n) { *p = malloc(n); return *p ? 0 : 2; }
CUresult cuMemFreeHost(void* p) { free(p); return 0; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void* s, size_t n, void* st) { if (sticky) return sticky; memcpy((void*)d, s, n); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void* d, CUdeviceptr s, size_t n, void* st) { if (sticky) return sticky; memcpy(d, (void*)s, n); return 0; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, void* st) { memmove((void*)d, (void*)s, n); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr p, unsigned char v, size_t n, void* st) { memset((void*)p, v, n); return 0; }
CUresult cuModuleLoadData(void** mod, const void* image) {
    const unsigned char* b = image; if (b[0] != 0x7f || b[1] != 'E') return 200; *mod = (void*)0x3000; return 0;
}
static const char* KERNELS[] = {"fake_axpy", "fake_layout", "fake_fault", "fake_noargs", 0};
CUresult cuModuleGetFunction(void** fn, void* mod, const char* name) {
    for (long i = 0; KERNELS[i]; i++) if (!strcmp(KERNELS[i], name)) { *fn = (void*)(0x4000 + i); return 0; }
    return 500;
}
typedef struct { long long offset; int rank; int pad; long long shape[8]; long long stride[8]; } Layout;
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void* stream, void** p, void** extra) {
    if (sticky) return sticky;
    last_grid[0] = gx; last_grid[1] = gy; last_grid[2] = gz; last_block[0] = bx; last_block[1] = by; last_block[2] = bz;
    last_shared = shared;
    long k = (long) f - 0x4000;
    if (k == 0) { // fake_axpy(long long n, float a, const float* x, float* y)
        long long n = *(long long*) p[0]; float a = *(float*) p[1];
        const float* x = *(const float**) p[2]; float* y = *(float**) p[3];
        for (long long i = 0; i < n; i++) y[i] += a * x[i];
    } else if (k == 1) { // fake_layout(long long* out, Layout l, int tag, double d)
        long long* out = *(long long**) p[0]; Layout* l = (Layout*) p[1]; int tag = *(int*) p[2]; double d = *(double*) p[3];
        out[0] = l->offset; out[1] = l->rank; out[2] = l->pad;
        for (int i = 0; i < 8; i++) { out[3 + i] = l->shape[i]; out[11 + i] = l->stride[i]; }
        out[19] = tag; memcpy(&out[20], &d, 8);
        out[21] = ((unsigned long) p[1]) % 8; // alignment of the Layout slot
    } else if (k == 2) { sticky = 700; // fake_fault: an asynchronous error, seen at the next sync
    } else if (k == 3) { if (p != NULL) return 1; }
    return 0;
}
