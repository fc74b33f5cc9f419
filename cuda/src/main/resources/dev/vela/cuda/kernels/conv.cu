// Image patches (im2col) of an NHWC tensor and their adjoint (col2im). See cuda/KERNELS.md.
#include "vela_common.cuh"

// out[b, i, j, p, q, ch] = x[b, i*sh + p - padTop, j*sw + q - padLeft, ch], or padValue outside the image.
template <typename T>
__device__ __forceinline__ void patches_impl(int nb, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop,
                                             int padLeft, int oh, int ow, double padValue, const T* x, T* out) {
    const T pad = from_d<T>(padValue);
    const long long patch = (long long)kh * kw * c;           // elements per output position
    const long long total = (long long)nb * oh * ow * patch;
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long e = tid; e < total; e += nt) {
        long long r, pos;
        pos = vela_divmod(e, patch, r);                       // pos = (b*oh + i)*ow + j, r = (p*kw + q)*c + ch
        long long ch, pq, j, bi;
        pq = vela_divmod(r, c, ch);
        long long q;
        const long long p = vela_divmod(pq, kw, q);
        bi = vela_divmod(pos, ow, j);
        long long i;
        const long long b = vela_divmod(bi, oh, i);
        const long long y = i * sh + p - padTop, xx = j * sw + q - padLeft;
        out[e] = (y < 0 || y >= h || xx < 0 || xx >= w) ? pad : x[((b * h + y) * w + xx) * c + ch];
    }
}

// out[b, y, x, ch] += sum of cols[b, i, j, p, q, ch] over every (i, j, p, q) with i*sh + p - padTop == y and
// j*sw + q - padLeft == x, added in increasing (i, j) order like the CPU loop (no atomics).
template <typename T>
__device__ __forceinline__ void unpatches_impl(int nb, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop,
                                               int padLeft, int oh, int ow, const T* cols, T* out) {
    const long long total = (long long)nb * h * w * c;
    const long long tid = vela_tid(), nt = vela_nthreads();
    for (long long e = tid; e < total; e += nt) {
        long long ch, xx, y;
        const long long pix = vela_divmod(e, c, ch);
        const long long by = vela_divmod(pix, w, xx);
        const long long b = vela_divmod(by, h, y);
        T acc = out[e];
        // i ascending <=> p descending (p = y + padTop - i*sh); likewise j ascending <=> q descending
        for (int p = kh - 1; p >= 0; --p) {
            const long long ty = y + padTop - p;
            if (ty < 0 || ty % sh != 0) continue;
            const long long i = ty / sh;
            if (i >= oh) continue;
            for (int q = kw - 1; q >= 0; --q) {
                const long long tx = xx + padLeft - q;
                if (tx < 0 || tx % sw != 0) continue;
                const long long j = tx / sw;
                if (j >= ow) continue;
                acc += cols[((((b * oh + i) * ow + j) * kh + p) * kw + q) * c + ch];
            }
        }
        out[e] = acc;
    }
}

#define VELA_CONV_T(SUF, T)                                                                                          \
    extern "C" __global__ void patches_##SUF(int nb, int h, int w, int c, int kh, int kw, int sh, int sw,             \
                                             int padTop, int padLeft, int oh, int ow, double padValue, const T* x,   \
                                             T* out) {                                                               \
        patches_impl<T>(nb, h, w, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, padValue, x, out);                    \
    }                                                                                                                \
    extern "C" __global__ void unpatches_##SUF(int nb, int h, int w, int c, int kh, int kw, int sh, int sw,           \
                                               int padTop, int padLeft, int oh, int ow, const T* cols, T* out) {     \
        unpatches_impl<T>(nb, h, w, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, cols, out);                         \
    }

VELA_CONV_T(f32, float)
VELA_CONV_T(f64, double)
