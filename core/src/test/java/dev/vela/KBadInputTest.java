// Bad input to the Keras backend (K, K.function, K.gradients): clear exceptions naming what is wrong; no variable changes.
package dev.vela;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each misuse of placeholders, K.function, K.update, K.eval and K.gradients gets an
 * IllegalArgumentException whose message names the placeholder/variable and the shapes or dtypes
 * involved, and a call that fails leaves every variable as it was.
 */
class KBadInputTest {

    Tensor x, t, W, b, yHat, loss;
    KFunction train;

    @BeforeEach
    void model() {
        K.clearSession();
        x = placeholder("features", -1, 5);
        t = placeholder("target", -1, 1);
        W = variable(Tensor.of(new float[][] {{0.1f}, {-0.2f}, {0.3f}, {0.4f}, {-0.5f}}), "W");
        b = variable(new float[] {0.25f}, "b");
        yHat = sigmoid(dot(x, W).add(b));
        loss = mean(binaryCrossentropy(t, yHat));
        List<Tensor> g = gradients(loss, List.of(W, b));
        train = function(List.of(x, t), List.of(loss),
                List.of(update(W, W.sub(g.get(0).mul(0.1))), update(b, b.sub(g.get(1).mul(0.1)))));
    }

    static IllegalArgumentException iae(Executable e) {
        return assertThrows(IllegalArgumentException.class, e);
    }

    static void assertMessage(Exception e, String... parts) {
        String m = String.valueOf(e.getMessage());
        for (String p : parts) {
            assertTrue(m.contains(p), () -> "message should contain \"" + p + "\": " + m);
        }
    }

    float[] wBefore, bBefore;

    void snapshot() {
        wBefore = W.getValue().toFloatArray();
        bBefore = b.getValue().toFloatArray();
    }

    void assertVariablesUnchanged() {
        assertArrayEquals(wBefore, W.getValue().toFloatArray(), 0f, "W changed by a failed call");
        assertArrayEquals(bBefore, b.getValue().toFloatArray(), 0f, "b changed by a failed call");
    }

    // ================================================================== feeding

    @Test
    void wrongShapeNamesThePlaceholderAndBothShapes() {
        snapshot();
        var e = iae(() -> train.call(new float[3][4], new float[3][1]));
        assertMessage(e, "features", "(?, 5)", "(3, 4)");
        assertVariablesUnchanged();
        e = iae(() -> train.call(new float[3][5], new float[3][2]));
        assertMessage(e, "target", "(?, 1)", "(3, 2)");
        e = iae(() -> train.call(new float[5], new float[3][1]));
        assertMessage(e, "features", "(?, 5)", "(5,)");
        assertVariablesUnchanged();
        // the function still works afterwards
        double l = train.call(new float[3][5], new float[3][1]).get(0).item();
        assertEquals(-Math.log(1 - sig(0.25)), l, 1e-6, "x = 0, t = 0: loss = -log(1 - sigmoid(b))");
    }

    @Test
    void wrongDtypeNamesThePlaceholderAndBothDtypes() {
        snapshot();
        var e = iae(() -> train.call(Tensor.zeros(DType.FLOAT64, 3, 5), new float[3][1]));
        assertMessage(e, "features", "float32", "float64");
        var e2 = iae(() -> train.call(new boolean[3][5], new float[3][1]));
        assertMessage(e2, "features", "float32", "bool");
        assertVariablesUnchanged();
    }

    @Test
    void missingInputListsTheExpectedPlaceholders() {
        snapshot();
        var e = iae(() -> train.call((Object) new float[3][5]));
        assertMessage(e, "features", "target", "2", "1");
        var e2 = iae(() -> train.call());
        assertMessage(e2, "features", "target");
        var e3 = iae(() -> train.call(new float[3][5], new float[3][1], new float[3][1]));
        assertMessage(e3, "features", "target", "3");
        assertVariablesUnchanged();
    }

    @Test
    void nonArrayArgumentSaysWhatWasExpected() {
        snapshot();
        var e = iae(() -> train.call("hello", new float[3][1]));
        assertMessage(e, "features", "String", "Tensor", "array");
        var e2 = iae(() -> train.call(new float[3][5], null));
        assertMessage(e2, "target", "null");
        var e3 = iae(() -> train.call(new float[3][5], List.of(1, 2, 3)));
        assertMessage(e3, "target");
        assertVariablesUnchanged();
    }

    @Test
    void symbolicValueCannotBeFed() {
        var e = iae(() -> train.call(x, new float[3][1]));
        assertMessage(e, "features", "symbolic");
    }

    // ================================================================== updates

    @Test
    void updateOfANonVariable() {
        var e = iae(() -> update(Tensor.zeros(2), Tensor.ones(2)));
        assertMessage(e, "update", "not a variable", "(2,)");
        var e2 = iae(() -> update(x, x.add(1.0)));
        assertMessage(e2, "update", "not a variable", "features");
        var e3 = iae(() -> update(yHat, yHat.mul(2.0)));
        assertMessage(e3, "update", "not a variable", "sigmoid");
    }

