// Helpers shared by the kernel emulation tests (included after cuda_emu.h and the kernel sources): the CHECK
// macro, Layout builders, the Java semantics (Math.max/min/pow, narrowing casts) the references are written in,
// and float comparisons.
#pragma once

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

// Counts a check; on failure prints "FAIL file:line: message" (see emu::fail).
#define CHECK(cond, ...)                                          \
    do {                                                          \
        ++emu::checks;                                            \
        if (!(cond)) emu::fail(__FILE__, __LINE__, __VA_ARGS__);  \
    } while (0)

// ============================================================================ layouts

inline Layout mk(const std::vector<long long>& shape, const std::vector<long long>& stride, long long offset = 0) {
    Layout L{};
    L.offset = offset;
    L.rank = (int)shape.size();
    for (size_t i = 0; i < shape.size(); ++i) {
        L.shape[i] = shape[i];
        L.stride[i] = stride[i];
    }
    return L;
}

inline Layout contig(const std::vector<long long>& shape, long long offset = 0) {
    std::vector<long long> st(shape.size());
    long long acc = 1;
    for (int i = (int)shape.size() - 1; i >= 0; --i) {
        st[i] = acc;
        acc *= std::max(shape[i], 1LL);
    }
    return mk(shape, st, offset);
}

inline long long numel(const Layout& L) {
    long long n = 1;
    for (int k = 0; k < L.rank; ++k) n *= L.shape[k];
    return n;
}

// Element offset of row-major index i (the reference for the kernels' at()).
inline long long ref_at(const Layout& L, long long i) {
    long long off = L.offset;
    for (int k = L.rank - 1; k >= 0; --k) {
        off += (i % L.shape[k]) * L.stride[k];
        i /= L.shape[k];
    }
    return off;
}

// Smallest and largest element offsets L can reach (for sizing buffers); {offset, offset} when empty.
inline std::pair<long long, long long> span_of(const Layout& L) {
    long long lo = L.offset, hi = L.offset;
    if (numel(L) == 0) return {lo, hi};
    for (int k = 0; k < L.rank; ++k) {
        const long long d = (L.shape[k] - 1) * L.stride[k];
        if (d < 0) lo += d; else hi += d;
    }
    return {lo, hi};
}

// ============================================================================ Java semantics

inline double jmaxR(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
    if (a == 0 && b == 0) return std::signbit(a) ? b : a;
    return a > b ? a : b;
}
inline double jminR(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
    if (a == 0 && b == 0) return std::signbit(a) ? a : b;
    return a < b ? a : b;
}
inline double jpowR(double x, double y) {
    if (y == 0) return 1.0;
    if (std::isnan(y)) return NAN;
    if (std::fabs(x) == 1.0 && std::isinf(y)) return NAN;
    return std::pow(x, y);
}

// Java's conversion of a double to D: float/double rounding, saturating integer casts (NaN -> 0), BOOL v != 0.
template <typename D> D javaCast(double v) {
    if constexpr (std::is_same_v<D, float>) return (float)v;
    else if constexpr (std::is_same_v<D, double>) return v;
    else if constexpr (std::is_same_v<D, unsigned char>) return v != 0 ? 1 : 0;
    else {
        if (std::isnan(v)) return 0;
        if (v >= (double)std::numeric_limits<D>::max()) return std::numeric_limits<D>::max();
        if (v <= (double)std::numeric_limits<D>::min()) return std::numeric_limits<D>::min();
        return (D)v;
    }
}

// ============================================================================ comparisons

// Identical bits (any NaN equals any NaN).
template <typename T> bool same_bits(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(a) && std::isnan(b)) return true;
        return memcmp(&a, &b, sizeof(T)) == 0;
    } else {
        return a == b;
    }
}

// Same bits, or both finite within relative distance rel.
template <typename T> bool close(T a, T b, double rel) {
    if (same_bits(a, b)) return true;
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(a) || !std::isfinite(b)) return false;
        const double d = std::fabs((double)a - (double)b), m = std::max(std::fabs((double)a), std::fabs((double)b));
        return d <= rel * m;
    }
    return false;
}
