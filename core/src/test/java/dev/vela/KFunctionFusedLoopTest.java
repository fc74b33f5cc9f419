// Fused elementwise groups run op by op on a function's first call and through a generated vector loop from the
// second on: both must give the same bits, whatever the operand layouts (scalars, repeated rows, tails).
package dev.vela;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.vela.K.function;
import static dev.vela.K.placeholder;
import static dev.vela.K.update;
import static dev.vela.K.variable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KFunctionFusedLoopTest {

    @BeforeEach
    void fresh() {
        K.clearSession();
        K.setLearningPhase(0);
        KFunction.LOOP_AFTER_CALLS = 1; // the second call of a group runs its generated loop
    }

    @AfterEach
    void restore() {
        KFunction.LOOP_AFTER_CALLS = 32;
    }

    static int stat(KFunction f, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(f.describe());
        assertTrue(m.find(), f.describe());
        return Integer.parseInt(m.group(1));
    }

    static void sameBits(Tensor want, Tensor got, String what) {
        float[] w = want.toFloatArray(), g = got.toFloatArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToIntBits(w[i]), Float.floatToIntBits(g[i]), what + " element " + i + ": " + w[i] + " vs " + g[i]);
        }
    }

    @Test
    void generatedLoopsGiveTheOpByOpBits() {
        // tails of every length, more than one block; 40,000 rows: enough work to split the pass over the cores
        for (int rows : new int[] {1, 3, 37, 300, 40_000}) {
            K.clearSession();
            Tensor x = placeholder("x", -1, 7), y = placeholder("y", -1, 7);
            Tensor row = variable(new float[] {1.5f, -2, 0.25f, 3, -0.5f, 0, 7});
            Tensor s = variable(Tensor.scalar(0.75));
            // chains and diamonds of many op kinds, a repeated row, a scalar, several results
            Tensor a = x.mul(row).add(y).tanh();
            Tensor b = a.mul(s).sub(x.exp().mul(0.01)).sigmoid();
            Tensor c = a.square().add(b.abs().add(1.0).sqrt()).div(b.add(2.0)).relu().neg();
            Tensor d = c.maximum(a).minimum(b.mul(3.0)).clip(-0.7, 0.9).pow(2.0).add(x.abs().add(0.5).log());
            KFunction f = function(List.of(x, y), List.of(a, c, d));
            Generator g = new Generator(rows);
            Tensor xv = Tensor.randn(g, rows, 7).mul(3.0), yv = Tensor.randn(g, rows, 7);
            List<Tensor> first = f.call(xv, yv);
            assertEquals(0, stat(f, "loops"), "the first call runs op by op");
            List<Tensor> second = f.call(xv, yv);
            assertTrue(stat(f, "loops") > 0, "later calls run generated loops: " + f.describe());
            for (int i = 0; i < 3; i++) sameBits(first.get(i), second.get(i), "rows=" + rows + " output " + i);
            List<Tensor> third = f.call(xv, yv);
            for (int i = 0; i < 3; i++) sameBits(first.get(i), third.get(i), "rows=" + rows + " output " + i + " again");
        }
    }

    @Test
    void aSingleBroadcastOpRunsAsAGroupWithTheSameBits() {
        for (int rows : new int[] {2, 293, 300}) { // 300 x 7: the second block starts mid-row
            K.clearSession();
            Tensor x = placeholder("x", -1, 7), col = placeholder("c", -1, 1);
            Tensor row = variable(new float[] {1.5f, -2, 0.25f, 3, -0.5f, 0, 7});
            KFunction f = function(List.of(x, col), List.of(x.add(row), x.mul(col), row.sub(x)));
            Generator g = new Generator(rows);
            Tensor xv = Tensor.randn(g, rows, 7), cv = Tensor.randn(g, rows, 1);
            List<Tensor> first = f.call(xv, cv);
            List<Tensor> second = f.call(xv, cv);
            assertTrue(stat(f, "loops") > 0, f.describe());
            try (var ng = Autograd.noGrad()) {
                sameBits(xv.add(row.getValue()), second.get(0), "x + row, rows=" + rows);
                sameBits(xv.mul(cv), second.get(1), "x * col, rows=" + rows);
                sameBits(row.getValue().sub(xv), second.get(2), "row - x, rows=" + rows);
            }
            for (int i = 0; i < 3; i++) sameBits(first.get(i), second.get(i), "rows=" + rows + " output " + i);
        }
    }

    @Test
    void generatedLoopsWriteUpdatesInPlaceWithTheSameBits() {
        updatesInPlace(50, 9);
        updatesInPlace(700, 130); // 91,000 elements: the pass is split over the cores (where there are several)
    }

    private static void updatesInPlace(int r, int cols) {
        K.clearSession();
        Vela.seed(4);
        Tensor w1 = variable(Tensor.randn(r, cols)), m1 = variable(Tensor.zeros(r, cols));
        Tensor w2 = variable(w1.getValue()), m2 = variable(Tensor.zeros(r, cols));
        Tensor g = placeholder("g", r, cols);
        KFunction f1 = function(List.of(g), List.of(), List.of(
                update(m1, m1.mul(0.9).add(g.mul(0.1)).flushSubnormal()),
                update(w1, w1.sub(m1.mul(0.9).add(g.mul(0.1)).div(g.square().add(1e-3).sqrt()).mul(0.05)))));
        Generator gen = new Generator(1);
        for (int step = 0; step < 6; step++) {
            Tensor gv = Tensor.randn(gen, r, cols);
            f1.call(gv);
            // the same rule eagerly
            try (var ng = Autograd.noGrad()) {
                Tensor mn = m2.getValue().mul(0.9).add(gv.mul(0.1));
                w2.setValue(w2.getValue().sub(mn.div(gv.square().add(1e-3).sqrt()).mul(0.05)));
                m2.setValue(mn.flushSubnormal());
            }
            sameBits(m2.getValue(), m1.getValue(), "m after step " + step);
            sameBits(w2.getValue(), w1.getValue(), "w after step " + step);
        }
        assertTrue(stat(f1, "loops") > 0, f1.describe());
        assertEquals(2, stat(f1, "inPlace"), f1.describe());
    }
}
