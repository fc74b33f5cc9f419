// Tutorials 1-3 of the design notes (Keras backend): logistic and linear regression trained by K.function, backend basics.
package dev.vela;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.vela.K.binaryCrossentropy;
import static dev.vela.K.dot;
import static dev.vela.K.function;
import static dev.vela.K.gradients;
import static dev.vela.K.mean;
import static dev.vela.K.placeholder;
import static dev.vela.K.sigmoid;
import static dev.vela.K.square;
import static dev.vela.K.update;
import static dev.vela.K.variable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The teaching material's backend tutorials as tests: tutorial 1 (logistic regression on 16x5 random
 * samples, 1000 iterations of K.function with updates), tutorial 2's linear-regression exercise (recover
 * w = 0.96, b = 0.24), and tutorial 3's backend basics (printed forms, feeding, variables and dot).
 */
class KTutorialTest {

    static final double LR = 0.1;

    @BeforeEach
    void fresh() {
        K.clearSession();
    }

    /** The tutorial 1 setup: graph, training function and predict function. */
    static final class LogReg {
        final Tensor x = placeholder(-1, 5);
        final Tensor t = placeholder(-1, 1);
        final Tensor W;
        final Tensor b;
        final Tensor yHat;
        final Tensor loss;
        final List<Tensor> grads;
        final KFunction train;
        final KFunction predict;

        LogReg(long seed) {
            Vela.seed(seed);
            W = variable(Tensor.randn(5, 1).mul(0.01));
            b = variable(K.zeros(1));
            yHat = sigmoid(dot(x, W).add(b));
            loss = mean(binaryCrossentropy(t, yHat));
            grads = gradients(loss, List.of(W, b));
            train = function(List.of(x, t), List.of(loss),
                    List.of(update(W, W.sub(grads.get(0).mul(LR))), update(b, b.sub(grads.get(1).mul(LR)))));
            predict = function(List.of(x), List.of(yHat));
        }
    }

