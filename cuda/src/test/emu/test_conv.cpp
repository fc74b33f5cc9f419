// Emulation test of conv.cu: patches (im2col of an NHWC tensor, pad value outside the image) and unpatches (its
// adjoint, col2im, added to the output in increasing (i, j) order, checked bit for bit on inexact data) for f32 and
// f64, on fixed shapes (padding, strides larger than the kernel, windows past the image) and random ones.
#include "cuda_emu.h"
#include "conv.cu"
#include "common_test.h"

struct Conv {
    int nb, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow;
};

std::mt19937 rng(5);

int randInt(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
void testConv(const char* name, void (*pk)(int, int, int, int, int, int, int, int, int, int, int, int, double, const T*, T*),
              void (*uk)(int, int, int, int, int, int, int, int, int, int, int, int, const T*, T*), const Conv& k) {
    std::uniform_real_distribution<double> U(-1, 1);
    const size_t xsize = (size_t)k.nb * k.h * k.w * k.c;
    const size_t osize = (size_t)k.nb * k.oh * k.ow * k.kh * k.kw * k.c;
    auto xat = [&](int b, int y, int x, int ch) { return (((size_t)b * k.h + y) * k.w + x) * k.c + ch; };
    std::vector<T> x(xsize);
    for (auto& v : x) v = (T)U(rng);
    const T pad = (T)-0.5;
    std::vector<T> out(osize + 1, (T)99);
    launch(pk, dim3{2}, dim3{64}, k.nb, k.h, k.w, k.c, k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.oh, k.ow, -0.5, (const T*)x.data(), out.data());

    std::vector<T> cols(osize);
    for (auto& v : cols) v = (T)U(rng);
    std::vector<T> img(xsize);
    for (auto& v : img) v = (T)U(rng);
    std::vector<T> refImg = img;
    size_t o = 0;
    // loops in (b, i, j, p, q, ch) order: every pixel receives its terms in increasing (i, j) order
    for (int b = 0; b < k.nb; ++b)
        for (int i = 0; i < k.oh; ++i)
            for (int j = 0; j < k.ow; ++j)
                for (int p = 0; p < k.kh; ++p)
                    for (int q = 0; q < k.kw; ++q) {
                        const int y = i * k.sh + p - k.pt, xx = j * k.sw + q - k.pl;
                        const bool inside = y >= 0 && y < k.h && xx >= 0 && xx < k.w;
                        for (int ch = 0; ch < k.c; ++ch, ++o) {
                            const T exp = inside ? x[xat(b, y, xx, ch)] : pad;
                            CHECK(same_bits(out[o], exp), "patches %s nb=%d h=%d w=%d c=%d k=%dx%d s=%dx%d pad=%d,%d out=%dx%d "
                                  "at (%d,%d,%d,%d,%d,%d) got=%g exp=%g", name, k.nb, k.h, k.w, k.c, k.kh, k.kw, k.sh, k.sw,
                                  k.pt, k.pl, k.oh, k.ow, b, i, j, p, q, ch, (double)out[o], (double)exp);
                            if (inside) refImg[xat(b, y, xx, ch)] += cols[o];
                        }
                    }
    CHECK(out[osize] == (T)99, "patches %s wrote past the output", name);

    launch(uk, dim3{2}, dim3{64}, k.nb, k.h, k.w, k.c, k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.oh, k.ow, (const T*)cols.data(), img.data());
    for (size_t i = 0; i < xsize; ++i) {
        CHECK(same_bits(img[i], refImg[i]), "unpatches %s nb=%d h=%d w=%d c=%d k=%dx%d s=%dx%d pad=%d,%d out=%dx%d at %zu "
              "got=%.17g exp=%.17g", name, k.nb, k.h, k.w, k.c, k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.oh, k.ow, i,
              (double)img[i], (double)refImg[i]);
    }
}

std::vector<Conv> shapes() {
    std::vector<Conv> cs = {
        {2, 5, 6, 3, 3, 3, 1, 1, 1, 1, 5, 6},  // same padding
        {1, 7, 7, 2, 3, 2, 2, 3, 0, 1, 3, 3},  // different strides and kernel sides
        {2, 4, 4, 1, 2, 2, 2, 2, 0, 0, 2, 2},  // stride = kernel
        {1, 5, 5, 2, 5, 5, 1, 1, 2, 2, 5, 5},  // kernel as large as the image
        {1, 6, 5, 2, 1, 1, 2, 2, 0, 0, 3, 3},  // stride larger than the kernel: pixels no window covers
        {1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 4, 4},  // windows past the bottom-right edge
        {3, 1, 9, 2, 1, 3, 1, 2, 0, 1, 1, 5},  // one row
    };
    for (int t = 0; t < 16; ++t) {
        Conv k{randInt(1, 2), randInt(1, 7), randInt(1, 7), randInt(1, 3), randInt(1, 4), randInt(1, 4), randInt(1, 3),
               randInt(1, 3), 0, 0, 0, 0};
        k.pt = randInt(0, k.kh - 1);
        k.pl = randInt(0, k.kw - 1);
        const int pb = randInt(0, k.kh - 1), pr = randInt(0, k.kw - 1);
        k.oh = (k.h + k.pt + pb - k.kh) / k.sh + 1;
        k.ow = (k.w + k.pl + pr - k.kw) / k.sw + 1;
        if (k.oh >= 1 && k.ow >= 1) cs.push_back(k);
    }
    return cs;
}

int main() {
    for (const Conv& k : shapes()) {
        testConv<float>("f32", patches_f32, unpatches_f32, k);
        testConv<double>("f64", patches_f64, unpatches_f64, k);
    }
    return emu::summary();
}
