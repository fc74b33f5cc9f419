// The CPU backend: strided iteration over views, handing contiguous runs to the Vector API kernels.
package dev.vela.cpu;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.spi.Backend;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.Storage;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;

import java.util.Arrays;

/**
 * Kernels on the Java heap. Float32 and float64 run through {@link VectorKernels}; integer and bool
 * tensors (indices, labels, masks) take a scalar path through doubles.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override public Device device() { return Device.CPU; }

    @Override public long allocationCount() { return CpuStorage.CREATED.get(); }

    @Override
    public Storage allocate(DType dtype, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: cannot allocate " + size + " elements of " + dtype
                    + ": the CPU backend holds at most 2^31-9 elements per tensor");
        }
        return new CpuStorage(dtype, (int) size);
    }

    @Override
    public Storage fromArray(Object a) {
        return switch (a) {
            case float[] f -> new CpuStorage(DType.FLOAT32, f.clone(), f.length);
            case double[] d -> new CpuStorage(DType.FLOAT64, d.clone(), d.length);
            case int[] i -> new CpuStorage(DType.INT32, i.clone(), i.length);
            case long[] l -> new CpuStorage(DType.INT64, l.clone(), l.length);
            case boolean[] b -> {
                byte[] out = new byte[b.length];
                for (int i = 0; i < b.length; i++) out[i] = (byte) (b[i] ? 1 : 0);
                yield new CpuStorage(DType.BOOL, out, out.length);
            }
            default -> throw new IllegalArgumentException("fromArray: unsupported array type " + a.getClass().getSimpleName());
        };
    }

    /** Wraps an array without copying (the array becomes the tensor's storage). */
    public Storage wrap(Object a) {
        return switch (a) {
            case float[] f -> new CpuStorage(DType.FLOAT32, f, f.length);
            case double[] d -> new CpuStorage(DType.FLOAT64, d, d.length);
            case int[] i -> new CpuStorage(DType.INT32, i, i.length);
            case long[] l -> new CpuStorage(DType.INT64, l, l.length);
            default -> fromArray(a);
        };
    }

    private static CpuStorage cs(View v) { return (CpuStorage) v.storage(); }

    @Override
    public Object toArray(View v, DType as) {
        CpuStorage out = new CpuStorage(as, (int) v.size());
        copy(v, new View(out, v.shape(), View.contiguousStrides(v.shape()), 0));
        if (as == DType.BOOL) {
            byte[] b = (byte[]) out.data;
            boolean[] r = new boolean[b.length];
            for (int i = 0; i < b.length; i++) r[i] = b[i] != 0;
            return r;
        }
        return out.data;
    }

    @Override
    public double get(Storage s, long index) { return ((CpuStorage) s).get(index); }

    // ---------------------------------------------------------------- copy / fill

    @Override
    public void copy(View src, View dst) {
        CpuStorage s = cs(src), d = cs(dst);
        if (src.size() == 0) return;
        if (s.dtype == d.dtype && src.isContiguous() && dst.isContiguous()) {
            System.arraycopy(s.data, (int) src.offset(), d.data, (int) dst.offset(), (int) src.size());
            return;
        }
        if (src.isContiguous() && dst.isContiguous()) { // one run converting the dtype, as the loops below do it
            int si = (int) src.offset(), di = (int) dst.offset(), n = (int) src.size();
            if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT64) {
                float[] a = (float[]) s.data;
                double[] b = (double[]) d.data;
                for (int i = 0; i < n; i++) b[di + i] = a[si + i];
            } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT32) {
                double[] a = (double[]) s.data;
                float[] b = (float[]) d.data;
                for (int i = 0; i < n; i++) b[di + i] = (float) a[si + i];
            } else {
                for (int i = 0; i < n; i++) d.set(di + i, s.get(si + i));
            }
            return;
        }
        if (src.size() < Par.GRAIN) { // runs on this thread anyway: the walk without the iterator's allocations
            try (Strided.Cursor c = Strided.Cursor.of(dst.shape(), src.strides(), src.offset(), dst.strides(), dst.offset())) {
                if (c != null) {
                    copyRows(c, s, d);
                    return;
                }
            }
        }
        copyStrided(src, dst);
    }

    /** {@link #copy} of any layout, without its fast paths (the tests compare the two). */
    void copyStrided(View src, View dst) {
        CpuStorage s = cs(src), d = cs(dst);
        Strided it = new Strided(dst.shape(), new int[][] {src.strides(), dst.strides()},
                new long[] {src.offset(), dst.offset()});
        int ss = it.innerStride(0), ds = it.innerStride(1);
        if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT32) {
            float[] a = (float[]) s.data, b = (float[]) d.data;
            it.forEachRow((o, n) -> {
                int si = (int) o[0], di = (int) o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = a[si];
            });
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT64) {
            double[] a = (double[]) s.data, b = (double[]) d.data;
            it.forEachRow((o, n) -> {
                int si = (int) o[0], di = (int) o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = a[si];
            });
        } else if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT64) {
            float[] a = (float[]) s.data;
            double[] b = (double[]) d.data;
            it.forEachRow((o, n) -> {
                int si = (int) o[0], di = (int) o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = a[si];
            });
        } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT32) {
            double[] a = (double[]) s.data;
            float[] b = (float[]) d.data;
            it.forEachRow((o, n) -> {
                int si = (int) o[0], di = (int) o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = (float) a[si];
            });
        } else if (s.dtype == d.dtype && s.dtype == DType.INT64) {
            long[] a = (long[]) s.data, b = (long[]) d.data;
            it.forEachRow((o, n) -> {
                int si = (int) o[0], di = (int) o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = a[si];
            });
        } else {
            it.forEachRowSerial((o, n) -> {
                long si = o[0], di = o[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) d.set(di, s.get(si));
            });
        }
    }

    /** {@link #copy}'s strided loops, row by row along a cursor. */
    private static void copyRows(Strided.Cursor c, CpuStorage s, CpuStorage d) {
        int ss = c.innerStride(0), ds = c.innerStride(1);
        while (c.next()) {
            int n = c.inner;
            if (s.dtype == d.dtype && (s.dtype == DType.FLOAT32 || s.dtype == DType.FLOAT64 || s.dtype == DType.INT64)) {
                Object a = s.data, b = d.data;
                int si = (int) c.offs[0], di = (int) c.offs[1];
                if (s.dtype == DType.FLOAT32) for (int i = 0; i < n; i++, si += ss, di += ds) ((float[]) b)[di] = ((float[]) a)[si];
                else if (s.dtype == DType.FLOAT64) for (int i = 0; i < n; i++, si += ss, di += ds) ((double[]) b)[di] = ((double[]) a)[si];
                else for (int i = 0; i < n; i++, si += ss, di += ds) ((long[]) b)[di] = ((long[]) a)[si];
            } else if (s.dtype == DType.FLOAT32 && d.dtype == DType.FLOAT64) {
                float[] a = (float[]) s.data;
                double[] b = (double[]) d.data;
                int si = (int) c.offs[0], di = (int) c.offs[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = a[si];
            } else if (s.dtype == DType.FLOAT64 && d.dtype == DType.FLOAT32) {
                double[] a = (double[]) s.data;
                float[] b = (float[]) d.data;
                int si = (int) c.offs[0], di = (int) c.offs[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) b[di] = (float) a[si];
            } else {
                long si = c.offs[0], di = c.offs[1];
                for (int i = 0; i < n; i++, si += ss, di += ds) d.set(di, s.get(si));
            }
        }
    }

    @Override
    public void fill(View dst, double value) {
        CpuStorage d = cs(dst);
        if (dst.isContiguous()) { // one run of elements: no iterator needed
            int from = (int) dst.offset(), to = from + (int) dst.size();
            if (d.dtype == DType.FLOAT32) Arrays.fill((float[]) d.data, from, to, (float) value);
            else if (d.dtype == DType.FLOAT64) Arrays.fill((double[]) d.data, from, to, value);
            else for (int k = from; k < to; k++) d.set(k, value);
            return;
        }
        Strided it = new Strided(dst.shape(), new int[][] {dst.strides()}, new long[] {dst.offset()});
        int ds = it.innerStride(0);
        switch (d.dtype) {
            case FLOAT32 -> {
                float[] a = (float[]) d.data;
                float v = (float) value;
                it.forEachRow((o, n) -> {
                    if (ds == 1) Arrays.fill(a, (int) o[0], (int) o[0] + n, v);
                    else for (int i = 0, k = (int) o[0]; i < n; i++, k += ds) a[k] = v;
                });
            }
            case FLOAT64 -> {
                double[] a = (double[]) d.data;
                it.forEachRow((o, n) -> {
                    if (ds == 1) Arrays.fill(a, (int) o[0], (int) o[0] + n, value);
                    else for (int i = 0, k = (int) o[0]; i < n; i++, k += ds) a[k] = value;
                });
            }
            default -> it.forEachRowSerial((o, n) -> {
                long k = o[0];
                for (int i = 0; i < n; i++, k += ds) d.set(k, value);
            });
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, double p0, double p1, View x, View out) {
        CpuStorage xs = cs(x), os = cs(out);
        long size = out.size();
        if (xs.dtype == os.dtype && size < Par.GRAIN && x.isContiguous() && out.isContiguous()) {
            if (xs.dtype == DType.FLOAT32) {
                VectorKernels.unary(op, p0, p1, (float[]) xs.data, (int) x.offset(), 1, (float[]) os.data, (int) out.offset(), (int) size);
                return;
            }
            if (xs.dtype == DType.FLOAT64) {
                VectorKernels.unary(op, p0, p1, (double[]) xs.data, (int) x.offset(), 1, (double[]) os.data, (int) out.offset(), (int) size);
                return;
            }
        }
        if (size < Par.GRAIN) { // runs on this thread anyway: the walk without the iterator's allocations
            try (Strided.Cursor c = Strided.Cursor.of(out.shape(), x.strides(), x.offset(), out.strides(), out.offset())) {
                if (c != null) {
                    unaryRows(c, op, p0, p1, xs, os);
                    return;
                }
            }
        }
        unaryGeneral(op, p0, p1, x, out);
    }

    /** {@link #unary}'s rows along a cursor: the same rows through the same kernels as {@link #unaryGeneral}. */
    private static void unaryRows(Strided.Cursor c, UnaryOp op, double p0, double p1, CpuStorage xs, CpuStorage os) {
        int xst = c.innerStride(0), ost = c.innerStride(1);
        if (ost == 1 && xs.dtype == os.dtype && xs.dtype == DType.FLOAT32) {
            float[] a = (float[]) xs.data, b = (float[]) os.data;
            while (c.next()) VectorKernels.unary(op, p0, p1, a, (int) c.offs[0], xst, b, (int) c.offs[1], c.inner);
        } else if (ost == 1 && xs.dtype == os.dtype && xs.dtype == DType.FLOAT64) {
            double[] a = (double[]) xs.data, b = (double[]) os.data;
            while (c.next()) VectorKernels.unary(op, p0, p1, a, (int) c.offs[0], xst, b, (int) c.offs[1], c.inner);
        } else {
            while (c.next()) {
                long xi = c.offs[0], oi = c.offs[1];
                for (int i = 0; i < c.inner; i++, xi += xst, oi += ost) os.set(oi, ScalarKernels.apply(op, xs.get(xi), p0, p1));
            }
        }
    }

    /** {@link #unary} of any layout, without its fast paths (the tests compare the two). */
    void unaryGeneral(UnaryOp op, double p0, double p1, View x, View out) {
        CpuStorage xs = cs(x), os = cs(out);
        Strided it = new Strided(out.shape(), new int[][] {x.strides(), out.strides()},
                new long[] {x.offset(), out.offset()});
        int xst = it.innerStride(0), ost = it.innerStride(1);
        if (ost == 1 && xs.dtype == os.dtype && xs.dtype == DType.FLOAT32) {
            float[] a = (float[]) xs.data, b = (float[]) os.data;
            it.forEachRow((o, n) -> VectorKernels.unary(op, p0, p1, a, (int) o[0], xst, b, (int) o[1], n), cost(op));
        } else if (ost == 1 && xs.dtype == os.dtype && xs.dtype == DType.FLOAT64) {
            double[] a = (double[]) xs.data, b = (double[]) os.data;
            it.forEachRow((o, n) -> VectorKernels.unary(op, p0, p1, a, (int) o[0], xst, b, (int) o[1], n), cost(op));
        } else {
            it.forEachRowSerial((o, n) -> {
                long xi = o[0], oi = o[1];
                for (int i = 0; i < n; i++, xi += xst, oi += ost) os.set(oi, ScalarKernels.apply(op, xs.get(xi), p0, p1));
            });
        }
    }

    /**
     * Rough cost of a unary kernel per element in simple vector operations, for the decision to split it over the
     * cores: the transcendental ones run a polynomial (and a division or two) per element.
     */
    static int cost(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, SIGMOID, TANH, SIN, COS, LOG1P, EXPM1, SOFTPLUS, ELU, SELU, POW -> 8;
            default -> 1;
        };
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        CpuStorage as = cs(a), bs = cs(b), os = cs(out);
        long size = out.size();
        // the common case (same shapes, no broadcast, all contiguous) goes straight to the kernel
        if (as.dtype == bs.dtype && as.dtype == os.dtype && size < Par.GRAIN
                && a.isContiguous() && b.isContiguous() && out.isContiguous()) {
            int n = (int) size;
            if (as.dtype == DType.FLOAT32) {
                VectorKernels.binary(op, (float[]) as.data, (int) a.offset(), 1, (float[]) bs.data, (int) b.offset(), 1,
                        (float[]) os.data, (int) out.offset(), n);
                return;
            }
            if (as.dtype == DType.FLOAT64) {
                VectorKernels.binary(op, (double[]) as.data, (int) a.offset(), 1, (double[]) bs.data, (int) b.offset(), 1,
                        (double[]) os.data, (int) out.offset(), n);
                return;
            }
        }
        if (size < Par.GRAIN && binarySerial(op, as, a, bs, b, os, out)) return;
        binaryGeneral(op, a, b, out);
    }

    /** {@link #binary} of any layout, without its fast paths (the tests compare the two). */
    void binaryGeneral(BinaryOp op, View a, View b, View out) {
        CpuStorage as = cs(a), bs = cs(b), os = cs(out);
        Strided it = new Strided(out.shape(), new int[][] {a.strides(), b.strides(), out.strides()},
                new long[] {a.offset(), b.offset(), out.offset()});
        int sa = it.innerStride(0), sb = it.innerStride(1), so = it.innerStride(2);
        DType t = as.dtype;
        if (so == 1 && bs.dtype == t && (t == DType.FLOAT32 || t == DType.FLOAT64)) {
            if (os.dtype == t) {
                if (t == DType.FLOAT32) {
                    float[] x = (float[]) as.data, y = (float[]) bs.data, z = (float[]) os.data;
                    it.forEachRow((o, n) -> VectorKernels.binary(op, x, (int) o[0], sa, y, (int) o[1], sb, z, (int) o[2], n));
                } else {
                    double[] x = (double[]) as.data, y = (double[]) bs.data, z = (double[]) os.data;
                    it.forEachRow((o, n) -> VectorKernels.binary(op, x, (int) o[0], sa, y, (int) o[1], sb, z, (int) o[2], n));
                }
                return;
            }
            if (os.dtype == DType.BOOL) { // comparison: compute 0/1 rows in the operand type, then narrow
                byte[] z = (byte[]) os.data;
                if (t == DType.FLOAT32) {
                    float[] x = (float[]) as.data, y = (float[]) bs.data;
                    it.forEachRow((o, n) -> {
                        float[] tmp = new float[n];
                        VectorKernels.binary(op, x, (int) o[0], sa, y, (int) o[1], sb, tmp, 0, n);
                        for (int i = 0, k = (int) o[2]; i < n; i++, k++) z[k] = (byte) (tmp[i] != 0 ? 1 : 0);
                    });
                } else {
                    double[] x = (double[]) as.data, y = (double[]) bs.data;
                    it.forEachRow((o, n) -> {
                        double[] tmp = new double[n];
                        VectorKernels.binary(op, x, (int) o[0], sa, y, (int) o[1], sb, tmp, 0, n);
                        for (int i = 0, k = (int) o[2]; i < n; i++, k++) z[k] = (byte) (tmp[i] != 0 ? 1 : 0);
                    });
                }
                return;
            }
        }
        it.forEachRowSerial((o, n) -> {
            long ai = o[0], bi = o[1], oi = o[2];
            for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so) {
                os.set(oi, ScalarKernels.apply(op, as.get(ai), bs.get(bi)));
            }
        });
    }

    /**
     * {@link #binary} for a space small enough to run on the calling thread (broadcasts, strided operands, other
     * dtypes), walked along the thread's cursor: the same rows through the same kernels, without the iterator's
     * and the row lambdas' allocations. False, having done nothing, for comparisons of floats (their rows go
     * through a temporary) and for more dimensions than a cursor takes.
     */
    private static boolean binarySerial(BinaryOp op, CpuStorage as, View a, CpuStorage bs, View b, CpuStorage os, View out) {
        DType t = as.dtype;
        boolean floats = bs.dtype == t && (t == DType.FLOAT32 || t == DType.FLOAT64);
        if (floats && os.dtype == DType.BOOL) return false;
        try (Strided.Cursor c = Strided.Cursor.of(out.shape(), a.strides(), a.offset(), b.strides(), b.offset(),
                out.strides(), out.offset())) {
            if (c == null) return false;
            int sa = c.innerStride(0), sb = c.innerStride(1), so = c.innerStride(2);
            if (so == 1 && floats && os.dtype == t && t == DType.FLOAT32) {
                float[] x = (float[]) as.data, y = (float[]) bs.data, z = (float[]) os.data;
                while (c.next()) VectorKernels.binary(op, x, (int) c.offs[0], sa, y, (int) c.offs[1], sb, z, (int) c.offs[2], c.inner);
            } else if (so == 1 && floats && os.dtype == t) {
                double[] x = (double[]) as.data, y = (double[]) bs.data, z = (double[]) os.data;
                while (c.next()) VectorKernels.binary(op, x, (int) c.offs[0], sa, y, (int) c.offs[1], sb, z, (int) c.offs[2], c.inner);
            } else {
                while (c.next()) {
                    long ai = c.offs[0], bi = c.offs[1], oi = c.offs[2];
                    for (int i = 0; i < c.inner; i++, ai += sa, bi += sb, oi += so) {
                        os.set(oi, ScalarKernels.apply(op, as.get(ai), bs.get(bi)));
                    }
                }
            }
            return true;
        }
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        CpuStorage cst = cs(cond), as = cs(a), bs = cs(b), os = cs(out);
        Strided it = new Strided(out.shape(), new int[][] {cond.strides(), a.strides(), b.strides(), out.strides()},
                new long[] {cond.offset(), a.offset(), b.offset(), out.offset()});
        int sc = it.innerStride(0), sa = it.innerStride(1), sb = it.innerStride(2), so = it.innerStride(3);
        if (os.dtype == DType.FLOAT32 && cst.dtype == DType.BOOL) {
            byte[] c = (byte[]) cst.data;
            float[] x = (float[]) as.data, y = (float[]) bs.data, z = (float[]) os.data;
            it.forEachRow((o, n) -> {
                int ci = (int) o[0], ai = (int) o[1], bi = (int) o[2], oi = (int) o[3];
                for (int i = 0; i < n; i++, ci += sc, ai += sa, bi += sb, oi += so) z[oi] = c[ci] != 0 ? x[ai] : y[bi];
            });
            return;
        }
        it.forEachRowSerial((o, n) -> {
            long ci = o[0], ai = o[1], bi = o[2], oi = o[3];
            for (int i = 0; i < n; i++, ci += sc, ai += sa, bi += sb, oi += so) {
                os.set(oi, cst.get(ci) != 0 ? as.get(ai) : bs.get(bi));
            }
        });
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, View x, int[] axes, View out) {
        if (!reduceContiguous(op, x, axes, out)) reduceGeneral(op, x, axes, out);
    }

    /** Any reduction: {@link #reduce} without its fast paths (the tests compare the two). */
    void reduceGeneral(ReduceOp op, View x, int[] axes, View out) {
        int r = x.rank();
        boolean[] red = new boolean[r];
        for (int a : axes) red[a] = true;
        // order: kept axes first, reduced axes last
        int[] perm = new int[r];
        int k = 0;
        for (int i = 0; i < r; i++) if (!red[i]) perm[k++] = i;
        int kept = k;
        for (int i = 0; i < r; i++) if (red[i]) perm[k++] = i;
        int[] shp = new int[r], str = new int[r];
        long outer = 1, inner = 1;
        for (int i = 0; i < r; i++) {
            shp[i] = x.shape()[perm[i]];
            str[i] = x.strides()[perm[i]];
            if (i < kept) outer *= shp[i]; else inner *= shp[i];
        }
        CpuStorage os = cs(out);
        DType t = os.dtype;
        View px = new View(x.storage(), shp, str, x.offset());
        // Case A: reduced block is contiguous per output element -> row reductions.
        boolean innerContig = isContiguousTail(shp, str, kept);
        // Case B: reduced axes lead and the kept block is contiguous -> column accumulation.
        boolean leadingReduce = true;
        for (int i = 0; i < r && leadingReduce; i++) {
            // reduced axes must all come before kept axes in x
            if (red[i]) for (int j = 0; j < i; j++) if (!red[j]) { leadingReduce = false; break; }
        }
        if (!innerContig && leadingReduce && x.isContiguous() && inner > 1 && outer > 1) {
            int rows = (int) inner, cols = (int) outer;
            if (t == DType.FLOAT32) {
                VectorKernels.reduceRows(op, (float[]) cs(x).data, (int) x.offset(), rows, cols, (float[]) os.data, (int) out.offset());
            } else {
                VectorKernels.reduceRows(op, (double[]) cs(x).data, (int) x.offset(), rows, cols, (double[]) os.data, (int) out.offset());
            }
            return;
        }
        if (!innerContig) { // make the reduced block contiguous with one strided copy
            CpuStorage tmp = new CpuStorage(t, (int) x.size());
            View tv = new View(tmp, shp, View.contiguousStrides(shp), 0);
            copy(px, tv);
            px = tv;
        }
        final View src = px;
        final int n = (int) inner;
        int[] outerShape = Arrays.copyOf(shp, kept);
        int[] outerStrides = Arrays.copyOf(src.strides(), kept);
        Strided it = new Strided(outerShape, new int[][] {outerStrides}, new long[] {src.offset()});
        long total = outer;
        int outOff = (int) out.offset();
        if (t == DType.FLOAT32) {
            float[] a = (float[]) cs(src).data, z = (float[]) os.data;
            if (outerShape.length == 0 || total == 1) {
                z[outOff] = (float) VectorKernels.reduce(op, a, (int) src.offset(), n);
                return;
            }
            long[] offsets = offsets(it, total);
            Par.forRange(total, n, (lo, hi) -> {
                for (long i = lo; i < hi; i++) z[outOff + (int) i] = (float) VectorKernels.reduce(op, a, (int) offsets[(int) i], n);
            });
        } else {
            double[] a = (double[]) cs(src).data, z = (double[]) os.data;
            if (outerShape.length == 0 || total == 1) {
                z[outOff] = VectorKernels.reduce(op, a, (int) src.offset(), n);
                return;
            }
            long[] offsets = offsets(it, total);
            Par.forRange(total, n, (lo, hi) -> {
                for (long i = lo; i < hi; i++) z[outOff + (int) i] = VectorKernels.reduce(op, a, (int) offsets[(int) i], n);
            });
        }
    }

    /**
     * The two common reductions of a non-empty contiguous float x, done as the general code below does them but
     * without its permuted views, iterators and offset tables (which allocate per call): the reduced axes trailing
     * (one sequential reduction per output element) or leading (column accumulation). False for anything else.
     */
    private static boolean reduceContiguous(ReduceOp op, View x, int[] axes, View out) {
        int r = x.rank();
        CpuStorage xs = cs(x), os = cs(out);
        DType t = os.dtype;
        if (axes.length == 0 || r > 63 || xs.dtype != t || (t != DType.FLOAT32 && t != DType.FLOAT64)
                || x.size() == 0 || !x.isContiguous()) {
            return false;
        }
        long mask = 0;
        for (int a : axes) mask |= 1L << a;
        int nr = Long.bitCount(mask), kept = r - nr;
        int[] shape = x.shape();
        long outer = 1, inner = 1;
        if (mask == ((1L << r) - 1) - ((1L << kept) - 1)) { // the last nr axes: rows of inner elements
            for (int i = 0; i < r; i++) if (i < kept) outer *= shape[i]; else inner *= shape[i];
            int n = (int) inner, xo = (int) x.offset(), oo = (int) out.offset();
            if (t == DType.FLOAT32) {
                float[] a = (float[]) xs.data, z = (float[]) os.data;
                if (outer * n < Par.GRAIN * 2) {
                    for (int i = 0; i < outer; i++) z[oo + i] = (float) VectorKernels.reduce(op, a, xo + i * n, n);
                } else {
                    Par.forRange(outer, n, (lo, hi) -> {
                        for (long i = lo; i < hi; i++) z[oo + (int) i] = (float) VectorKernels.reduce(op, a, xo + (int) i * n, n);
                    });
                }
            } else {
                double[] a = (double[]) xs.data, z = (double[]) os.data;
                if (outer * n < Par.GRAIN * 2) {
                    for (int i = 0; i < outer; i++) z[oo + i] = VectorKernels.reduce(op, a, xo + i * n, n);
                } else {
                    Par.forRange(outer, n, (lo, hi) -> {
                        for (long i = lo; i < hi; i++) z[oo + (int) i] = VectorKernels.reduce(op, a, xo + (int) i * n, n);
                    });
                }
            }
            return true;
        }
        if (mask == (1L << nr) - 1) { // the first nr axes: column sums over rows
            for (int i = 0; i < r; i++) if (i < nr) inner *= shape[i]; else outer *= shape[i];
            if (inner <= 1 || outer <= 1) return false;
            if (t == DType.FLOAT32) {
                VectorKernels.reduceRows(op, (float[]) xs.data, (int) x.offset(), (int) inner, (int) outer, (float[]) os.data, (int) out.offset());
            } else {
                VectorKernels.reduceRows(op, (double[]) xs.data, (int) x.offset(), (int) inner, (int) outer, (double[]) os.data, (int) out.offset());
            }
            return true;
        }
        return false;
    }

    /** The start offset of every element of an outer index space, in row-major order. */
    private static long[] offsets(Strided it, long total) {
        long[] res = new long[(int) total];
        int[] pos = {0};
        int st = it.innerStride(0);
        it.forEachRowSerial((o, n) -> {
            long off = o[0];
            for (int i = 0; i < n; i++, off += st) res[pos[0]++] = off;
        });
        return res;
    }

    private static boolean isContiguousTail(int[] shp, int[] str, int from) {
        long expected = 1;
        for (int i = shp.length - 1; i >= from; i--) {
            if (shp[i] != 1 && str[i] != expected) return false;
            expected *= shp[i];
        }
        return true;
    }

    @Override
    public boolean softmaxLastAxis(View x, boolean log, View out) {
        CpuStorage xs = cs(x), os = cs(out);
        if (!x.isContiguous() || !out.isContiguous() || xs.dtype != os.dtype || x.rank() == 0) return false;
        int n = x.shape()[x.rank() - 1];
        if (n == 0) return true;
        long rows = x.size() / n;
        int xo = (int) x.offset(), oo = (int) out.offset();
        if (xs.dtype == DType.FLOAT32) {
            float[] a = (float[]) xs.data, b = (float[]) os.data;
            if (!Par.splits(rows, 3L * n)) SoftmaxKernels.rows(a, xo, b, oo, n, 0, (int) rows, log);
            else Par.forRange(rows, 3L * n, (lo, hi) -> SoftmaxKernels.rows(a, xo, b, oo, n, (int) lo, (int) hi, log));
            return true;
        }
        if (xs.dtype == DType.FLOAT64) {
            double[] a = (double[]) xs.data, b = (double[]) os.data;
            if (!Par.splits(rows, 3L * n)) SoftmaxKernels.rows(a, xo, b, oo, n, 0, (int) rows, log);
            else Par.forRange(rows, 3L * n, (lo, hi) -> SoftmaxKernels.rows(a, xo, b, oo, n, (int) lo, (int) hi, log));
            return true;
        }
        return false;
    }

    @Override
    public void argReduce(boolean max, View x, int axis, View out) {
        argReduce(max, x, axis, out, false);
    }

    /** {@link #argReduce}; with {@code general}, through the allocating iterator (the tests compare the two). */
    void argReduce(boolean max, View x, int axis, View out, boolean general) {
        CpuStorage xs = cs(x), os = cs(out);
        int r = x.rank();
        int len = x.shape()[axis];
        int astr = x.strides()[axis];
        float[] xf = xs.dtype == DType.FLOAT32 ? (float[]) xs.data : null; // read float32 directly (widening is exact)
        // the walk over x's shape with the axis made 1: out's shape where out is in that (keepdims) form
        int[] oShape = keepForm(x.shape(), axis, out.shape()) ? out.shape() : null;
        if (oShape == null) {
            oShape = x.shape().clone();
            oShape[axis] = 1;
        }
        try (Strided.Cursor c = general ? null : Strided.Cursor.of(oShape, x.strides(), x.offset(), out.strides(), out.offset())) {
            if (c != null) {
                int xs0 = c.innerStride(0), os0 = c.innerStride(1);
                while (c.next()) argRow(max, xs, xf, c.offs[0], xs0, len, astr, os, c.offs[1], os0, c.inner);
            } else {
                Strided it = new Strided(oShape, new int[][] {x.strides(), out.strides()}, new long[] {x.offset(), out.offset()});
                int xs0 = it.innerStride(0), os0 = it.innerStride(1);
                it.forEachRowSerial((o, n) -> argRow(max, xs, xf, o[0], xs0, len, astr, os, o[1], os0, n));
            }
        }
        if (r == 0) os.set(out.offset(), 0);
    }

    /** Whether {@code shape} is {@code xShape} with axis {@code axis} made 1. */
    private static boolean keepForm(int[] xShape, int axis, int[] shape) {
        if (shape.length != xShape.length) return false;
        for (int i = 0; i < shape.length; i++) if (shape[i] != (i == axis ? 1 : xShape[i])) return false;
        return true;
    }

    /** The arg-reductions of n elements (x from xi by xst, each over len elements astr apart) into out. */
    private static void argRow(boolean max, CpuStorage xs, float[] xf, long xi, int xst, int len, int astr,
                               CpuStorage os, long oi, int ost, int n) {
        for (int i = 0; i < n; i++, xi += xst, oi += ost) {
            int best = 0;
            double bv = xf != null ? xf[(int) xi] : xs.get(xi);
            if (!Double.isNaN(bv)) {
                for (int j = 1; j < len; j++) {
                    long xj = xi + (long) j * astr;
                    double v = xf != null ? xf[(int) xj] : xs.get(xj);
                    if (Double.isNaN(v)) { best = j; break; } // NaN wins, as in NumPy
                    if (max ? v > bv : v < bv) { bv = v; best = j; }
                }
            }
            os.set(oi, best);
        }
    }

    // ---------------------------------------------------------------- matmul

    @Override
    public void matmul(View a, View b, View out) {
        int batch = a.shape()[0], m = a.shape()[1], kk = a.shape()[2], n = b.shape()[2];
        CpuStorage os = cs(out);
        DType t = os.dtype;
        View va = operand(a), vb = operand(b);
        boolean ta = !rowMajor(va), tb = !rowMajor(vb);
        int lda = leading(va), ldb = leading(vb);
        int oOff = (int) out.offset();
        for (int bi = 0; bi < batch; bi++) {
            int ao = (int) (va.offset() + (long) bi * va.strides()[0]);
            int bo = (int) (vb.offset() + (long) bi * vb.strides()[0]);
            int co = oOff + bi * m * n;
            if (t == DType.FLOAT32) {
                VectorKernels.matmul((float[]) cs(va).data, ao, lda, ta,
                        (float[]) cs(vb).data, bo, ldb, tb, (float[]) os.data, co, n, m, n, kk);
            } else {
                VectorKernels.matmul((double[]) cs(va).data, ao, lda, ta,
                        (double[]) cs(vb).data, bo, ldb, tb, (double[]) os.data, co, n, m, n, kk);
            }
        }
    }

    /**
     * A [B, r, c] operand in a layout the kernels take: the view itself when its matrices are row-major or
     * transposed (column-major) with some leading dimension, else a row-major copy.
     */
    private View operand(View v) {
        if (rowMajor(v) || columnMajor(v)) return v;
        CpuStorage tmp = new CpuStorage(v.storage().dtype(), (int) v.size());
        int[] cst = View.contiguousStrides(v.shape());
        View c = new View(tmp, v.shape(), cst, 0);
        copy(v, c);
        return c;
    }

    private static boolean rowMajor(View v) {
        int s1 = v.strides()[1];
        return v.strides()[2] == 1 && (s1 >= v.shape()[2] || v.shape()[1] == 1);
    }

    private static boolean columnMajor(View v) {
        int s2 = v.strides()[2];
        return v.strides()[1] == 1 && (s2 >= v.shape()[1] || v.shape()[2] == 1);
    }

    /** The leading dimension of an {@link #operand}'s matrices: the stride between rows (or, transposed, columns). */
    private static int leading(View v) {
        return rowMajor(v) ? Math.max(v.strides()[1], v.shape()[2]) : Math.max(v.strides()[2], v.shape()[1]);
    }

    // ---------------------------------------------------------------- gather / scatter

    @Override
    public void gather(View x, View index, int axis, View out) {
        CpuStorage xs = cs(x), is = cs(index), os = cs(out);
        int[] xsh = x.shape();
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= xsh[i];
        for (int i = axis + 1; i < xsh.length; i++) inner *= xsh[i];
        int len = xsh[axis];
        long[] idx = indexValues(is, index, len, "gather");
        // out is contiguous [outer, idx.length, inner]; x is made contiguous by the caller's view math below
        View xc = x.isContiguous() ? x : contiguousCopy(x);
        CpuStorage xcs = cs(xc);
        long xo = xc.offset();
        long o = out.offset();
        for (long a = 0; a < outer; a++) {
            for (long j : idx) {
                long src = xo + (a * len + j) * inner;
                if (xcs.dtype == os.dtype && xcs.dtype != DType.BOOL) {
                    System.arraycopy(xcs.data, (int) src, os.data, (int) o, (int) inner);
                } else {
                    for (long q = 0; q < inner; q++) os.set(o + q, xcs.get(src + q));
                }
                o += inner;
            }
        }
    }

    @Override
    public void indexAdd(View src, View index, int axis, View out) {
        CpuStorage is = cs(index), os = cs(out);
        int[] osh = out.shape();
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= osh[i];
        for (int i = axis + 1; i < osh.length; i++) inner *= osh[i];
        int len = osh[axis];
        long[] idx = indexValues(is, index, len, "indexAdd");
        View sc = src.isContiguous() ? src : contiguousCopy(src);
        CpuStorage ss = cs(sc);
        long s = sc.offset();
        for (long a = 0; a < outer; a++) {
            for (long j : idx) {
                long dst = out.offset() + (a * len + j) * inner;
                for (long q = 0; q < inner; q++) os.set(dst + q, os.get(dst + q) + ss.get(s + q));
                s += inner;
            }
        }
    }

    private long[] indexValues(CpuStorage is, View index, int len, String op) {
        View ic = index.isContiguous() ? index : contiguousCopy(index);
        long[] idx = new long[(int) ic.size()];
        for (int i = 0; i < idx.length; i++) {
            long v = (long) cs(ic).get(ic.offset() + i);
            if (v < 0) v += len;
            if (v < 0 || v >= len) {
                throw new IndexOutOfBoundsException(op + ": index " + (long) cs(ic).get(ic.offset() + i)
                        + " at position " + i + " is out of range for a dimension of size " + len);
            }
            idx[i] = v;
        }
        return idx;
    }

    private View contiguousCopy(View v) {
        CpuStorage tmp = new CpuStorage(v.storage().dtype(), (int) v.size());
        View c = new View(tmp, v.shape(), View.contiguousStrides(v.shape()), 0);
        copy(v, c);
        return c;
    }

    // ---------------------------------------------------------------- convolution helpers

    @Override
    public void patches(View x, int kh, int kw, int sh, int sw, int padTop, int padLeft, double padValue, View out) {
        View xc = x.isContiguous() ? x : contiguousCopy(x);
        CpuStorage xs = cs(xc), os = cs(out);
        int nb = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
        int oh = out.shape()[1], ow = out.shape()[2];
        long xo = xc.offset();
        boolean same = xs.dtype == os.dtype;
        if (same && xs.dtype == DType.FLOAT32) {
            float[] in = (float[]) xs.data, dst = (float[]) os.data;
            float pad = (float) padValue;
            int base = (int) out.offset(), xoff = (int) xo;
            Par.forRange((long) nb * oh, (long) ow * kh * kw * c, (lo, hi) -> {
                for (long row = lo; row < hi; row++) {
                    int b = (int) (row / oh), i = (int) (row % oh);
                    int o = base + (int) row * ow * kh * kw * c;
                    for (int j = 0; j < ow; j++, o += kh * kw * c) {
                        patchF(in, xoff, h, w, c, kh, kw, sh, sw, padTop, padLeft, pad, b, i, j, dst, o);
                    }
                }
            });
            return;
        }
        Par.forRange((long) nb * oh, (long) ow * kh * kw * c, (lo, hi) -> {
            for (long row = lo; row < hi; row++) {
                int b = (int) (row / oh), i = (int) (row % oh);
                long o = out.offset() + row * ow * kh * kw * c;
                for (int j = 0; j < ow; j++) {
                    for (int p = 0; p < kh; p++) {
                        int y = i * sh + p - padTop;
                        for (int q = 0; q < kw; q++, o += c) {
                            int xx = j * sw + q - padLeft;
                            if (y < 0 || y >= h || xx < 0 || xx >= w) {
                                for (int ch = 0; ch < c; ch++) os.set(o + ch, padValue);
                            } else {
                                long src = xo + (((long) b * h + y) * w + xx) * c;
                                if (same) System.arraycopy(xs.data, (int) src, os.data, (int) o, c);
                                else for (int ch = 0; ch < c; ch++) os.set(o + ch, xs.get(src + ch));
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * One im2col patch of a contiguous float NHWC input: output pixel (i, j) of image b, KH x KW x C values at
     * {@code dst[o..]}. Each patch row reads KW neighbouring pixels, contiguous in NHWC: one copy for the columns
     * inside the image, a fill with {@code pad} for those outside.
     */
    private static void patchF(float[] in, int xoff, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop,
                               int padLeft, float pad, int b, int i, int j, float[] dst, int o) {
        int x0 = j * sw - padLeft, q0 = Math.max(0, -x0), q1 = Math.min(kw, w - x0);
        for (int p = 0; p < kh; p++, o += kw * c) {
            int y = i * sh + p - padTop;
            if (y < 0 || y >= h || q0 >= q1) {
                Arrays.fill(dst, o, o + kw * c, pad);
                continue;
            }
            if (q0 > 0) Arrays.fill(dst, o, o + q0 * c, pad);
            System.arraycopy(in, xoff + ((b * h + y) * w + x0 + q0) * c, dst, o + q0 * c, (q1 - q0) * c);
            if (q1 < kw) Arrays.fill(dst, o + q1 * c, o + kw * c, pad);
        }
    }

    /** Patch-matrix rows per block of {@link #conv2d}: about 64K floats of patches, so a block stays in L2. */
    private static int convBlockRows(int k) { return Math.max(8, (1 << 16) / Math.max(1, k) / 8 * 8); }

    private static final ThreadLocal<float[][]> CONV_COLS = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * float32: the patch matrix one block of output rows at a time, in a per-thread buffer that stays in cache,
     * each block multiplied as soon as it is built, blocks spread over the pool. Every output element is the
     * same sum as the whole product's (the product kernels' per-element order does not depend on the rows
     * around it), so the result equals patches-then-matmul bit for bit, without the N*OH*OW*KH*KW*C buffer.
     */
    @Override
    public void conv2d(View x, View kernel, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh, int ow, View out) {
        CpuStorage xs = cs(x), ks = cs(kernel), os = cs(out);
        int n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3], o = kernel.shape()[1];
        boolean rowMajorKernel = kernel.strides()[1] == 1 && kernel.strides()[0] == o;
        if (xs.dtype != DType.FLOAT32 || ks.dtype != DType.FLOAT32 || os.dtype != DType.FLOAT32 || !x.isContiguous()
                || !rowMajorKernel || !out.isContiguous()) {
            Backend.super.conv2d(x, kernel, kh, kw, sh, sw, padTop, padLeft, oh, ow, out);
            return;
        }
        float[] in = (float[]) xs.data, kmat = (float[]) ks.data, dst = (float[]) os.data;
        int k = kh * kw * c, m = n * oh * ow, bm = convBlockRows(k), blocks = (m + bm - 1) / bm;
        int xoff = (int) x.offset(), koff = (int) kernel.offset(), ooff = (int) out.offset();
        Par.forRange(blocks, (long) bm * k * o / 8, (lo, hi) -> {
            float[][] holder = CONV_COLS.get();
            if (holder[0].length < bm * k) holder[0] = new float[bm * k];
            float[] cols = holder[0];
            for (long blk = lo; blk < hi; blk++) {
                int r0 = (int) blk * bm, rows = Math.min(bm, m - r0);
                for (int r = 0; r < rows; r++) {
                    int pix = r0 + r, b = pix / (oh * ow), i = pix / ow % oh, j = pix % ow;
                    patchF(in, xoff, h, w, c, kh, kw, sh, sw, padTop, padLeft, 0f, b, i, j, cols, r * k);
                }
                VectorKernels.matmul(cols, 0, k, false, kmat, koff, o, false, dst, ooff + r0 * o, o, rows, o, k);
            }
        });
    }

    @Override
    public void unpatches(View cols, int kh, int kw, int sh, int sw, int padTop, int padLeft, View out) {
        View cc = cols.isContiguous() ? cols : contiguousCopy(cols);
        CpuStorage cs = cs(cc), os = cs(out);
        int nb = out.shape()[0], h = out.shape()[1], w = out.shape()[2], c = out.shape()[3];
        int oh = cols.shape()[1], ow = cols.shape()[2];
        // parallel over images: each image's output region is written by one task only
        Par.forRange(nb, (long) oh * ow * kh * kw * c, (lo, hi) -> {
            for (long b = lo; b < hi; b++) {
                long o = cc.offset() + b * oh * ow * kh * kw * c;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int p = 0; p < kh; p++) {
                            int y = i * sh + p - padTop;
                            for (int q = 0; q < kw; q++, o += c) {
                                int xx = j * sw + q - padLeft;
                                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                                long dst = out.offset() + ((b * h + y) * w + xx) * c;
                                for (int ch = 0; ch < c; ch++) os.set(dst + ch, os.get(dst + ch) + cs.get(o + ch));
                            }
                        }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- random

    @Override
    public void randomUniform(View out, long seed, long counter, double low, double high) {
        CpuStorage os = cs(out);
        long n = out.size();
        for (long i = 0; i < n; i++) os.set(out.offset() + i, low + (high - low) * CounterRng.uniform(seed, counter + i));
    }

    @Override
    public void randomNormal(View out, long seed, long counter, double mean, double std) {
        CpuStorage os = cs(out);
        long n = out.size();
        for (long i = 0; i < n; i++) os.set(out.offset() + i, mean + std * CounterRng.normal(seed, counter + i));
    }
}