    /** 16 samples of 5 standard-normal features, seeded. */
    static float[][] features(long seed, int n) {
        Tensor r = Tensor.randn(new Generator(seed), n, 5);
        float[] flat = r.toFloatArray();
        float[][] xs = new float[n][5];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * 5, xs[i], 0, 5);
        return xs;
    }

    /** The fixed labelling rule: 1 when x0 + x1 - x2 > 0. */
    static float[][] labels(float[][] xs) {
        float[][] ts = new float[xs.length][1];
        for (int i = 0; i < xs.length; i++) ts[i][0] = xs[i][0] + xs[i][1] - xs[i][2] > 0 ? 1f : 0f;
        return ts;
    }

    // ================================================================== tutorial 1

    @Test
    void tutorial1LogisticRegressionTrainsWithKFunction() {
        LogReg m = new LogReg(1234);
        float[][] xs = features(77, 16);
        float[][] ts = labels(xs);
        int positives = 0;
        for (float[] r : ts) positives += (int) r[0];
        assertTrue(positives >= 4 && positives <= 12, "the sample should hold both classes: " + positives + " positives");

        // printed forms of the tutorial's graph
        assertEquals("Tensor(\"sigmoid:0\", shape=(?, 1), dtype=float32)", m.yHat.toString());
        assertEquals("sigmoid(add(matmul(Placeholder, Variable), Variable_1))", K.pp(m.yHat));
        assertEquals(List.of(5, 1), Arrays.asList(K.intShape(m.W)));
        assertEquals(Arrays.asList(null, 1), Arrays.asList(K.intShape(m.yHat)));

        float[] w0 = m.W.getValue().toFloatArray();
        double[] losses = new double[1000];
        for (int i = 0; i < losses.length; i++) {
            List<Tensor> out = m.train.call(xs, ts);
            assertEquals(1, out.size());
            assertEquals(0, out.get(0).rank(), "the loss is a scalar");
            losses[i] = out.get(0).item();
        }
        assertEquals(Math.log(2), losses[0], 0.01, "the first loss (W ~ 0, b = 0) is about ln 2");
        for (int i = 1; i < losses.length; i++) {
            final int k = i;
            assertTrue(losses[i] <= losses[i - 1] + 1e-7,
                    () -> "loss rose at iteration " + k + ": " + losses[k - 1] + " -> " + losses[k]);
        }
        assertTrue(losses[999] < 0.45, "final loss " + losses[999]);
        assertTrue(losses[999] < losses[0] - 0.25, "loss should fall well below its start: " + losses[0] + " -> " + losses[999]);

        float[] w1 = m.W.getValue().toFloatArray();
        double change = 0;
        for (int i = 0; i < 5; i++) change = Math.max(change, Math.abs(w1[i] - w0[i]));
        assertTrue(change > 0.2, "W should have moved from " + Arrays.toString(w0) + ", now " + Arrays.toString(w1));
        // the rule is x0 + x1 - x2: the learned weights have those signs
        assertTrue(w1[0] > 0 && w1[1] > 0 && w1[2] < 0, "learned W " + Arrays.toString(w1));

        // predict: probabilities in (0, 1), accuracy well above chance, and consistent with the final loss
        Tensor p = m.predict.call((Object) xs).get(0);
        assertArrayEquals(new int[] {16, 1}, p.dims());
        float[] probs = p.toFloatArray();
        int correct = 0;
        double bce = 0;
        for (int i = 0; i < 16; i++) {
            assertTrue(probs[i] > 0 && probs[i] < 1, "probability " + probs[i]);
            if ((probs[i] > 0.5) == (ts[i][0] == 1f)) correct++;
            bce -= ts[i][0] == 1f ? Math.log(probs[i]) : Math.log(1 - probs[i]);
        }
        assertTrue(correct >= 13, "accuracy " + correct + "/16");
        // the loss of the trained model (one more call returns the loss before its own update)
        double lossNow = m.train.call(xs, ts).get(0).item();
        assertEquals(bce / 16, lossNow, 1e-5, "predict and the training loss disagree");
    }

    /** One traced SGD step gives the same W and b as the eager tape computing the same loss. */
    @Test
    void tutorial1FirstStepMatchesTheEagerTape() {
        LogReg m = new LogReg(99);
        float[][] xs = features(5, 16);
        float[][] ts = labels(xs);
        Tensor w0 = m.W.getValue(), b0 = m.b.getValue();

        Tensor we = w0.copyValues().requiresGrad(true), be = b0.copyValues().requiresGrad(true);
        Tensor lossE = Losses.binaryCrossentropy(Tensor.of(ts), Tensor.of(xs).matmul(we).add(be).sigmoid()).mean();
        lossE.backward();
        float[] wExp = new float[5];
        float[] gw = we.grad().toFloatArray();
        for (int i = 0; i < 5; i++) wExp[i] = (float) (w0.toFloatArray()[i] - LR * gw[i]);
        float bExp = (float) (b0.item() - LR * be.grad().item());

        double lossT = m.train.call(xs, ts).get(0).item();
        assertEquals(lossE.item(), lossT, 1e-6, "traced loss vs eager loss");
        assertArrayEquals(wExp, m.W.getValue().toFloatArray(), 1e-6f, "W after one step");
        assertEquals(bExp, m.b.getValue().item(), 1e-6, "b after one step");
        // the gradient was not zero: the step moved W
        assertFalse(Arrays.equals(w0.toFloatArray(), m.W.getValue().toFloatArray()));
    }

    // ================================================================== tutorial 2 (linear regression exercise)

    @Test
    void tutorial2LinearRegressionRecoversWAndB() {
        int n = 200;
        Generator g = new Generator(2024);
        float[] xv = Tensor.rand(g, n).toFloatArray();
        float[] noise = Tensor.randn(g, n).toFloatArray();
        float[] yv = new float[n];
        for (int i = 0; i < n; i++) {
            xv[i] = 2 * xv[i] - 1;
            yv[i] = (float) (0.96 * xv[i] + 0.24 + 0.01 * noise[i]);
        }
        Tensor x = placeholder(-1), y = placeholder(-1);
        Tensor w = variable(0.3), b = variable(-0.5);
        assertEquals(0, w.rank(), "a variable from a number is a scalar");
        Tensor yPred = x.mul(w).add(b);
        Tensor loss = mean(square(yPred.sub(y)));
        List<Tensor> gr = gradients(loss, List.of(w, b));
        double lr = 0.2;
        KFunction train = function(List.of(x, y), List.of(loss),
                List.of(update(w, w.sub(gr.get(0).mul(lr))), update(b, b.sub(gr.get(1).mul(lr)))));
        double first = Double.NaN, last = Double.NaN;
        for (int it = 0; it < 1000; it++) {
            double l = train.call(xv, yv).get(0).item();
            if (it == 0) first = l;
            last = l;
        }
        assertTrue(first > 0.2, "initial loss " + first);
        assertTrue(last < 5e-4, "final loss " + last + " (noise variance 1e-4)");
        assertEquals(0.96, K.eval(w).item(), 0.01, "w");
        assertEquals(0.24, K.eval(b).item(), 0.01, "b");
        // the least-squares solution of the noisy data, computed directly, is what SGD converged to
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += xv[i]; my += yv[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (xv[i] - mx) * (yv[i] - my); sxx += (xv[i] - mx) * (xv[i] - mx); }
        double wLs = sxy / sxx, bLs = my - wLs * mx;
        assertEquals(wLs, K.eval(w).item(), 1e-4, "w vs least squares");
        assertEquals(bLs, K.eval(b).item(), 1e-4, "b vs least squares");
    }

    // ================================================================== tutorial 3 (backend basics)

    @Test
    void tutorial3SumOfTwoPlaceholdersPrintsLikeKeras() {
        Tensor a = placeholder(2, 2);
        Tensor b = placeholder(2, 2);
        Tensor s = a.add(b);
        assertEquals("Tensor(\"add:0\", shape=(2, 2), dtype=float32)", s.toString());
        assertEquals("Tensor(\"Placeholder:0\", shape=(2, 2), dtype=float32)", a.toString());
        assertEquals("Tensor(\"Placeholder_1:0\", shape=(2, 2), dtype=float32)", b.toString());
        assertTrue(s.isSymbolic());
        // the next add gets the next name
        assertEquals("Tensor(\"add_1:0\", shape=(2, 2), dtype=float32)", a.add(b).toString());
        // clearSession restarts the names
        K.clearSession();
        Tensor c = placeholder(2, 2), d = placeholder(2, 2);
        assertEquals("Tensor(\"add:0\", shape=(2, 2), dtype=float32)", c.add(d).toString());
    }

    @Test
    void tutorial3GraphDumps() {
        Tensor a = placeholder(2, 2);
        Tensor b = placeholder(2, 2);
        Tensor s = a.add(b);

        String dp = GraphText.debugPrint(s);
        String[] lines = dp.split("\n");
        assertEquals(3, lines.length, dp);
        assertTrue(lines[0].startsWith("add 'add:0' (2, 2) float32"), dp);
        assertTrue(lines[0].endsWith("[id A]"), dp);
        assertTrue(lines[1].startsWith(" |"), "children are indented: " + dp);
        assertTrue(lines[1].contains("Placeholder 'Placeholder:0' (2, 2) float32 [id B]"), dp);
        assertTrue(lines[2].contains("Placeholder 'Placeholder_1:0' (2, 2) float32 [id C]"), dp);
        assertFalse(dp.contains("shared"), "no node is shared here: " + dp);

        // K.debugPrint prints the same text and returns it
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        String returned;
        try {
            System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            returned = K.debugPrint(s);
        } finally {
            System.setOut(old);
        }
        assertEquals(dp, returned);
        assertEquals(dp, buf.toString(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals("add(Placeholder, Placeholder_1)", K.pp(s));

        String dot = K.toDot(s);
        assertTrue(dot.startsWith("digraph G {"), dot);
        assertTrue(dot.trim().endsWith("}"), dot);
        assertTrue(dot.contains("label=\"add\\n(2, 2)\""), dot);
        assertTrue(dot.contains("label=\"Placeholder\\n(2, 2)\""), dot);
        assertTrue(dot.contains("label=\"Placeholder_1\\n(2, 2)\""), dot);
        assertEquals(2, count(dot, "->"), "two edges: " + dot);
        assertEquals(3, count(dot, "[shape="), "three nodes: " + dot);
    }

    @Test
    void tutorial3SharedInputIsMarkedInTheDump() {
        Tensor a = placeholder(2, 2);
        Tensor s = a.add(a);
        String dp = GraphText.debugPrint(s);
        String[] lines = dp.split("\n");
        assertEquals(3, lines.length, dp);
        assertTrue(lines[0].contains("'add:0'") && lines[0].endsWith("[id A]"), dp);
        assertTrue(lines[1].contains("'Placeholder:0'") && lines[1].endsWith("[id B]"), dp);
        assertTrue(lines[2].contains("'Placeholder:0'") && lines[2].contains("[id B]") && lines[2].contains("shared"),
                "the second use refers back to the first: " + dp);
        assertEquals("add(Placeholder, Placeholder)", K.pp(s));
        String dot = K.toDot(s);
        assertEquals(2, count(dot, "[shape="), "the shared placeholder is one node: " + dot);

        // a deeper graph: the shared subexpression is expanded once only
        Tensor x = placeholder(-1, 3);
        Tensor e = x.exp();
        Tensor r = e.mul(e.add(1.0));
        String d2 = GraphText.debugPrint(r);
        assertEquals(1, count(d2, "Placeholder 'Placeholder_1:0'"), "x is listed once (expanded under exp only): " + d2);
        assertEquals(1, count(d2, "shared"), d2);
        assertTrue(d2.contains("(?, 3)"), "unknown dims print as ?: " + d2);
    }

    @Test
    void tutorial3FeedingValuesComputesTheSum() {
        Tensor a = placeholder(2, 2);
        Tensor b = placeholder(2, 2);
        KFunction f = function(List.of(a, b), List.of(a.add(b)));
        List<Tensor> out = f.call(new float[][] {{1, 2}, {3, 4}}, new float[][] {{10, 20}, {30, 40}});
        assertEquals(1, out.size());
        assertEquals(DType.FLOAT32, out.get(0).dtype());
        assertArrayEquals(new int[] {2, 2}, out.get(0).dims());
        assertArrayEquals(new float[] {11, 22, 33, 44}, out.get(0).toFloatArray());
        // a Tensor fed instead of an array; and a second call with other values
        out = f.call(Tensor.of(new float[][] {{-1, -2}, {-3, -4}}), new float[][] {{1, 1}, {1, 1}});
        assertArrayEquals(new float[] {0, -1, -2, -3}, out.get(0).toFloatArray());
        // a list of values works as well
        out = f.call(List.of(new float[][] {{1, 0}, {0, 1}}, new float[][] {{1, 0}, {0, 1}}));
        assertArrayEquals(new float[] {2, 0, 0, 2}, out.get(0).toFloatArray());

        // the same placeholder twice
        KFunction twice = function(List.of(a), List.of(a.add(a)));
        assertArrayEquals(new float[] {2, 4, 6, 8}, twice.call((Object) new float[][] {{1, 2}, {3, 4}}).get(0).toFloatArray());
    }

    @Test
    void tutorial3VariablesAndDot() {
        Tensor A = variable(new float[][] {{1, 2}, {3, 4}});
        Tensor B = variable(new float[][] {{5}, {6}});
        assertTrue(A.isVariable());
        Tensor prod = dot(A, B);
        Tensor v = K.eval(prod);
        assertFalse(v.isSymbolic());
        assertArrayEquals(new int[] {2, 1}, v.dims());
        assertArrayEquals(new float[] {17, 39}, v.toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, K.eval(A).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, A.getValue().toFloatArray());

        // the expression reads the variable when it runs, not when it was built
        A.setValue(new float[][] {{0, 1}, {1, 0}});
        assertArrayEquals(new float[] {6, 5}, K.eval(prod).toFloatArray());

        // a placeholder times a variable
        Tensor p = placeholder(-1, 2);
        KFunction f = function(List.of(p), List.of(dot(p, B)));
        Tensor r = f.call((Object) new float[][] {{1, 1}, {2, 0}, {0, -1}}).get(0);
        assertArrayEquals(new int[] {3, 1}, r.dims());
        assertArrayEquals(new float[] {11, 10, -6}, r.toFloatArray());
        assertEquals(4, K.countParams(A));
        assertEquals(2, K.ndim(A));
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
        return n;
    }

}