    @Test
    void updateWithAnotherShape() {
        var e = iae(() -> update(W, Tensor.zeros(5, 2)));
        assertMessage(e, "update", "'W'", "(5, 1)", "(5, 2)");
        var e2 = iae(() -> update(W, x.sum(0, true)));
        assertMessage(e2, "update", "'W'", "(5, 1)", "(1, 5)");
        // a broadcastable but different shape is still a different shape
        var e3 = iae(() -> update(W, Tensor.zeros(1)));
        assertMessage(e3, "update", "'W'", "(5, 1)", "(1,)");
    }

    /** (?, 1) can never be (1,): the update is rejected when it is made, not half-way through a call. */
    @Test
    void updateWithAnIncompatibleRankIsRejectedWhenBuilt() {
        var e = iae(() -> update(b, dot(x, W)));
        assertMessage(e, "update", "'b'", "(1,)");
    }

    /**
     * A call whose second update cannot be committed must not have committed the first. The new value of b
     * has shape (?,), which may be (1,) and so is accepted when built; fed with 3 values it cannot be.
     */
    @Test
    void failedUpdateCommitsNothing() {
        Tensor z = placeholder("z", -1);
        KFunction f = function(List.of(z), List.of(), List.of(update(W, W.mul(2.0)), update(b, z.mul(1.0))));
        snapshot();
        var e = assertThrows(RuntimeException.class, () -> f.call((Object) new float[] {1, 2, 3}));
        assertMessage(e, "(3,)", "(1,)");
        assertVariablesUnchanged();
        // with one value both updates apply
        f.call((Object) new float[] {7});
        assertArrayEquals(new float[] {0.2f, -0.4f, 0.6f, 0.8f, -1.0f}, W.getValue().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {7}, b.getValue().toFloatArray(), 0f);
    }

    @Test
    void setValueWithAnotherShape() {
        snapshot();
        var e = iae(() -> W.setValue(new float[] {1, 2}));
        assertMessage(e, "setValue", "'W'", "(5, 1)", "(2,)");
        assertVariablesUnchanged();
    }

    // ================================================================== eval and function construction

    @Test
    void evalOfAnExpressionWithAnUnfedPlaceholder() {
        var e = iae(() -> K.eval(yHat));
        assertMessage(e, "eval", "features");
        var e2 = iae(() -> K.eval(loss));
        assertMessage(e2, "eval", "features", "target");
        // an expression of variables only evaluates fine
        assertEquals(0.25, K.eval(b.add(0.0)).item(), 1e-7);
    }

    @Test
    void functionOutputsNeedAPlaceholderThatIsNotAnInput() {
        var e = iae(() -> function(List.of(x), List.of(loss)));
        assertMessage(e, "function", "target");
        var e2 = iae(() -> function(List.of(t), List.of(yHat)));
        assertMessage(e2, "function", "features");
        // an update needing a placeholder that is not an input
        var e3 = iae(() -> function(List.of(), List.of(), List.of(update(b, b.add(x.sum())))));
        assertMessage(e3, "function", "features");
    }

    @Test
    void functionInputMustBeAPlaceholder() {
        var e = iae(() -> function(List.of(W), List.of(W.add(1.0))));
        assertMessage(e, "function", "placeholder");
        var e2 = iae(() -> function(List.of(x.add(1.0)), List.of(x.add(1.0))));
        assertMessage(e2, "function", "placeholder");
    }

    // ================================================================== gradients

    @Test
    void gradientWithRespectToAnUnusedVariable() {
        Tensor other = variable(K.zeros(3), "other");
        var e = iae(() -> gradients(loss, List.of(W, other)));
        assertMessage(e, "gradients", "other");
        List<Tensor> g = gradients(loss, List.of(W, other), true);
        assertEquals(2, g.size());
        assertNotNull(g.get(0));
        assertNull(g.get(1));
        // the gradient that exists is the right one: x = 0 rows give dL/dW = 0, a ones row gives (y - t) * x / n
        KFunction f = function(List.of(x, t), List.of(g.get(0)));
        float[][] xs = {{1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}};
        float[][] ts = {{1}, {0}};
        double y0 = sig(0.1 - 0.2 + 0.3 + 0.4 - 0.5 + 0.25);
        float expected = (float) ((y0 - 1) / 2);
        assertArrayEquals(new float[] {expected, expected, expected, expected, expected},
                f.call(xs, ts).get(0).toFloatArray(), 1e-6f);
    }

    @Test
    void gradientOfALossThatDependsOnNoVariable() {
        Tensor c = Tensor.ones(3).sum();
        var e = iae(() -> gradients(c, List.of(W)));
        assertMessage(e, "gradients", "does not depend");
        List<Tensor> g = gradients(c, List.of(W, b), true);
        assertEquals(2, g.size());
        assertNull(g.get(0));
        assertNull(g.get(1));
        // a non-differentiable "variable"
        var e2 = iae(() -> gradients(loss, List.of(Tensor.zeros(2))));
        assertMessage(e2, "gradients", "(2,)");
    }

    // ================================================================== shape errors while building

