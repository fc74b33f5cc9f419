// K.function's in-place updates: fused update chains write straight into their variables only where that
// cannot change what the call computes, and a failing call still changes no variable.
package dev.vela;

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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KFunctionInPlaceTest {

    @BeforeEach
    void fresh() {
        K.clearSession();
        K.setLearningPhase(0);
    }

    static int inPlace(KFunction f) {
        Matcher m = Pattern.compile("\\binPlace=(\\d+)").matcher(f.describe());
        assertTrue(m.find(), f.describe());
        return Integer.parseInt(m.group(1));
    }

    static float[] vals(Tensor t) { return t.toFloatArray(); }

    @Test
    void aFusedUpdateChainIsWrittenIntoItsVariable() {
        Tensor w = variable(new float[] {1, 2, 3});
        KFunction f = function(List.of(), List.of(), List.of(update(w, w.mul(2.0).add(1.0))));
        int v0 = w.storage.version();
        f.call();
        assertArrayEquals(new float[] {3, 5, 7}, vals(w.getValue()));
        assertEquals(1, inPlace(f), f.describe());
        assertTrue(w.storage.version() > v0, "an in-place update still counts as a write");
        f.call();
        assertArrayEquals(new float[] {7, 11, 15}, vals(w.getValue()));
    }

    @Test
    void swappedVariablesStillSeeEachOthersOldValues() {
        Tensor a = variable(new float[] {1, 2});
        Tensor b = variable(new float[] {3, 4});
        KFunction f = function(List.of(), List.of(),
                List.of(update(a, b.mul(1.0).add(0.0)), update(b, a.mul(1.0).add(0.0))));
        f.call();
        assertArrayEquals(new float[] {3, 4}, vals(a.getValue()));
        assertArrayEquals(new float[] {1, 2}, vals(b.getValue()));
        f.call();
        assertArrayEquals(new float[] {1, 2}, vals(a.getValue()));
        assertArrayEquals(new float[] {3, 4}, vals(b.getValue()));
        assertTrue(inPlace(f) <= 1, "only the update that nothing reads afterwards may go in place: " + f.describe());
    }

    @Test
    void aGroupReadingTheVariableAfterTheWriterKeepsTheOldValue() {
        Tensor a = variable(new float[] {1, 2, 3});
        Tensor b = variable(new float[] {0, 0, 0});
        Tensor x = a.mul(2.0).add(1.0);           // a's new value, also read below together with the old a
        KFunction f = function(List.of(), List.of(), List.of(update(a, x), update(b, x.mul(a).sub(b))));
        f.call();
        assertArrayEquals(new float[] {3, 5, 7}, vals(a.getValue()));
        assertArrayEquals(new float[] {3, 10, 21}, vals(b.getValue()), "(2a + 1) * a from the old a");
        f.call();
        assertArrayEquals(new float[] {7, 11, 15}, vals(a.getValue()));
        assertArrayEquals(new float[] {21 - 3, 55 - 10, 105 - 21}, vals(b.getValue()));
    }

    @Test
    void outputsThatReadAVariableSeeItsOldValue() {
        Tensor w = variable(new float[] {1, 2});
        KFunction f = function(List.of(), List.of(w, w.mul(3.0)), List.of(update(w, w.mul(2.0).add(1.0))));
        for (boolean reuse : new boolean[] {false, true}) {
            w.setValue(new float[] {1, 2});
            f.reuseOutputs(reuse);
            List<Tensor> r = f.call();
            assertArrayEquals(new float[] {1, 2}, vals(r.get(0)));
            assertArrayEquals(new float[] {3, 6}, vals(r.get(1)));
            assertArrayEquals(new float[] {3, 5}, vals(w.getValue()));
            List<Tensor> r2 = f.call();
            assertArrayEquals(new float[] {3, 5}, vals(r2.get(0)));
            assertArrayEquals(new float[] {7, 11}, vals(w.getValue()));
        }
    }

    @Test
    void aTransposedViewOfAnUpdatedVariableReadsTheOldValue() {
        Tensor m = variable(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor n = variable(new float[][] {{0, 0}, {0, 0}, {0, 0}});
        KFunction f = function(List.of(), List.of(),
                List.of(update(m, m.mul(10.0).add(1.0)), update(n, n.add(m.transpose()).mul(1.0))));
        f.call();
        assertArrayEquals(new float[] {11, 21, 31, 41, 51, 61}, vals(m.getValue()));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, vals(n.getValue()));
        // the other order of the updates
        K.clearSession();
        Tensor m2 = variable(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor n2 = variable(new float[][] {{0, 0}, {0, 0}, {0, 0}});
        KFunction g = function(List.of(), List.of(),
                List.of(update(n2, n2.add(m2.transpose()).mul(1.0)), update(m2, m2.mul(10.0).add(1.0))));
        g.call();
        assertArrayEquals(new float[] {11, 21, 31, 41, 51, 61}, vals(m2.getValue()));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, vals(n2.getValue()));
    }

    @Test
    void aFailingCallChangesNoVariableEvenWithInPlaceCandidates() {
        Tensor w = variable(new float[] {1, 2, 3});
        Tensor b = variable(new float[] {5});
        Tensor z = placeholder("z", -1);
        KFunction f = function(List.of(z), List.of(),
                List.of(update(w, w.mul(2.0).add(1.0)), update(b, z.mul(2.0).add(1.0))));
        f.call((Object) new float[] {1});
        assertArrayEquals(new float[] {3, 5, 7}, vals(w.getValue()));
        assertArrayEquals(new float[] {3}, vals(b.getValue()));
        // z of length 2 gives b a new value of the wrong shape: the call fails before any variable changes
        assertThrows(IllegalArgumentException.class, () -> f.call((Object) new float[] {1, 2}));
        assertArrayEquals(new float[] {3, 5, 7}, vals(w.getValue()));
        assertArrayEquals(new float[] {3}, vals(b.getValue()));
        f.call((Object) new float[] {0});
        assertArrayEquals(new float[] {7, 11, 15}, vals(w.getValue()));
        assertArrayEquals(new float[] {1}, vals(b.getValue()));
    }

    @Test
    void inPlaceUpdatesAgreeWithTheCopyPathOverManySteps() {
        // the same momentum-like rule, once with the chain written in place and once through outputs
        Vela.seed(3);
        Tensor init = Tensor.randn(64, 33);
        Tensor w = variable(init.copyValues()), m = variable(Tensor.zeros(64, 33));
        Tensor g = placeholder("g", 64, 33);
        Tensor mNew = m.mul(0.9).add(g.mul(0.1));
        KFunction f = function(List.of(g), List.of(),
                List.of(update(m, mNew.flushSubnormal()), update(w, w.sub(mNew.div(mNew.square().add(1.0).sqrt()).mul(0.01)))));
        Tensor we = init.copyValues(), me = Tensor.zeros(64, 33);
        Generator gen = new Generator(9);
        for (int step = 0; step < 20; step++) {
            Tensor gv = Tensor.randn(gen, 64, 33);
            f.call(gv);
            try (var ng = Autograd.noGrad()) {
                Tensor mn = me.mul(0.9).add(gv.mul(0.1));
                we = we.sub(mn.div(mn.square().add(1.0).sqrt()).mul(0.01));
                me = mn.flushSubnormal();
            }
        }
        assertEquals(2, inPlace(f), f.describe());
        assertArrayEquals(vals(me), vals(m.getValue()), 0f);
        assertArrayEquals(vals(we), vals(w.getValue()), 0f);
    }
}
