// A fake NVRTC (libnvrtc.so.13) for FakeDriverTest: "compiles" to a small ELF image whose payload is the
// options and headers it was given; "#error" in the source fails with a file(line) log, like NVRTC.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { char* src; char* name; int nh; char** hdr; char** inc; char log[4096]; unsigned char* cubin; size_t cubinSize; } Prog;
static int compiles = 0;
int fake_compiles(void) { return compiles; }
const char* nvrtcGetErrorString(int r) { return r == 6 ? "NVRTC_ERROR_COMPILATION" : r == 5 ? "NVRTC_ERROR_INVALID_OPTION" : r == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR unknown"; }
int nvrtcVersion(int* a, int* b) { *a = 13; *b = 0; return 0; }
int nvrtcGetNumSupportedArchs(int* n) { *n = 3; return 0; }
int nvrtcGetSupportedArchs(int* a) { a[0] = 75; a[1] = 90; a[2] = 100; return 0; }
int nvrtcCreateProgram(Prog** p, const char* src, const char* name, int nh, const char* const* hdr, const char* const* inc) {
    Prog* q = calloc(1, sizeof(Prog)); q->src = strdup(src); q->name = strdup(name ? name : "default"); q->nh = nh;
    q->hdr = calloc(nh + 1, sizeof(char*)); q->inc = calloc(nh + 1, sizeof(char*));
    for (int i = 0; i < nh; i++) { q->hdr[i] = strdup(hdr[i]); q->inc[i] = strdup(inc[i]); }
    *p = q; return 0;
}
int nvrtcCompileProgram(Prog* p, int n, const char* const* opts) {
    compiles++;
    int off = snprintf(p->log, sizeof p->log, "options:");
    for (int i = 0; i < n; i++) off += snprintf(p->log + off, sizeof p->log - off, " %s", opts[i]);
    off += snprintf(p->log + off, sizeof p->log - off, "; headers:");
    for (int i = 0; i < p->nh; i++) off += snprintf(p->log + off, sizeof p->log - off, " %s(%zu bytes)", p->inc[i], strlen(p->hdr[i]));
    if (strstr(p->src, "#error")) { snprintf(p->log + off, sizeof p->log - off, "\n%s(3): error: fake compile error", p->name); return 6; }
    // a 64-byte ELF64 header + payload (the log) + no tables
    size_t payload = strlen(p->log);
    p->cubinSize = 64 + payload; p->cubin = calloc(1, p->cubinSize);
    unsigned char* b = p->cubin; b[0] = 0x7f; b[1] = 'E'; b[2] = 'L'; b[3] = 'F'; b[4] = 2; b[5] = 1; b[6] = 1;
    unsigned long long shoff = 64 + payload; memcpy(b + 0x28, &shoff, 8); memcpy(b + 0x20, &shoff, 8);
    memcpy(b + 64, p->log, payload);
    return 0;
}
int nvrtcGetCUBINSize(Prog* p, size_t* s) { *s = p->cubinSize; return 0; }
int nvrtcGetCUBIN(Prog* p, char* out) { memcpy(out, p->cubin, p->cubinSize); return 0; }
int nvrtcGetProgramLogSize(Prog* p, size_t* s) { *s = strlen(p->log) + 1; return 0; }
int nvrtcGetProgramLog(Prog* p, char* out) { strcpy(out, p->log); return 0; }
int nvrtcDestroyProgram(Prog** p) { free((*p)->src); free(*p); *p = NULL; return 0; }
