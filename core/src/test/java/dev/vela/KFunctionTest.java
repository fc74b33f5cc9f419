// K.function semantics (outputs first, updates from old values committed together) and its optimisations.
package dev.vela;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.vela.K.binaryCrossentropy;
import static dev.vela.K.dot;
import static dev.vela.K.function;
import static dev.vela.K.gradients;
import static dev.vela.K.mean;
import static dev.vela.K.placeholder;
import static dev.vela.K.sigmoid;
import static dev.vela.K.update;
import static dev.vela.K.variable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a compiled function computes and when: Keras update semantics, common-subexpression elimination,
 * constant folding, elementwise fusion, buffer reuse, the learning phase, printTensor, higher-order
 * gradients and shape-agnostic placeholders. Every optimisation is checked for its statistic in
 * {@link KFunction#describe()} and for giving the right values.
 */
class KFunctionTest {

    @BeforeEach
    void fresh() {
        K.clearSession();
        K.setLearningPhase(0);
    }

    static int stat(KFunction f, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(f.describe());
        assertTrue(m.find(), "describe() has no " + name + ": " + f.describe());
        return Integer.parseInt(m.group(1));
    }

    static float[] vals(Tensor t) { return t.toFloatArray(); }

    // ================================================================== update semantics

    @Test
    void updatesAreComputedFromOldValuesAndCommittedTogether() {
        Tensor a = variable(new float[] {1, 2});
        Tensor b = variable(new float[] {3, 4});
        // a <- b + a, b <- a * b: both from the old (a, b)
        KFunction f = function(List.of(), List.of(), List.of(update(a, b.add(a)), update(b, a.mul(b))));
        f.call();
        assertArrayEquals(new float[] {4, 6}, vals(a.getValue()));
        assertArrayEquals(new float[] {3, 8}, vals(b.getValue()));
        f.call();
        assertArrayEquals(new float[] {7, 14}, vals(a.getValue()));
        assertArrayEquals(new float[] {12, 48}, vals(b.getValue()));
    }

    @Test
    void swapThroughExpressions() {
        Tensor a = variable(new float[] {1, 2});
        Tensor b = variable(new float[] {3, 4});
        KFunction f = function(List.of(), List.of(), List.of(update(a, b.mul(1.0)), update(b, a.mul(1.0))));
        f.call();
        assertArrayEquals(new float[] {3, 4}, vals(a.getValue()));
        assertArrayEquals(new float[] {1, 2}, vals(b.getValue()));
        f.call();
        assertArrayEquals(new float[] {1, 2}, vals(a.getValue()));
        assertArrayEquals(new float[] {3, 4}, vals(b.getValue()));
    }

    /** K.update(a, b), K.update(b, a) with the variables themselves as new values swaps them. */
    @Test
    void swapWithVariablesAsNewValues() {
        Tensor a = variable(new float[] {1, 2});
        Tensor b = variable(new float[] {3, 4});
        KFunction f = function(List.of(), List.of(), List.of(update(a, b), update(b, a)));
        f.call();
        assertArrayEquals(new float[] {3, 4}, vals(a.getValue()), "a <- old b");
        assertArrayEquals(new float[] {1, 2}, vals(b.getValue()), "b <- old a");
    }

    /** A new value that is a view of another updated variable (reshape) still reads the old value. */
    @Test
    void swapWithAViewOfAVariableAsNewValue() {
        Tensor a = variable(new float[] {1, 2});
        Tensor b = variable(new float[] {3, 4});
        KFunction f = function(List.of(), List.of(), List.of(update(a, b.mul(1.0)), update(b, a.reshape(2))));
        f.call();
        assertArrayEquals(new float[] {3, 4}, vals(a.getValue()), "a <- old b");
        assertArrayEquals(new float[] {1, 2}, vals(b.getValue()), "b <- old a");
    }

    @Test
    void outputsAreComputedBeforeUpdates() {
        Tensor x = placeholder(-1);
        Tensor w = variable(new float[] {1, 2, 3});
        KFunction f = function(List.of(x), List.of(x.mul(w), w.sum()), List.of(update(w, w.add(10.0))));
        List<Tensor> out = f.call((Object) new float[] {1, 1, 2});
        assertArrayEquals(new float[] {1, 2, 6}, vals(out.get(0)), "computed with the old w");
        assertEquals(6.0, out.get(1).item(), 0.0);
        assertArrayEquals(new float[] {11, 12, 13}, vals(w.getValue()));
        out = f.call((Object) new float[] {1, 1, 2});
        assertArrayEquals(new float[] {11, 12, 26}, vals(out.get(0)));
        assertEquals(36.0, out.get(1).item(), 0.0);
    }

    /** An output that is the variable itself (or a view of it) returns the value before the update. */
    @Test
    void anOutputThatIsTheUpdatedVariableShowsTheOldValue() {
        Tensor w = variable(new float[][] {{1, 2}, {3, 4}});
        KFunction f = function(List.of(), List.of(w, w.transpose(), w.add(0.0)), List.of(update(w, w.add(10.0))));
        List<Tensor> out = f.call();
        assertArrayEquals(new float[] {1, 2, 3, 4}, vals(out.get(2)), "w + 0 before the update");
        assertArrayEquals(new float[] {1, 2, 3, 4}, vals(out.get(0)), "w itself, before the update");
        assertArrayEquals(new float[] {1, 3, 2, 4}, vals(out.get(1)), "w transposed, before the update");
        assertArrayEquals(new float[] {11, 12, 13, 14}, vals(w.getValue()));
    }

    // ================================================================== common subexpressions

    @Test
    void commonSubexpressionsAreMerged() {
        Tensor x = placeholder(-1, 3);
        Tensor w = variable(new float[] {1, -1, 0.5f});
        Tensor e1 = x.mul(w).exp(), e2 = x.mul(w).exp();
        KFunction f = function(List.of(x), List.of(e1.add(e2)));
        assertTrue(stat(f, "cse") >= 2, "mul and exp built twice: " + f.describe());
        Tensor r = f.call((Object) new float[][] {{1, 2, 0}, {0, 1, 4}}).get(0);
        float[] exp = {
            (float) (2 * Math.exp(1)), (float) (2 * Math.exp(-2)), 2f,
            2f, (float) (2 * Math.exp(-1)), (float) (2 * Math.exp(2))};
        assertArrayEquals(exp, vals(r), 1e-5f);
        // merged nodes: one exp and one mul and one add remain
        assertEquals(3, stat(f, "nodes"), f.describe());
    }

    /** The same subexpression with a Python-number operand ({@code x * 2}) built twice is merged too. */
    @Test
    void commonSubexpressionsWithEqualScalarOperandsAreMerged() {
        Tensor x = placeholder(-1, 3);
        Tensor e1 = x.mul(2.0).exp(), e2 = x.mul(2.0).exp();
        KFunction f = function(List.of(x), List.of(e1.sub(e2).add(e1)));
        Tensor r = f.call((Object) new float[][] {{0, 1, -1}}).get(0);
        assertArrayEquals(new float[] {1, (float) Math.exp(2), (float) Math.exp(-2)}, vals(r), 1e-5f);
        assertTrue(stat(f, "cse") >= 2, "x * 2 and exp(x * 2) built twice: " + f.describe());
    }

    // ================================================================== constant folding

    /** A constant read directly by the graph: changing it in place between calls changes the result. */
    @Test
    void constantsAreReadWhenTheFunctionRuns() {
        Tensor x = placeholder(-1, 2);
        Tensor c = K.constant(new float[] {1, 2});
        KFunction f = function(List.of(x), List.of(x.add(c)));
        assertArrayEquals(new float[] {1, 2, 11, 12}, vals(f.call((Object) new float[][] {{0, 0}, {10, 10}}).get(0)));
        try (var ng = Autograd.noGrad()) {
            c.fill(5);
        }
        assertArrayEquals(new float[] {5, 5, 15, 15}, vals(f.call((Object) new float[][] {{0, 0}, {10, 10}}).get(0)));
    }

    /** A subexpression on K.constant()s only inside a graph is folded once (describe: folded > 0). */
    @Test
    void constantOnlySubexpressionsAreFolded() {
        Tensor x = placeholder(-1, 2);
        Tensor c = K.constant(new float[] {1, 2});
        Tensor k = K.constant(new float[] {3, 4});
        Tensor folded = c.mul(k).add(1.0).exp();   // constants only
        KFunction f = function(List.of(x), List.of(x.mul(folded)));
        Tensor r = f.call((Object) new float[][] {{1, 1}, {0, 2}}).get(0);
        float e4 = (float) Math.exp(4), e9 = (float) Math.exp(9);
        assertArrayEquals(new float[] {e4, e9, 0, 2 * e9}, vals(r), 1e-2f);
        assertTrue(stat(f, "folded") > 0, "c * k + 1 and exp of it depend on constants only: " + f.describe());
    }

    /** A folded subexpression is recomputed when one of its constants was changed in place between calls. */
    @Test
    void foldedConstantsAreRefreshedAfterAnInPlaceChange() {
        Tensor x = placeholder(-1, 2);
        Tensor c = K.constant(new float[] {1, 2});
        KFunction f = function(List.of(x), List.of(x.add(c.mul(10.0))));
        assertArrayEquals(new float[] {10, 20}, vals(f.call((Object) new float[][] {{0, 0}}).get(0)));
        try (var ng = Autograd.noGrad()) {
            c.fill(-1);
        }
        assertArrayEquals(new float[] {-10, -10}, vals(f.call((Object) new float[][] {{0, 0}}).get(0)),
                "the result should follow the constant's new value");
    }

    // ================================================================== fusion

    @Test
    void elementwiseChainsAreFusedAndAgreeWithEager() {
        Vela.seed(11);
        Tensor x = placeholder(-1, 5), t = placeholder(-1, 1);
        Tensor W = variable(Tensor.randn(5, 1).mul(0.5));
        Tensor b = variable(new float[] {0.1f});
        Tensor yHat = sigmoid(dot(x, W).add(b));
        Tensor perRow = binaryCrossentropy(t, yHat);
        Tensor loss = mean(perRow);
        KFunction f = function(List.of(x, t), List.of(loss, yHat, perRow));
        Tensor X = Tensor.randn(new Generator(3), 64, 5);
        Tensor T = Tensor.rand(new Generator(4), 64, 1).gt(0.5).to(DType.FLOAT32);
        List<Tensor> out = f.call(X, T);
        assertTrue(stat(f, "fusedGroups") > 0, f.describe());

        Tensor yE = X.matmul(W.getValue()).add(b.getValue()).sigmoid();
        Tensor rowE = Losses.binaryCrossentropy(T, yE);
        assertArrayEquals(vals(yE), vals(out.get(1)), 1e-6f, "yHat");
        assertArrayEquals(vals(rowE), vals(out.get(2)), 1e-6f, "per-row loss");
        assertEquals(rowE.mean().item(), out.get(0).item(), 1e-6, "loss");
        // a second call with another batch size still agrees (a new plan)
        Tensor X2 = Tensor.randn(new Generator(5), 7, 5);
        Tensor T2 = Tensor.rand(new Generator(6), 7, 1).gt(0.5).to(DType.FLOAT32);
        out = f.call(X2, T2);
        Tensor yE2 = X2.matmul(W.getValue()).add(b.getValue()).sigmoid();
        assertArrayEquals(vals(yE2), vals(out.get(1)), 1e-6f);
        assertEquals(Losses.binaryCrossentropy(T2, yE2).mean().item(), out.get(0).item(), 1e-6);
    }

    @Test
    void fusedChainWithBroadcastOperandsAgreesWithEager() {
        Tensor x = placeholder(-1, 4);
        Tensor row = variable(new float[] {1, -2, 0.5f, 3});
        Tensor col = placeholder(-1, 1);
        Tensor y = x.mul(row).add(col).tanh().mul(2.0).sub(x).square().add(1.0).log();
        KFunction f = function(List.of(x, col), List.of(y));
        Tensor X = Tensor.randn(new Generator(8), 3000, 4);   // longer than one fused block
        Tensor C = Tensor.randn(new Generator(9), 3000, 1);
        Tensor got = f.call(X, C).get(0);
        assertTrue(stat(f, "fusedGroups") > 0, f.describe());
        Tensor exp = X.mul(row.getValue()).add(C).tanh().mul(2.0).sub(X).square().add(1.0).log();
        assertArrayEquals(vals(exp), vals(got), 1e-5f);
    }

    // ================================================================== buffer reuse and output ownership

    static KFunction logRegTrain(Tensor[] params, long seed) {
        Vela.seed(seed);
        Tensor x = placeholder(-1, 5), t = placeholder(-1, 1);
        Tensor W = variable(Tensor.randn(5, 1).mul(0.01));
        Tensor b = variable(K.zeros(1));
        Tensor loss = mean(binaryCrossentropy(t, sigmoid(dot(x, W).add(b))));
        List<Tensor> g = gradients(loss, List.of(W, b));
        params[0] = W;
        params[1] = b;
        return function(List.of(x, t), List.of(loss),
                List.of(update(W, W.sub(g.get(0).mul(0.1))), update(b, b.sub(g.get(1).mul(0.1)))));
    }

    @Test
    void reusedOutputsAllocateNothingAfterTheFirstCall() {
        Tensor[] p1 = new Tensor[2], p2 = new Tensor[2];
        KFunction reuse = logRegTrain(p1, 21).reuseOutputs(true);
        KFunction plain = logRegTrain(p2, 21);
        assertArrayEquals(vals(p1[0].getValue()), vals(p2[0].getValue()), "same initial W");
        Tensor X = Tensor.randn(new Generator(1), 16, 5);
        Tensor T = Tensor.rand(new Generator(2), 16, 1).gt(0.5).to(DType.FLOAT32);
        var be = Device.defaultDevice().backend();
        long[] counts = new long[11];
        double[] lossesReuse = new double[10];
        for (int i = 0; i < 10; i++) {
            counts[i] = be.allocationCount();
            lossesReuse[i] = reuse.call(X, T).get(0).item();
        }
        counts[10] = be.allocationCount();
        assertTrue(counts[0] >= 0, "the CPU backend counts allocations");
        assertTrue(counts[1] > counts[0], "the first call allocates");
        for (int i = 2; i <= 10; i++) {
            assertEquals(counts[1], counts[i], "allocations during call " + i + ": " + Arrays.toString(counts));
        }
        // buffer reuse does not change the numbers
        for (int i = 0; i < 10; i++) {
            assertEquals(plain.call(X, T).get(0).item(), lossesReuse[i], 0.0, "loss at step " + i);
        }
        assertArrayEquals(vals(p2[0].getValue()), vals(p1[0].getValue()), 0f, "W after 10 steps");
        assertArrayEquals(vals(p2[1].getValue()), vals(p1[1].getValue()), 0f, "b after 10 steps");
        assertTrue(lossesReuse[9] < lossesReuse[0], "training progressed");
        // the result list is the function's too: the same read-only list, refilled by every call
        List<Tensor> r1 = reuse.call(X, T);
        double l1 = r1.get(0).item();
        List<Tensor> r2 = reuse.call(X, T);
        org.junit.jupiter.api.Assertions.assertSame(r1, r2);
        assertTrue(r2.get(0).item() < l1, "refilled with the next loss");
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> r1.set(0, X));
        assertNotSame(plain.call(X, T), plain.call(X, T), "without reuse, a new list per call");
    }

    @Test
    void defaultOutputsAreFreshTensorsThatLaterCallsDoNotTouch() {
        Tensor x = placeholder(-1, 3);
        Tensor w = variable(new float[] {1, 2, 3});
        KFunction f = function(List.of(x), List.of(x.mul(w).add(1.0).sigmoid(), x.sum()),
                List.of(update(w, w.mul(2.0))));
        List<Tensor> r1 = f.call((Object) new float[][] {{0, 1, -1}});
        float[] r1v = vals(r1.get(0));
        double s1 = r1.get(1).item();
        List<Tensor> r2 = f.call((Object) new float[][] {{5, 5, 5}});
        f.call((Object) new float[][] {{-5, 2, 7}});
        assertNotSame(r1.get(0), r2.get(0));
        assertNotSame(r1.get(1), r2.get(1));
        assertArrayEquals(r1v, vals(r1.get(0)), "first result unchanged by later calls");
        assertEquals(s1, r1.get(1).item(), 0.0);
        assertArrayEquals(new float[] {(float) sig(1), (float) sig(3), (float) sig(-2)}, r1v, 1e-6f);
        assertEquals(0.0, s1, 0.0);
        assertArrayEquals(new float[] {(float) sig(11), (float) sig(21), (float) sig(31)}, vals(r2.get(0)), 1e-6f);
        assertEquals(15.0, r2.get(1).item(), 0.0);
    }

    static double sig(double v) { return 1 / (1 + Math.exp(-v)); }

    // ================================================================== learning phase and dropout

    @Test
    void dropoutIsIdentityWhenTheLearningPhaseIsNotFed() {
        Tensor x = placeholder(-1, 4);
        Tensor d = K.dropout(x, 0.5);
        KFunction f = function(List.of(x), List.of(d));
        float[][] v = {{1, 2, 3, 4}, {-1, -2, -3, -4}};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new float[] {1, 2, 3, 4, -1, -2, -3, -4}, vals(f.call((Object) v).get(0)));
        }
    }

    @Test
    void dropoutDropsAboutHalfAndScalesInTheTrainingPhase() {
        Vela.seed(5);
        Tensor x = placeholder(-1, 50);
        Tensor d = K.dropout(x, 0.5);
        KFunction f = function(List.of(x, K.learningPhase()), List.of(d));
        float[][] ones = new float[40][50];
        for (float[] r : ones) Arrays.fill(r, 1.5f);
        float[] out = vals(f.call(ones, 1).get(0));
        int zeros = 0, kept = 0;
        for (float o : out) {
            if (o == 0f) zeros++;
            else if (o == 3f) kept++;
        }
        assertEquals(out.length, zeros + kept, "every value is 0 or 1.5 * 2");
        assertTrue(zeros > 900 && zeros < 1100, "about half of 2000 dropped: " + zeros);
        // a new mask each run
        float[] out2 = vals(f.call(ones, 1).get(0));
        assertTrue(!Arrays.equals(out, out2), "a new mask on each call");
        // phase 0 fed explicitly: identity
        float[] test = vals(f.call(ones, 0).get(0));
        for (float o : test) assertEquals(1.5f, o);
    }

    @Test
    void inTrainPhaseFollowsTheFedPhase() {
        Tensor x = placeholder(-1);
        Tensor y = K.inTrainPhase(x.mul(10.0), x.neg());
        KFunction f = function(List.of(x, K.learningPhase()), List.of(y));
        assertArrayEquals(new float[] {10, -20}, vals(f.call(new float[] {1, -2}, 1).get(0)));
        assertArrayEquals(new float[] {-1, 2}, vals(f.call(new float[] {1, -2}, 0).get(0)));
    }

    // ================================================================== printTensor

    @Test
    void printTensorPrintsEachTimeTheGraphRuns() {
        Tensor x = placeholder(-1, 3);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        KFunction f;
        List<Tensor> r1, r2;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            Tensor p = K.printTensor(x.mul(2.0), "doubled: ");
            f = function(List.of(x), List.of(p.add(1.0)));
            assertEquals("", buf.toString(StandardCharsets.UTF_8), "nothing printed when building");
            r1 = f.call((Object) new float[][] {{1, 2, 3}});
            r2 = f.call((Object) new float[][] {{7, 8, 9}});
        } finally {
            System.setOut(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, KTutorialTest.count(s, "doubled: "), s);
        assertTrue(s.contains("[[2., 4., 6.]]"), s);
        assertTrue(s.contains("[[14., 16., 18.]]"), s);
        assertTrue(s.indexOf("[[2., 4., 6.]]") < s.indexOf("[[14., 16., 18.]]"), s);
        assertArrayEquals(new float[] {3, 5, 7}, vals(r1.get(0)));
        assertArrayEquals(new float[] {15, 17, 19}, vals(r2.get(0)));
    }

    // ================================================================== higher-order gradients

    @Test
    void secondDerivativeOfACubeThroughAPlaceholder() {
        Tensor x = placeholder("x", DType.FLOAT64, 4);
        Tensor y = x.pow(3.0).sum();
        Tensor g1 = gradients(y, List.of(x)).get(0);
        Tensor g2 = gradients(g1.sum(), List.of(x)).get(0);
        Tensor g3 = gradients(g2.sum(), List.of(x)).get(0);
        KFunction f = function(List.of(x), List.of(y, g1, g2, g3));
        List<Tensor> out = f.call((Object) new double[] {1, 2, -3, 0.5});
        assertEquals(1 + 8 - 27 + 0.125, out.get(0).item(), 1e-12);
        assertArrayEquals(new double[] {3, 12, 27, 0.75}, out.get(1).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {6, 12, -18, 3}, out.get(2).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {6, 6, 6, 6}, out.get(3).toDoubleArray(), 1e-12);
    }

    @Test
    void secondDerivativeThroughAVariable() {
        Tensor v = variable(Tensor.of(new double[] {2, -1}));
        Tensor c = placeholder("c", DType.FLOAT64, 2);
        Tensor y = v.pow(3.0).mul(c).sum();            // sum(c * v^3)
        Tensor g1 = gradients(y, List.of(v)).get(0);    // 3 c v^2
        Tensor g2 = gradients(g1.sum(), List.of(v)).get(0); // 6 c v
        KFunction f = function(List.of(c), List.of(g1, g2));
        List<Tensor> out = f.call((Object) new double[] {1, 10});
        assertArrayEquals(new double[] {12, 30}, out.get(0).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {12, -60}, out.get(1).toDoubleArray(), 1e-12);
        // the gradient reads the variable when it runs
        v.setValue(new double[] {1, 1});
        out = f.call((Object) new double[] {1, 10});
        assertArrayEquals(new double[] {3, 30}, out.get(0).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {6, 60}, out.get(1).toDoubleArray(), 1e-12);
    }

    @Test
    void mixedSecondDerivative() {
        Tensor a = placeholder("a", DType.FLOAT64);
        Tensor b = placeholder("b", DType.FLOAT64);
        Tensor y = a.mul(a).mul(b.sin());               // a^2 sin b
        Tensor dyda = gradients(y, List.of(a)).get(0);  // 2 a sin b
        Tensor d2 = gradients(dyda, List.of(b)).get(0); // 2 a cos b
        KFunction f = function(List.of(a, b), List.of(dyda, d2));
        List<Tensor> out = f.call(1.5, 0.7);
        assertEquals(2 * 1.5 * Math.sin(0.7), out.get(0).item(), 1e-12);
        assertEquals(2 * 1.5 * Math.cos(0.7), out.get(1).item(), 1e-12);
    }

    // ================================================================== shape-agnostic placeholder

    @Test
    void placeholderWithoutShapeAcceptsAnyShape() {
        Tensor p = placeholder();
        Tensor y = p.mul(p).add(1.0);
        Tensor s = K.sum(p);
        Tensor m = K.mean(p);
        KFunction f = function(List.of(p), List.of(y, s, m));
        List<Tensor> r = f.call((Object) new float[] {1, 2, 3});
        assertArrayEquals(new int[] {3}, r.get(0).dims());
        assertArrayEquals(new float[] {2, 5, 10}, vals(r.get(0)));
        assertEquals(6.0, r.get(1).item(), 0.0);
        assertEquals(2.0, r.get(2).item(), 1e-6);
        r = f.call((Object) new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertArrayEquals(new int[] {3, 2}, r.get(0).dims());
        assertArrayEquals(new float[] {2, 5, 10, 17, 26, 37}, vals(r.get(0)));
        assertEquals(21.0, r.get(1).item(), 0.0);
        assertEquals(3.5, r.get(2).item(), 1e-6);
        r = f.call(4.0);
        assertEquals(0, r.get(0).rank());
        assertEquals(17.0, r.get(0).item(), 0.0);
        assertEquals(4.0, r.get(1).item(), 0.0);
        // and back to the first shape: its plan still gives the right numbers
        r = f.call((Object) new float[] {0, -1, 1});
        assertArrayEquals(new float[] {1, 2, 2}, vals(r.get(0)));
        assertEquals(0.0, r.get(1).item(), 0.0);
    }

    // ================================================================== misc

    @Test
    void functionWithoutInputsEvaluatesVariables() {
        Tensor w = variable(new float[] {1, 2, 3});
        KFunction f = function(List.of(), List.of(w.square().sum()));
        assertEquals(14.0, f.call().get(0).item(), 0.0);
        w.setValue(new float[] {0, 0, 2});
        assertEquals(4.0, f.call().get(0).item(), 0.0);
        assertEquals(4.0, K.eval(w.square().sum()).item(), 0.0);
    }
}
