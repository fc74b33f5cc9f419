// The CPU backend's allocation-free fast paths (contiguous reductions, fills and dtype-converting copies) give
// exactly what the general strided code gives.
package dev.vela.cpu;

import dev.vela.DType;
import dev.vela.spi.ReduceOp;
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
}