    @Test
    void dotShapeErrorNamesTheOpAndThePlaceholder() {
        Tensor W4 = variable(K.zeros(4, 1), "W4");
        var e = iae(() -> dot(x, W4));
        String m = e.getMessage();
        assertTrue(m.contains("dot") || m.contains("matmul"), m);
        assertMessage(e, "5", "4");
        assertMessage(e, "features");
    }

    @Test
    void matmulShapeErrorNamesTheOpAndThePlaceholder() {
        Tensor W4 = variable(K.zeros(4, 1), "W4");
        var e = iae(() -> x.matmul(W4));
        assertMessage(e, "matmul", "(4, 1)", "features");
    }

    @Test
    void broadcastShapeErrorNamesTheOpAndThePlaceholders() {
        Tensor y = placeholder("other_input", 3, 4);
        var e = iae(() -> x.add(y));
        assertMessage(e, "add", "features", "other_input", "(3, 4)");
        var e2 = iae(() -> binaryCrossentropy(placeholder("labels", -1, 2), yHat));
        assertMessage(e2, "binaryCrossentropy");
    }

    @Test
    void reductionAxisErrorWhileBuilding() {
        var e = iae(() -> K.sum(x, 2));
        assertMessage(e, "sum", "2");
    }

    // ================================================================== failures at run time leave variables alone

    @Test
    void runTimeShapeMismatchBetweenTwoInputsChangesNoVariable() {
        Tensor z = placeholder("z", -1, 5);
        KFunction f = function(List.of(x, z), List.of(x.add(z)),
                List.of(update(W, W.mul(2.0)), update(b, b.add(1.0))));
        snapshot();
        var e = assertThrows(IllegalArgumentException.class, () -> f.call(new float[3][5], new float[4][5]));
        assertMessage(e, "add", "(3, 5)", "(4, 5)");
        assertVariablesUnchanged();
        // a good call then applies both updates once
        f.call(new float[2][5], new float[2][5]);
        assertArrayEquals(new float[] {0.2f, -0.4f, 0.6f, 0.8f, -1.0f}, W.getValue().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {1.25f}, b.getValue().toFloatArray(), 1e-7f);
    }

    @Test
    void opFailingWhileRunningChangesNoVariable() {
        Tensor idx = placeholder("idx", DType.INT64, 2);
        Tensor emb = variable(new float[][] {{1, 2}, {3, 4}, {5, 6}}, "emb");
        KFunction f = function(List.of(idx), List.of(K.gather(emb, idx)),
                List.of(update(emb, emb.mul(2.0)), update(b, b.add(1.0))));
        float[] embBefore = emb.getValue().toFloatArray();
        snapshot();
        var e = assertThrows(IllegalArgumentException.class, () -> f.call((Object) new long[] {0, 7}));
        assertMessage(e, "gather", "7");
        assertArrayEquals(embBefore, emb.getValue().toFloatArray(), 0f, "emb changed by a failed call");
        assertVariablesUnchanged();
        // a good call: gather reads the old value, then both updates apply
        Tensor r = f.call((Object) new long[] {2, 0}).get(0);
        assertArrayEquals(new float[] {5, 6, 1, 2}, r.toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, emb.getValue().toFloatArray());
        assertArrayEquals(new float[] {1.25f}, b.getValue().toFloatArray());
    }

    @Test
    void reshapeFailingAtRunTimeChangesNoVariable() {
        Tensor v = placeholder("v", -1);
        KFunction f = function(List.of(v), List.of(v.reshape(2, 3)), List.of(update(b, b.add(1.0))));
        snapshot();
        var e = assertThrows(IllegalArgumentException.class, () -> f.call((Object) new float[] {1, 2, 3, 4}));
        assertMessage(e, "reshape", "(4,)", "(2, 3)");
        assertVariablesUnchanged();
    }

    @Test
    void failedTrainingCallsInterleavedWithGoodOnesMatchGoodCallsAlone() {
        float[][] xs = {{1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 1, 1, 0}};
        float[][] ts = {{1}, {0}, {1}};
        // reference: a fresh model trained with good calls only
        KFunction ref = train;
        Tensor refW = W, refB = b;
        double[] refLoss = new double[3];
        for (int i = 0; i < 3; i++) refLoss[i] = ref.call(xs, ts).get(0).item();
        float[] wRef = refW.getValue().toFloatArray(), bRef = refB.getValue().toFloatArray();

        model(); // a fresh model with the same initial values
        for (int i = 0; i < 3; i++) {
            assertThrows(IllegalArgumentException.class, () -> train.call(new float[3][4], ts));
            assertThrows(IllegalArgumentException.class, () -> train.call(Tensor.zeros(DType.FLOAT64, 3, 5), ts));
            assertEquals(refLoss[i], train.call(xs, ts).get(0).item(), 0.0, "loss at step " + i);
        }
        assertArrayEquals(wRef, W.getValue().toFloatArray(), 0f);
        assertArrayEquals(bRef, b.getValue().toFloatArray(), 0f);
    }

    static double sig(double v) { return 1 / (1 + Math.exp(-v)); }
}
