package dev.vela.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.DType;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Large kernels split their work over the pool (a long contiguous row into pieces, a whole-tensor sum into
 * blocks); the results must be the bits of the same kernel run on one thread.
 */
class ParallelSplitTest {
    static final CpuBackend BE = CpuBackend.INSTANCE;

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-3, 3);
        return x;
    }

    static View flat(CpuStorage s, int off, int n) { return new View(s, new int[] {n}, new int[] {1}, off); }

    @Test
    void longRowsAreSplitWithoutChangingResults() {
        // odd length and offsets: pieces end inside vectors and the last piece is short
        int n = 3 * (int) Strided.SPLIT_ROWS_FROM + 37;
        float[] a = random(n + 5, 1), b = random(n + 3, 2);
        CpuStorage sa = new CpuStorage(DType.FLOAT32, a, a.length), sb = new CpuStorage(DType.FLOAT32, b, b.length);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.DIV}) {
            CpuStorage out = new CpuStorage(DType.FLOAT32, n + 1);
            BE.binary(op, flat(sa, 5, n), flat(sb, 3, n), flat(out, 1, n));
            float[] ref = new float[n];
            VectorKernels.binary(op, a, 5, 1, b, 3, 1, ref, 0, n);
            float[] got = (float[]) out.array();
            assertEquals(0f, got[0], "element before the output view untouched");
            assertArrayEquals(ref, java.util.Arrays.copyOfRange(got, 1, n + 1), op.name());
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.NEG}) {
            CpuStorage out = new CpuStorage(DType.FLOAT32, n);
            BE.unary(op, 0, 0, flat(sa, 5, n), flat(out, 0, n));
            float[] ref = new float[n];
            VectorKernels.unary(op, 0, 0, a, 5, 1, ref, 0, n);
            assertArrayEquals(ref, (float[]) out.array(), op.name());
        }
        // a strided input (every other element) split the same way
        CpuStorage out = new CpuStorage(DType.FLOAT32, n / 2);
        BE.unary(UnaryOp.SIGMOID, 0, 0, new View(sa, new int[] {n / 2}, new int[] {2}, 1), flat(out, 0, n / 2));
        float[] ref = new float[n / 2];
        VectorKernels.unary(UnaryOp.SIGMOID, 0, 0, a, 1, 2, ref, 0, n / 2);
        assertArrayEquals(ref, (float[]) out.array(), "strided sigmoid");
    }

    @Test
    void transcendentalRowsSplitFromFewerElements() {
        // exp is weighted as 8 simple operations per element: a row of SPLIT_ROWS_FROM / 8 + a bit is split
        int n = (int) (Strided.SPLIT_ROWS_FROM / CpuBackend.cost(UnaryOp.EXP)) + 1001;
        assertEquals(8, CpuBackend.cost(UnaryOp.EXP));
        assertEquals(1, CpuBackend.cost(UnaryOp.NEG));
        float[] a = random(n + 3, 4);
        CpuStorage sa = new CpuStorage(DType.FLOAT32, a, a.length);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.LOG, UnaryOp.ELU}) {
            CpuStorage out = new CpuStorage(DType.FLOAT32, n);
            BE.unary(op, 1, 0, flat(sa, 3, n), flat(out, 0, n));
            float[] ref = new float[n];
            VectorKernels.unary(op, 1, 0, a, 3, 1, ref, 0, n);
            assertArrayEquals(ref, (float[]) out.array(), op.name());
        }
    }

    @Test
    void largeSumIsTheInOrderSumOfItsBlocks() {
        int n = 3 * VectorKernels.PARALLEL_SUM + 1234;
        float[] x = random(n + 7, 3);
        double got = VectorKernels.reduce(ReduceOp.SUM, x, 7, n);
        // the definition: blocks of BLOCK elements, each summed on its own (small: one thread), added in order
        double want = 0;
        for (int b = 0; b < n; b += VectorKernels.BLOCK) want += VectorKernels.reduce(ReduceOp.SUM, x, 7 + b, Math.min(VectorKernels.BLOCK, n - b));
        assertEquals(want, got, 0.0);
        double naive = 0;
        for (int i = 0; i < n; i++) naive += x[7 + i];
        assertEquals(naive, got, 1e-9 * n, "close to the plain double sum");
    }
}
