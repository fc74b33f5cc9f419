// SumToLike and ExpandLike compute through the kernels directly (no op objects per call): the same values, shapes
// and errors as sumTo and expand, eagerly and while a compiled function runs (where views are kept on tensors).
package dev.vela;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShapeOpsFastPathTest {
    private static final int[][][] CASES = {
        {{4, 3}, {1, 3}}, {{4, 3}, {3}}, {{2, 4, 3}, {4, 1}}, {{5, 1}, {5, 1}}, {{2, 3}, {2, 3}}, {{3, 4}, {}},
        {{2, 1, 3}, {1, 1, 1}}, {{6}, {1}},
    };

    private static void check(boolean compiled) {
        Generator g = new Generator(5);
        Arena arena = new Arena();
        if (compiled) Arena.CURRENT.set(arena);
        try {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[][] c : CASES) {
                    Tensor grad = g.uniform(t, -1, 1, c[0]), like = Tensor.zeros(c[1]);
                    for (int rep = 0; rep < 2; rep++) { // the second time, kept views are used
                        Tensor a = new ShapeOps.SumToLike().forward(new Tensor[] {grad, like});
                        Tensor b = ElementwiseOps.sumTo(grad, like.shape());
                        assertArrayEquals(b.dims(), a.dims());
                        assertArrayEquals(b.toDoubleArray(), a.toDoubleArray());
                        Tensor e = new ShapeOps.ExpandLike().forward(new Tensor[] {b, grad});
                        Tensor f = b.expand(grad.dims());
                        assertArrayEquals(f.dims(), e.dims());
                        assertArrayEquals(f.toDoubleArray(), e.toDoubleArray());
                        if (java.util.Arrays.equals(b.dims(), grad.dims())) assertSame(b, e);
                    }
                }
            }
            Tensor x = Tensor.zeros(3, 2), to = Tensor.zeros(3, 4);
            var expected = assertThrows(IllegalArgumentException.class, () -> x.expand(to.dims()));
            var got = assertThrows(IllegalArgumentException.class, () -> new ShapeOps.ExpandLike().forward(new Tensor[] {x, to}));
            assertEquals(expected.getMessage(), got.getMessage());
        } finally {
            Arena.CURRENT.remove();
        }
    }

    @Test
    void eagerly() { check(false); }

    @Test
    void inACompiledRun() { check(true); }
}
