// The CPU backend's allocation-free fast paths (contiguous reductions, fills and dtype-converting copies, and the
// cursor walks of small strided or broadcast unaries, binaries, copies and arg-reductions) give exactly what the general
// strided code gives.
package dev.vela.cpu;

import dev.vela.DType;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CpuBackendFastPathTest {
    private static final CpuBackend BE = CpuBackend.INSTANCE;

    private static View contiguous(CpuStorage s, int[] shape, int offset) {
        return new View(s, shape, View.contiguousStrides(shape), offset);
    }

    private static CpuStorage random(DType t, int n, Random r) {
        CpuStorage s = new CpuStorage(t, n);
        for (int i = 0; i < n; i++) s.set(i, r.nextGaussian() * 3 + (r.nextInt(7) == 0 ? 100 : 0));
        return s;
    }

    /** Every set of leading axes and every set of trailing axes of {@code rank}, plus a middle one (no fast path). */
    private static List<int[]> axesSets(int rank) {
        List<int[]> l = new ArrayList<>();
        for (int k = 1; k <= rank; k++) {
            int[] lead = new int[k], trail = new int[k];
            for (int i = 0; i < k; i++) {
                lead[i] = i;
                trail[i] = rank - k + i;
            }
            l.add(lead);
            l.add(trail);
        }
        if (rank >= 3) l.add(new int[] {1});
        return l;
    }

    @Test
    void contiguousReductionsMatchTheGeneralCodeBitForBit() {
        Random r = new Random(1);
        int[][] shapes = {{7}, {1}, {5, 9}, {1, 33}, {40, 1}, {3, 4, 5}, {2, 1, 70}, {6, 130}, {300, 200}, {400, 200}, {2, 3, 1, 17}};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : shapes) {
                int n = 1;
                for (int d : shape) n *= d;
                int offset = 3; // a view that does not start at the buffer's beginning
                CpuStorage x = random(t, n + offset, r);
                for (int[] axes : axesSets(shape.length)) {
                    int[] os = shape.clone();
                    for (int a : axes) os[a] = 1;
                    for (ReduceOp op : ReduceOp.values()) {
                        CpuStorage fast = new CpuStorage(t, n + 2), general = new CpuStorage(t, n + 2);
                        BE.reduce(op, contiguous(x, shape, offset), axes, contiguous(fast, os, 2));
                        BE.reduceGeneral(op, contiguous(x, shape, offset), axes, contiguous(general, os, 2));
                        String what = t + " " + op + " of " + java.util.Arrays.toString(shape) + " over " + java.util.Arrays.toString(axes);
                        if (t == DType.FLOAT32) assertArrayEquals((float[]) general.data, (float[]) fast.data, what);
                        else assertArrayEquals((double[]) general.data, (double[]) fast.data, what);
                    }
                }
            }
        }
    }

    @Test
    void contiguousFillsAndConvertingCopiesMatchElementByElement() {
        Random r = new Random(2);
        int n = 37;
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                CpuStorage src = random(from, n + 1, r), dst = new CpuStorage(to, n + 2);
                BE.copy(contiguous(src, new int[] {n}, 1), contiguous(dst, new int[] {n}, 2));
                for (int i = 0; i < n; i++) {
                    CpuStorage one = new CpuStorage(to, 1);
                    one.set(0, src.get(i + 1));
                    assertEquals(one.get(0), dst.get(i + 2), from + " -> " + to + " at " + i);
                }
                assertEquals(0.0, dst.get(0));
                assertEquals(0.0, dst.get(1));
            }
            CpuStorage f = new CpuStorage(from, n + 2);
            BE.fill(contiguous(f, new int[] {n}, 1), -2.5);
            CpuStorage one = new CpuStorage(from, 1);
            one.set(0, -2.5);
            for (int i = 1; i <= n; i++) assertEquals(one.get(0), f.get(i), "fill " + from);
            assertEquals(0.0, f.get(0));
            assertEquals(0.0, f.get(n + 1));
        }
    }

    /** Shapes for the walks: size-1 axes, long and short rows, more axes than a cursor takes (9). */
    private static final int[][] WALK_SHAPES = {{7}, {1}, {5, 9}, {1, 33}, {40, 1}, {3, 4, 5}, {2, 1, 70}, {6, 130},
            {2, 3, 1, 17}, {2, 3, 2, 1, 2, 1, 2, 1, 3}};

    /**
     * A view of {@code shape} over fresh random storage: axes laid out in a random order (transposes), some
     * broadcast (stride 0) unless {@code plain}, from a random offset.
     */
    private static View layout(DType t, int[] shape, boolean plain, Random r) {
        int rank = shape.length;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rank; i++) order.add(i);
        java.util.Collections.shuffle(order, r);
        int[] strides = new int[rank];
        int size = 1;
        for (int k = rank - 1; k >= 0; k--) {
            int d = order.get(k);
            strides[d] = size;
            size *= shape[d];
        }
        if (!plain) for (int d = 0; d < rank; d++) if (r.nextInt(3) == 0) strides[d] = 0;
        int offset = r.nextInt(4);
        CpuStorage s = random(t, size + offset, r);
        if (t == DType.INT64 || t == DType.INT32) for (int i = 0; i < size + offset; i++) s.set(i, r.nextInt(9) - 4);
        return new View(s, shape, strides, offset);
    }

    private static long[] bits(CpuStorage s) {
        long[] b = new long[s.size];
        for (int i = 0; i < b.length; i++) {
            b[i] = switch (s.dtype) {
                case FLOAT32 -> Float.floatToRawIntBits(((float[]) s.data)[i]);
                case FLOAT64 -> Double.doubleToRawLongBits(((double[]) s.data)[i]);
                default -> (long) s.get(i);
            };
        }
        return b;
    }

    private static String thrown(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    @Test
    void smallStridedAndBroadcastBinariesMatchTheGeneralCodeBitForBit() {
        Random r = new Random(3);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (int[] shape : WALK_SHAPES) {
                for (int trial = 0; trial < 4; trial++) {
                    View a = layout(t, shape, false, r), b = layout(t, shape, false, r);
                    View outLayout = layout(t, shape, true, r);
                    for (BinaryOp op : BinaryOp.values()) {
                        boolean cmp = op.ordinal() >= BinaryOp.EQ.ordinal() && op.ordinal() <= BinaryOp.GE.ordinal();
                        DType ot = cmp ? DType.BOOL : t;
                        int n = (int) outLayout.storage().size();
                        CpuStorage fast = new CpuStorage(ot, n), general = new CpuStorage(ot, n);
                        View fo = new View(fast, shape, outLayout.strides(), outLayout.offset());
                        View go = new View(general, shape, outLayout.strides(), outLayout.offset());
                        String what = t + " " + op + " of " + java.util.Arrays.toString(shape) + ", strides "
                                + java.util.Arrays.toString(a.strides()) + " and " + java.util.Arrays.toString(b.strides());
                        assertEquals(thrown(() -> BE.binaryGeneral(op, a, b, go)), thrown(() -> BE.binary(op, a, b, fo)), what);
                        assertArrayEquals(bits(general), bits(fast), what);
                    }
                }
            }
        }
    }

    @Test
    void smallStridedCopiesMatchTheGeneralCodeBitForBit() {
        Random r = new Random(4);
        DType[] types = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.BOOL};
        for (DType from : types) {
            for (DType to : types) {
                for (int[] shape : WALK_SHAPES) {
                    View src = layout(from, shape, false, r), dstLayout = layout(to, shape, true, r);
                    int n = (int) dstLayout.storage().size();
                    CpuStorage fast = new CpuStorage(to, n), general = new CpuStorage(to, n);
                    BE.copy(src, new View(fast, shape, dstLayout.strides(), dstLayout.offset()));
                    BE.copyStrided(src, new View(general, shape, dstLayout.strides(), dstLayout.offset()));
                    assertArrayEquals(bits(general), bits(fast), from + " to " + to + " of " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void argReductionsMatchTheGeneralCodeBitForBit() {
        Random r = new Random(5);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (int[] shape : WALK_SHAPES) {
                for (int axis = 0; axis < shape.length; axis++) {
                    View x = layout(t, shape, r.nextBoolean(), r);
                    if (t == DType.FLOAT32 && r.nextInt(4) == 0) ((float[]) ((CpuStorage) x.storage()).data)[(int) x.storage().size() - 1] = Float.NaN;
                    int[] os = shape.clone();
                    os[axis] = 1;
                    for (boolean max : new boolean[] {true, false}) {
                        View ol = layout(DType.INT64, os, true, r);
                        CpuStorage fast = new CpuStorage(DType.INT64, (int) ol.storage().size());
                        CpuStorage general = new CpuStorage(DType.INT64, (int) ol.storage().size());
                        BE.argReduce(max, x, axis, new View(fast, os, ol.strides(), ol.offset()));
                        BE.argReduce(max, x, axis, new View(general, os, ol.strides(), ol.offset()), true);
                        assertArrayEquals(bits(general), bits(fast), t + (max ? " argmax" : " argmin") + " of "
                                + java.util.Arrays.toString(shape) + " over " + axis);
                    }
                }
            }
        }
    }

    @Test
    void smallStridedUnariesMatchTheGeneralCodeBitForBit() {
        Random r = new Random(6);
        DType[][] pairs = {{DType.FLOAT32, DType.FLOAT32}, {DType.FLOAT64, DType.FLOAT64}, {DType.INT64, DType.INT64},
                {DType.FLOAT32, DType.FLOAT64}, {DType.BOOL, DType.FLOAT32}};
        for (DType[] p : pairs) {
            for (int[] shape : WALK_SHAPES) {
                View x = layout(p[0], shape, false, r), ol = layout(p[1], shape, true, r);
                // both contiguous: unary's older contiguous path runs, not the walk (and a single element differs
                // there: the vector kernel against the general code's scalar one, for ops such as sigmoid)
                if (p[0] == p[1] && x.isContiguous() && ol.isContiguous()) continue;
                for (UnaryOp op : UnaryOp.values()) {
                    int n = (int) ol.storage().size();
                    CpuStorage fast = new CpuStorage(p[1], n), general = new CpuStorage(p[1], n);
                    View fo = new View(fast, shape, ol.strides(), ol.offset()), go = new View(general, shape, ol.strides(), ol.offset());
                    String what = p[0] + " to " + p[1] + " " + op + " of " + java.util.Arrays.toString(shape)
                            + ", strides " + java.util.Arrays.toString(x.strides());
                    assertEquals(thrown(() -> BE.unaryGeneral(op, 0.5, 2, x, go)), thrown(() -> BE.unary(op, 0.5, 2, x, fo)), what);
                    assertArrayEquals(bits(general), bits(fast), what);
                }
            }
        }
    }
}
