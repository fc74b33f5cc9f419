// Every CUDA kernel against the CPU backend on random shapes: empty and odd sizes, views, broadcasting, dtypes.
package dev.vela.cuda;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.spi.Backend;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.Storage;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives the two backends through the kernel SPI with identical storages and views and compares the results
 * element by element. Views are random: permuted axes, step-2 strides, broadcast (stride 0) dimensions and
 * offsets, over random shapes with dimensions from 0 to 9 (so empty tensors and sizes that are not multiples
 * of the vector width are always among them). Float32 results may differ from the CPU in the last bits of the
 * transcendental functions and in summation order, float64 ones only in rounding.
 */
class CudaVsCpuTest {
    static Backend cpu, gpu;
    static final DType[] ALL = DType.values();
    static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64};

    @BeforeEach
    void backends() {
        CudaTesting.requireCuda();
        cpu = Device.CPU.backend();
        gpu = Device.cuda(0).backend();
    }

    // ------------------------------------------------------------------ random data and views

    /** The same values in a CPU and a GPU storage. */
    record Pair(Storage c, Storage g, DType t, long size) {}

    static Object values(DType t, int n, Random r, double lo, double hi) {
        return switch (t) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble()); yield a; }
            case FLOAT64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.nextDouble(); yield a; }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) Math.round(lo + (hi - lo) * r.nextDouble()); yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = Math.round(lo + (hi - lo) * r.nextDouble()); yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = r.nextBoolean(); yield a; }
        };
    }

    static Pair pair(DType t, int n, Random r, double lo, double hi) {
        Object v = values(t, n, r, lo, hi);
        return new Pair(cpu.fromArray(v), gpu.fromArray(v), t, n);
    }

    record Layout(int[] shape, int[] strides, long offset, int storageSize) {}

    static int[] randomShape(Random r, int maxRank) {
        int rank = r.nextInt(maxRank + 1);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(9);
        return s;
    }

    /** A random strided layout of {@code shape}: permuted, sometimes step 2, sometimes broadcast, with an offset. */
    static Layout randomLayout(int[] shape, Random r, boolean allowBroadcast) {
        int rank = shape.length;
        Integer[] order = new Integer[rank];
        for (int i = 0; i < rank; i++) order[i] = i;
        List<Integer> perm = new ArrayList<>(Arrays.asList(order));
        if (r.nextBoolean()) java.util.Collections.shuffle(perm, r);
        int[] strides = new int[rank];
        long acc = 1;
        for (int k = rank - 1; k >= 0; k--) {
            int d = perm.get(k);
            int step = r.nextInt(4) == 0 ? 2 : 1;
            if (allowBroadcast && r.nextInt(5) == 0) {
                strides[d] = 0;
                continue;
            }
            strides[d] = (int) (acc * step);
            acc *= (long) Math.max(shape[d], 1) * step;
        }
        long offset = r.nextInt(4);
        long span = offset + 1;
        for (int d = 0; d < rank; d++) span += (long) Math.max(shape[d] - 1, 0) * strides[d];
        return new Layout(shape, strides, offset, (int) span);
    }

    static Layout contiguous(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new Layout(shape, View.contiguousStrides(shape), 0, n);
    }

    static View cv(Pair p, Layout l) { return new View(p.c, l.shape, l.strides, l.offset); }

    static View gv(Pair p, Layout l) { return new View(p.g, l.shape, l.strides, l.offset); }

    static double[] asDoubles(Object a) {
        return switch (a) {
            case float[] f -> { double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
            case double[] d -> d;
            case int[] i -> Arrays.stream(i).asDoubleStream().toArray();
            case long[] l -> Arrays.stream(l).asDoubleStream().toArray();
            case boolean[] b -> { double[] d = new double[b.length]; for (int i = 0; i < b.length; i++) d[i] = b[i] ? 1 : 0; yield d; }
            default -> throw new IllegalArgumentException(a.getClass().toString());
        };
    }

    /** Compares the two storages' views element by element (NaN equals NaN). */
    static void same(String what, View c, View g, DType t, double rtol, double atol) {
        double[] x = asDoubles(cpu.toArray(c, t)), y = asDoubles(gpu.toArray(g, t));
        assertEquals(x.length, y.length, what + ": element count");
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) && Double.isNaN(y[i])) continue;
            if (x[i] == y[i]) continue;
            double tol = atol + rtol * Math.abs(x[i]);
            if (!(Math.abs(x[i] - y[i]) <= tol)) {
                fail(what + ": element " + i + " of " + x.length + " shape " + Arrays.toString(c.shape()) + ": cpu " + x[i]
                        + " cuda " + y[i] + " (tolerance " + tol + ")");
            }
        }
    }

    static double rtol(DType t) { return t == DType.FLOAT32 ? 2e-6 : t == DType.FLOAT64 ? 1e-14 : 0; }

    static Pair out(DType t, long n) { return new Pair(cpu.allocate(t, n), gpu.allocate(t, n), t, n); }

    // ------------------------------------------------------------------ elementwise

    @Test
    void unaryOpsOnRandomViews() {
        Random r = new Random(1);
        for (UnaryOp op : UnaryOp.values()) {
            for (DType t : FLOATS) {
                for (int trial = 0; trial < 6; trial++) {
                    int[] shape = randomShape(r, 4);
                    Layout lx = randomLayout(shape, r, true);
                    double lo = op == UnaryOp.FLUSH_SUBNORMAL ? -1e-37 : -3, hi = -lo;
                    Pair x = pair(t, lx.storageSize, r, lo, hi);
                    boolean stridedOut = trial % 2 == 1;
                    Layout lo2 = stridedOut ? randomLayout(shape, r, false) : contiguous(shape);
                    Pair o = out(t, lo2.storageSize);
                    double p0 = op == UnaryOp.CLIP || op == UnaryOp.IN_RANGE ? -0.5 : op == UnaryOp.POW ? 2.5 : 0.3;
                    double p1 = op == UnaryOp.CLIP || op == UnaryOp.IN_RANGE ? 0.75 : 1.7;
                    cpu.unary(op, p0, p1, cv(x, lx), cv(o, lo2));
                    gpu.unary(op, p0, p1, gv(x, lx), gv(o, lo2));
                    double rt = t == DType.FLOAT32 ? 4e-6 : 4e-15;
                    same("unary " + op + " " + t, cv(o, lo2), gv(o, lo2), t, rt, t == DType.FLOAT32 ? 1e-7 : 1e-300);
                }
            }
        }
    }

    @Test
    void unaryOnIntegerTensors() {
        Random r = new Random(2);
        for (DType t : new DType[] {DType.INT32, DType.INT64}) {
            for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.SIGN, UnaryOp.RELU}) {
                int[] shape = randomShape(r, 3);
                Layout lx = randomLayout(shape, r, true);
                Pair x = pair(t, lx.storageSize, r, -50, 50);
                Layout lo = contiguous(shape);
                Pair o = out(t, lo.storageSize);
                cpu.unary(op, 0, 0, cv(x, lx), cv(o, lo));
                gpu.unary(op, 0, 0, gv(x, lx), gv(o, lo));
                same("unary " + op + " " + t, cv(o, lo), gv(o, lo), t, 0, 0);
            }
        }
    }

    @Test
    void binaryOpsWithBroadcastingAndViews() {
        Random r = new Random(3);
        for (BinaryOp op : BinaryOp.values()) {
            boolean compare = op.ordinal() >= BinaryOp.EQ.ordinal();
            for (DType t : ALL) {
                if (t == DType.BOOL && !(op == BinaryOp.AND || op == BinaryOp.OR || op == BinaryOp.EQ || op == BinaryOp.NE)) continue;
                if (t.isInteger() && (op == BinaryOp.DIV || op == BinaryOp.POW)) continue; // double result, int store: not an SPI case
                for (int trial = 0; trial < 5; trial++) {
                    int[] shape = randomShape(r, 4);
                    Layout la = randomLayout(shape, r, true), lb = randomLayout(shape, r, true);
                    double lo = op == BinaryOp.POW ? 0.1 : -4, hi = 4;
                    Pair a = pair(t, la.storageSize, r, lo, hi), b = pair(t, lb.storageSize, r, lo, hi);
                    DType ot = compare && trial % 2 == 0 ? DType.BOOL : t;
                    Layout lo2 = trial == 3 ? randomLayout(shape, r, false) : contiguous(shape);
                    Pair o = out(ot, lo2.storageSize);
                    cpu.binary(op, cv(a, la), cv(b, lb), cv(o, lo2));
                    gpu.binary(op, gv(a, la), gv(b, lb), gv(o, lo2));
                    same("binary " + op + " " + t + " -> " + ot, cv(o, lo2), gv(o, lo2), ot, op == BinaryOp.POW ? 1e-6 : rtol(ot), 0);
                }
            }
        }
    }

    @Test
    void copyBetweenEveryPairOfDtypes() {
        Random r = new Random(4);
        for (DType s : ALL) {
            for (DType d : ALL) {
                for (int trial = 0; trial < 3; trial++) {
                    int[] shape = randomShape(r, 4);
                    Layout ls = randomLayout(shape, r, true), ld = randomLayout(shape, r, false);
                    Pair a = pair(s, ls.storageSize, r, -100, 100);
                    Pair o = out(d, ld.storageSize);
                    cpu.copy(cv(a, ls), cv(o, ld));
                    gpu.copy(gv(a, ls), gv(o, ld));
                    // compare the whole destination storage: elements outside the view must stay 0 on both
                    Layout all = contiguous(new int[] {ld.storageSize});
                    same("copy " + s + " -> " + d, cv(o, all), gv(o, all), d, 0, 0);
                }
            }
        }
    }

    @Test
    void fillAndWhere() {
        Random r = new Random(5);
        for (DType t : ALL) {
            int[] shape = randomShape(r, 4);
            Layout ld = randomLayout(shape, r, false);
            Pair o = out(t, ld.storageSize);
            cpu.fill(cv(o, ld), 3);
            gpu.fill(gv(o, ld), 3);
            Layout all = contiguous(new int[] {ld.storageSize});
            same("fill " + t, cv(o, all), gv(o, all), t, 0, 0);

            Layout lc = randomLayout(shape, r, true), la = randomLayout(shape, r, true), lb = randomLayout(shape, r, true);
            Pair c = pair(DType.BOOL, lc.storageSize, r, 0, 1);
            Pair a = pair(t, la.storageSize, r, -9, 9), b = pair(t, lb.storageSize, r, -9, 9);
            Layout lo = contiguous(shape);
            Pair w = out(t, lo.storageSize);
            cpu.where(cv(c, lc), cv(a, la), cv(b, lb), cv(w, lo));
            gpu.where(gv(c, lc), gv(a, la), gv(b, lb), gv(w, lo));
            same("where " + t, cv(w, lo), gv(w, lo), t, 0, 0);
        }
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void reductionsOverRandomAxes() {
        Random r = new Random(6);
        for (ReduceOp op : ReduceOp.values()) {
            for (DType t : FLOATS) {
                for (int trial = 0; trial < 12; trial++) {
                    int[] shape = randomShape(r, 4);
                    Layout lx = randomLayout(shape, r, true);
                    Pair x = pair(t, lx.storageSize, r, op == ReduceOp.PROD ? 0.5 : -1, op == ReduceOp.PROD ? 1.5 : 1);
                    List<Integer> axes = new ArrayList<>();
                    for (int d = 0; d < shape.length; d++) if (r.nextBoolean()) axes.add(d);
                    int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
                    int[] oshape = shape.clone();
                    for (int a : ax) oshape[a] = 1;
                    Layout lo = contiguous(oshape);
                    Pair o = out(t, lo.storageSize);
                    cpu.reduce(op, cv(x, lx), ax, cv(o, lo));
                    gpu.reduce(op, gv(x, lx), ax, gv(o, lo));
                    same("reduce " + op + " " + t + " axes " + axes, cv(o, lo), gv(o, lo), t,
                            t == DType.FLOAT32 ? 1e-5 : 1e-13, t == DType.FLOAT32 ? 1e-5 : 1e-13);
                }
            }
        }
    }

    @Test
    void largeReductionsUseTheChunkedPath() {
        Random r = new Random(7);
        for (int[] shape : new int[][] {{1 << 22}, {3, 200_000}, {4096, 1024}, {1024, 4096}}) {
            for (DType t : FLOATS) {
                Layout lx = contiguous(shape);
                Pair x = pair(t, lx.storageSize, r, -1, 1);
                int[] ax = {shape.length - 1};
                int[] oshape = shape.clone();
                oshape[shape.length - 1] = 1;
                Layout lo = contiguous(oshape);
                for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX}) {
                    Pair o = out(t, lo.storageSize);
                    cpu.reduce(op, cv(x, lx), ax, cv(o, lo));
                    gpu.reduce(op, gv(x, lx), ax, gv(o, lo));
                    same("reduce " + op + " " + Arrays.toString(shape), cv(o, lo), gv(o, lo), t,
                            t == DType.FLOAT32 ? 1e-4 : 1e-11, t == DType.FLOAT32 ? 1e-3 : 1e-10);
                }
            }
        }
    }

    @Test
    void argReduceWithTiesAndNaN() {
        Random r = new Random(8);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64}) {
            for (int trial = 0; trial < 10; trial++) {
                int[] shape = randomShape(r, 3);
                if (shape.length == 0) shape = new int[] {5};
                for (int d = 0; d < shape.length; d++) shape[d] = Math.max(shape[d], 1);
                Layout lx = randomLayout(shape, r, false);
                Object v = values(t, lx.storageSize, r, -3, 3); // integers: many ties
                if (t == DType.FLOAT64 && trial % 3 == 0) ((double[]) v)[r.nextInt(lx.storageSize)] = Double.NaN;
                Pair x = new Pair(cpu.fromArray(v), gpu.fromArray(v), t, lx.storageSize);
                int axis = r.nextInt(shape.length);
                int[] oshape = shape.clone();
                oshape[axis] = 1;
                Layout lo = contiguous(oshape);
                for (boolean max : new boolean[] {true, false}) {
                    Pair o = out(DType.INT64, lo.storageSize);
                    cpu.argReduce(max, cv(x, lx), axis, cv(o, lo));
                    gpu.argReduce(max, gv(x, lx), axis, gv(o, lo));
                    same((max ? "argmax " : "argmin ") + t, cv(o, lo), gv(o, lo), DType.INT64, 0, 0);
                }
            }
        }
    }

    @Test
    void softmaxRowsWarpAndBlockKernels() {
        Random r = new Random(9);
        for (int cols : new int[] {1, 7, 32, 33, 1000, 1024, 1025, 5000}) {
            for (DType t : FLOATS) {
                int rows = 1 + r.nextInt(20);
                Layout l = contiguous(new int[] {rows, cols});
                Pair x = pair(t, l.storageSize, r, -20, 20);
                for (boolean log : new boolean[] {false, true}) {
                    Pair oc = out(t, l.storageSize);
                    boolean a = cpu.softmaxLastAxis(cv(x, l), log, cv(oc, l));
                    boolean b = gpu.softmaxLastAxis(gv(x, l), log, gv(oc, l));
                    assertEquals(true, a && b, "both backends have a fused softmax");
                    same((log ? "logSoftmax " : "softmax ") + rows + "x" + cols + " " + t, cv(oc, l), gv(oc, l), t,
                            t == DType.FLOAT32 ? 2e-5 : 1e-13, t == DType.FLOAT32 ? 1e-7 : 1e-15);
                }
            }
        }
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void matmulAllLayoutsAndOddSizes() {
        Random r = new Random(10);
        int[][] sizes = {{1, 1, 1, 1}, {1, 5, 0, 3}, {2, 7, 9, 5}, {1, 129, 130, 131}, {3, 64, 64, 64}, {1, 300, 17, 257},
                {2, 33, 784, 128}, {1, 1, 1000, 1}, {4, 128, 8, 128}};
        for (int[] s : sizes) {
            int batch = s[0], m = s[1], k = s[2], n = s[3];
            for (DType t : FLOATS) {
                for (int layout = 0; layout < 4; layout++) {
                    boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                    Layout la = ta ? transposedLayout(batch, m, k) : contiguous(new int[] {batch, m, k});
                    Layout lb = tb ? transposedLayout(batch, k, n) : contiguous(new int[] {batch, k, n});
                    Pair a = pair(t, la.storageSize, r, -1, 1), b = pair(t, lb.storageSize, r, -1, 1);
                    Layout lo = contiguous(new int[] {batch, m, n});
                    Pair o = out(t, lo.storageSize);
                    cpu.matmul(cv(a, la), cv(b, lb), cv(o, lo));
                    gpu.matmul(gv(a, la), gv(b, lb), gv(o, lo));
                    double tol = t == DType.FLOAT32 ? 2e-6 * Math.sqrt(Math.max(k, 1)) * 4 : 1e-13 * Math.max(k, 1);
                    same("matmul " + Arrays.toString(s) + (ta ? " A^T" : "") + (tb ? " B^T" : "") + " " + t,
                            cv(o, lo), gv(o, lo), t, tol, tol);
                }
            }
        }
    }

    /** A [batch, rows, cols] view whose last two axes are stored transposed. */
    static Layout transposedLayout(int batch, int rows, int cols) {
        return new Layout(new int[] {batch, rows, cols}, new int[] {rows * cols, 1, rows}, 0, batch * rows * cols);
    }

    // ------------------------------------------------------------------ gather / indexAdd / patches

    @Test
    void gatherAndIndexAddWithNegativeIndices() {
        Random r = new Random(11);
        for (DType t : FLOATS) {
            for (int trial = 0; trial < 10; trial++) {
                int[] shape = randomShape(r, 3);
                if (shape.length == 0) shape = new int[] {4};
                for (int d = 0; d < shape.length; d++) shape[d] = Math.max(shape[d], 1);
                int axis = r.nextInt(shape.length);
                int len = shape[axis];
                Layout lx = randomLayout(shape, r, false);
                Pair x = pair(t, lx.storageSize, r, -5, 5);
                int nidx = r.nextInt(6);
                long[] idx = new long[nidx];
                for (int i = 0; i < nidx; i++) idx[i] = r.nextInt(2 * len) - len;
                Pair ix = new Pair(cpu.fromArray(idx), gpu.fromArray(idx), DType.INT64, nidx);
                Layout li = contiguous(new int[] {nidx});
                int[] oshape = shape.clone();
                oshape[axis] = nidx;
                Layout lo = contiguous(oshape);
                Pair o = out(t, lo.storageSize);
                cpu.gather(cv(x, lx), cv(ix, li), axis, cv(o, lo));
                gpu.gather(gv(x, lx), gv(ix, li), axis, gv(o, lo));
                same("gather " + t + " axis " + axis, cv(o, lo), gv(o, lo), t, 0, 0);

                Layout lacc = contiguous(shape);
                Pair acc = out(t, lacc.storageSize);
                cpu.indexAdd(cv(o, lo), cv(ix, li), axis, cv(acc, lacc));
                gpu.indexAdd(gv(o, lo), gv(ix, li), axis, gv(acc, lacc));
                same("indexAdd " + t + " axis " + axis, cv(acc, lacc), gv(acc, lacc), t, rtol(t), 1e-12);
            }
        }
    }

    @Test
    void patchesAndUnpatches() {
        Random r = new Random(12);
        int[][] geo = {{1, 5, 5, 1, 3, 3, 1, 1, 1, 1}, {2, 28, 28, 3, 3, 3, 1, 1, 0, 0}, {2, 7, 9, 4, 2, 2, 2, 2, 0, 0},
                {1, 6, 6, 2, 3, 3, 2, 2, 1, 1}, {3, 4, 4, 5, 1, 1, 1, 1, 0, 0}};
        for (int[] g : geo) {
            int nb = g[0], h = g[1], w = g[2], c = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7], pt = g[8], pl = g[9];
            int oh = (h + 2 * pt - kh) / sh + 1, ow = (w + 2 * pl - kw) / sw + 1;
            for (DType t : FLOATS) {
                Layout lx = contiguous(new int[] {nb, h, w, c});
                Pair x = pair(t, lx.storageSize, r, -1, 1);
                Layout lp = contiguous(new int[] {nb, oh, ow, kh, kw, c});
                Pair p = out(t, lp.storageSize);
                cpu.patches(cv(x, lx), kh, kw, sh, sw, pt, pl, -7.5, cv(p, lp));
                gpu.patches(gv(x, lx), kh, kw, sh, sw, pt, pl, -7.5, gv(p, lp));
                same("patches " + Arrays.toString(g) + " " + t, cv(p, lp), gv(p, lp), t, 0, 0);
                Pair back = out(t, lx.storageSize);
                cpu.unpatches(cv(p, lp), kh, kw, sh, sw, pt, pl, cv(back, lx));
                gpu.unpatches(gv(p, lp), kh, kw, sh, sw, pt, pl, gv(back, lx));
                same("unpatches " + Arrays.toString(g) + " " + t, cv(back, lx), gv(back, lx), t, rtol(t), 1e-12);
            }
        }
    }

    // ------------------------------------------------------------------ random

    @Test
    void counterBasedRandomMatchesTheCpuStream() {
        for (DType t : FLOATS) {
            for (long n : new long[] {0, 1, 7, 1000, 65_537}) {
                Layout l = contiguous(new int[] {(int) n});
                Pair u = out(t, n), z = out(t, n);
                cpu.randomUniform(cv(u, l), 42, 1000, -2, 3);
                gpu.randomUniform(gv(u, l), 42, 1000, -2, 3);
                same("uniform " + t + " n=" + n, cv(u, l), gv(u, l), t, 0, 0);
                cpu.randomNormal(cv(z, l), 42, 5, 1, 2);
                gpu.randomNormal(gv(z, l), 42, 5, 1, 2);
                same("normal " + t + " n=" + n, cv(z, l), gv(z, l), t, t == DType.FLOAT32 ? 1e-6 : 1e-13, 1e-13);
            }
        }
    }

    // ------------------------------------------------------------------ past 2^31 bytes

    @Test
    void elementwiseBeyondTwoGigabytes() {
        long n = (1L << 29) + 7; // 2 GiB + 28 bytes of float32
        int[] shape = {(int) n};
        Storage a = gpu.allocate(DType.FLOAT32, n), b = gpu.allocate(DType.FLOAT32, n), o = gpu.allocate(DType.FLOAT32, n);
        try {
            View va = new View(a, shape, new int[] {1}, 0), vb = new View(b, shape, new int[] {1}, 0), vo = new View(o, shape, new int[] {1}, 0);
            gpu.fill(va, 1.5);
            gpu.fill(new View(b, new int[] {(int) (n / 2)}, new int[] {2}, 1), 2.0); // odd elements 2, even stay 0
            gpu.binary(BinaryOp.ADD, va, vb, vo);
            for (long i : new long[] {0, 1, (1L << 29) - 1, 1L << 29, n - 2, n - 1}) {
                double expect = 1.5 + (i % 2 == 1 && i < 2 * (n / 2) ? 2.0 : 0.0);
                assertEquals(expect, gpu.get(o, i), 0.0, "element " + i + " of a " + n + "-element add");
            }
            gpu.unary(UnaryOp.SQUARE, 0, 0, vo, vo);
            assertEquals(3.5 * 3.5, gpu.get(o, n - 2), 0.0, "in-place square at the end");
        } finally {
            a.close();
            b.close();
            o.close();
        }
    }
}
