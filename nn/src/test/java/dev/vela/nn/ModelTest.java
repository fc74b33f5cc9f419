/*
 * Model behaviour: Keras's summary table, getWeights/setWeights (round trip, a bad shape changes nothing),
 * getLayer, the functional API with two inputs and two outputs, compiled and eager training giving the same
 * numbers (SGD with momentum, Adam), Dropout only in training, BatchNormalization's moving statistics,
 * L2 regularization added to the loss, and classWeight weighting the loss.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.optim.Adam;
import dev.vela.optim.Optimizer;
import dev.vela.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelTest {

    @BeforeEach
    void reset() {
        Layer.resetNames();
        Vela.seed(1234);
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }

    // ------------------------------------------------------------------ summary

    @Test
    void summaryIsKerasTable() {
        Sequential m = new Sequential(new Dense(4, "relu").inputDim(3), new BatchNormalization(), new Dense(2));
        String s = MnistTest.captureOut(m::summary)[0];
        String u = "_".repeat(65), e = "=".repeat(65);
        String expected = String.join("\n",
                "Model: \"sequential\"",
                u,
                "Layer (type)                 Output Shape              Param #   ",
                e,
                "dense_1 (Dense)              (None, 4)                 16        ",
                u,
                // a name longer than its column is cut, as Keras's print_row does
                "batch_normalization_1 (Batch (None, 4)                 16        ",
                u,
                "dense_2 (Dense)              (None, 2)                 10        ",
                e,
                "Total params: 42",
                "Trainable params: 34",
                "Non-trainable params: 8",
                u,
                "");
        assertEquals(expected, s);
        assertEquals(42, m.countParams());
    }

    // ------------------------------------------------------------------ weights

    @Test
    void getSetWeightsRoundTripAndRejection() {
        Sequential m = new Sequential(new Dense(4, "relu").inputDim(3), new Dense(2));
        m.compile("sgd", "mse");
        List<Tensor> w = m.getWeights();
        assertEquals(4, w.size());
        assertEquals("(3, 4)", w.get(0).shape().toString());
        assertEquals("(4,)", w.get(1).shape().toString());
        assertEquals("(4, 2)", w.get(2).shape().toString());
        assertEquals("(2,)", w.get(3).shape().toString());
        assertArrayEquals(new float[4], w.get(1).toFloatArray(), 0f, "bias initialised to zeros");

        Tensor x = Tensor.randn(5, 3);
        // new weights change the predictions to exactly the hand-computed ones
        List<Tensor> nw = new ArrayList<>();
        for (Tensor t : w) nw.add(Tensor.randn(t.dims()));
        m.setWeights(nw);
        List<Tensor> back = m.getWeights();
        for (int i = 0; i < 4; i++) assertArrayEquals(nw.get(i).toFloatArray(), back.get(i).toFloatArray(), 0f);
        Tensor expect = x.matmul(nw.get(0)).add(nw.get(1)).relu().matmul(nw.get(2)).add(nw.get(3));
        assertClose(expect.toFloatArray(), m.predict(x).toFloatArray(), 1e-5, "predict after setWeights");
        // getWeights returns copies: changing them does not change the model
        back.get(0).copyFrom(Tensor.zeros(3, 4));
        assertArrayEquals(nw.get(0).toFloatArray(), m.getWeights().get(0).toFloatArray(), 0f);

        // a wrong shape in the last weight: rejected, and the earlier weights were not written either
        List<Tensor> bad = new ArrayList<>();
        for (Tensor t : w) bad.add(Tensor.ones(t.dims()));
        bad.set(3, Tensor.ones(3));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> m.setWeights(bad));
        assertTrue(ex.getMessage().contains("(2,)") && ex.getMessage().contains("(3,)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("nothing was changed"), ex.getMessage());
        for (int i = 0; i < 4; i++) assertArrayEquals(nw.get(i).toFloatArray(), m.getWeights().get(i).toFloatArray(), 0f);
        // wrong count
        ex = assertThrows(IllegalArgumentException.class, () -> m.setWeights(bad.subList(0, 3)));
        assertTrue(ex.getMessage().contains("4") && ex.getMessage().contains("3"), ex.getMessage());
        assertClose(expect.toFloatArray(), m.predict(x).toFloatArray(), 1e-5, "predict unchanged");
    }

    @Test
    void getLayerByNameAndIndex() {
        Dense a = new Dense(4, "relu");
        a.inputDim(3);
        Activation act = new Activation("tanh");
        Dense b = (Dense) new Dense(2).name("head");
        Sequential m = new Sequential(a, act, b);
        assertSame(a, m.getLayer("dense_1"));
        assertSame(act, m.getLayer("activation_1"));
        assertSame(b, m.getLayer("head"));
        assertSame(a, m.getLayer(0));
        assertSame(b, m.getLayer(2));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> m.getLayer("nope"));
        assertTrue(ex.getMessage().contains("nope") && ex.getMessage().contains("head"), ex.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> m.getLayer(3));
    }

    // ------------------------------------------------------------------ functional API

    @Test
    void functionalTwoInputsTwoOutputs() {
        Tensor inA = Input.of("a", 3), inB = Input.of("b", 5);
        Dense da = new Dense(4, "relu"), db = new Dense(6, "relu");
        Tensor merged = new Concatenate().apply(List.of(da.apply(inA), db.apply(inB)));
        Dense h1 = new Dense(2), h2 = new Dense(7, "softmax");
        Tensor o1 = h1.apply(merged), o2 = h2.apply(merged);
        Model m = new Model(List.of(inA, inB), List.of(o1, o2));
        assertEquals(5, m.layers().size());
        assertEquals(4 * 4 + 6 * 6 + 11 * 2 + 11 * 7, m.countParams());

        Tensor xa = Tensor.randn(9, 3), xb = Tensor.randn(9, 5);
        List<Tensor> out = m.predict(List.of(xa, xb), 4);   // batches of 4, 4, 1
        assertEquals(2, out.size());
        assertEquals("(9, 2)", out.get(0).shape().toString());
        assertEquals("(9, 7)", out.get(1).shape().toString());
        // the numbers: computed by hand from the weights
        List<Tensor> wa = da.getWeights(), wb = db.getWeights(), w1 = h1.getWeights(), w2 = h2.getWeights();
        Tensor m1 = Tensor.concatenate(List.of(xa.matmul(wa.get(0)).add(wa.get(1)).relu(),
                xb.matmul(wb.get(0)).add(wb.get(1)).relu()), 1);
        assertClose(m1.matmul(w1.get(0)).add(w1.get(1)).toFloatArray(), out.get(0).toFloatArray(), 1e-5, "output 1");
        assertClose(m1.matmul(w2.get(0)).add(w2.get(1)).softmax(-1).toFloatArray(), out.get(1).toFloatArray(), 1e-5,
                "output 2");
        // eager prediction agrees with the compiled one
        m.eager(true);
        List<Tensor> outEager = m.predict(List.of(xa, xb), 32);
        assertClose(out.get(1).toFloatArray(), outEager.get(1).toFloatArray(), 1e-6, "eager output 2");
    }

    // ------------------------------------------------------------------ compiled vs eager

    static Sequential smallNet(long seed) {
        Vela.seed(seed);
        return new Sequential(new Dense(8, "tanh").inputDim(5), new Dense(3, "softmax"));
    }

    void compiledEqualsEager(Supplier<Optimizer> opt, String loss) {
        Vela.seed(99);
        Tensor x = Tensor.randn(16, 5);
        Tensor y = dev.vela.nn.data.Utils.toCategorical(new int[] {0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2}, 3);
        Sequential c = smallNet(7), e = smallNet(7);
        c.compile(opt.get(), loss, "accuracy");
        e.compile(opt.get(), loss, "accuracy");
        e.eager(true);
        List<Tensor> wc0 = c.getWeights(), we0 = e.getWeights();
        for (int i = 0; i < wc0.size(); i++) {
            assertArrayEquals(wc0.get(i).toFloatArray(), we0.get(i).toFloatArray(), 0f, "same seed, same initial weights");
        }
        double first = 0, last = 0;
        for (int s = 0; s < 20; s++) {
            List<Double> lc = c.trainOnBatch(x, y), le = e.trainOnBatch(x, y);
            assertEquals(lc.get(0), le.get(0), 1e-5 * Math.max(1, Math.abs(lc.get(0))), "loss at step " + s);
            assertEquals(lc.get(1), le.get(1), 1e-9, "accuracy at step " + s);
            if (s == 0) first = lc.get(0);
            last = lc.get(0);
        }
        assertTrue(last < first * 0.9, "training moves: " + first + " -> " + last);
        List<Tensor> wc = c.getWeights(), we = e.getWeights();
        for (int i = 0; i < wc.size(); i++) {
            assertClose(wc.get(i).toFloatArray(), we.get(i).toFloatArray(), 1e-5, "final weight " + i);
            assertFalse(java.util.Arrays.equals(wc0.get(i).toFloatArray(), wc.get(i).toFloatArray()), "weight " + i + " moved");
        }
        assertEquals(20, c.optimizer().iterations());
        assertEquals(20, e.optimizer().iterations());
        assertEquals(c.testOnBatch(x, y).get(0), e.testOnBatch(x, y).get(0), 1e-5);
    }

    @Test
    void compiledAndEagerAgreeSgdMomentum() {
        compiledEqualsEager(() -> new SGD(0.1).momentum(0.9), "categorical_crossentropy");
        compiledEqualsEager(() -> new SGD(0.05).momentum(0.9).nesterov(true), "mse");
    }

    @Test
    void compiledAndEagerAgreeAdam() {
        compiledEqualsEager(() -> new Adam(0.01), "categorical_crossentropy");
    }

    @Test
    void sgdStepMatchesHandComputation() {
        // one plain SGD step on a linear model with mse: w <- w - lr * 2/N * x^T (xw + b - y) / units
        Sequential m = new Sequential(new Dense(1).inputDim(2));
        m.compile(new SGD(0.1), "mse");
        m.setWeights(List.of(Tensor.of(new float[][] {{0.5f}, {-1f}}), Tensor.of(new float[] {0.25f})));
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, -1}});
        Tensor y = Tensor.of(new float[][] {{1}, {0}});
        // predictions: 0.5 - 2 + 0.25 = -1.25 ; 1.5 + 1 + 0.25 = 2.75; errors -2.25, 2.75
        double loss = m.trainOnBatch(x, y).get(0);
        assertEquals((2.25 * 2.25 + 2.75 * 2.75) / 2, loss, 1e-6);
        // dL/dw = 2/2 * (x^T e) = [1*-2.25 + 3*2.75, 2*-2.25 + -1*2.75] = [6.0, -7.25]; dL/db = 0.5
        float[] w = m.getWeights().get(0).toFloatArray(), b = m.getWeights().get(1).toFloatArray();
        assertArrayEquals(new float[] {0.5f - 0.6f, -1f + 0.725f}, w, 1e-6f);
        assertArrayEquals(new float[] {0.25f - 0.05f}, b, 1e-6f);
    }

    // ------------------------------------------------------------------ Dropout

    @Test
    void dropoutOnlyInTraining() {
        for (boolean eager : new boolean[] {false, true}) {
            Layer.resetNames();
            Vela.seed(5);
            Sequential m = new Sequential(new Dense(64).inputDim(4), new Dropout(0.5));
            m.compile(new SGD(0.0), "mse");
            m.eager(eager);
            Tensor x = Tensor.randn(32, 4), y = Tensor.zeros(32, 64);
            Tensor p1 = m.predict(x), p2 = m.predict(x);
            assertArrayEquals(p1.toFloatArray(), p2.toFloatArray(), 0f, "predict is deterministic (eager " + eager + ")");
            List<Tensor> w = m.getWeights();
            Tensor dense = x.matmul(w.get(0)).add(w.get(1));
            assertClose(dense.toFloatArray(), p1.toFloatArray(), 1e-5, "Dropout is the identity at inference");
            double test = m.testOnBatch(x, y).get(0);
            assertEquals(dense.square().mean().item(), test, 1e-5 * test);
            // training: half the units are dropped and the rest doubled, so the mse differs and varies per step
            double t1 = m.trainOnBatch(x, y).get(0), t2 = m.trainOnBatch(x, y).get(0);
            assertNotEquals(test, t1);
            assertNotEquals(t1, t2, "a fresh mask each step");
            // E[mse with dropout] = 2 * mse (kept units doubled: 0.5 * 4 = 2); 2048 values keep it within ~15 %
            assertEquals(2 * test, (t1 + t2) / 2, 0.3 * test, "inverted dropout scaling (eager " + eager + ")");
            assertArrayEquals(p1.toFloatArray(), m.predict(x).toFloatArray(), 0f, "lr 0: weights unchanged");
        }
    }

    // ------------------------------------------------------------------ BatchNormalization

    @Test
    void batchNormMovingStatisticsUpdateInTraining() {
        for (boolean eager : new boolean[] {false, true}) {
            Layer.resetNames();
            BatchNormalization bn = new BatchNormalization(0.9, 1e-3);
            bn.inputShape(3);
            Sequential m = new Sequential(bn);
            m.compile(new SGD(0.0), "mse");
            m.eager(eager);
            Tensor x = Tensor.of(new float[][] {{1, 2, -3}, {3, 6, -3}, {5, 10, 0}, {7, 2, 2}});
            Tensor y = Tensor.zeros(4, 3);
            // inference before any training uses mean 0, variance 1
            assertClose(x.div(Math.sqrt(1 + 1e-3)).toFloatArray(), m.predict(x).toFloatArray(), 1e-5, "initial inference");
            m.testOnBatch(x, y);
            List<Tensor> w = bn.getWeights();
            assertArrayEquals(new float[3], w.get(2).toFloatArray(), 0f, "testOnBatch changes no moving mean");
            m.trainOnBatch(x, y);
            w = bn.getWeights();
            float[] mean = {4, 5, -1};                      // column means
            float[] var = {5, 11, 4.5f};                     // population variances
            float[] mm = new float[3], mv = new float[3];
            for (int i = 0; i < 3; i++) {
                mm[i] = 0.1f * mean[i];
                mv[i] = 0.9f + 0.1f * var[i];
            }
            assertClose(mm, w.get(2).toFloatArray(), 1e-6, "moving mean (eager " + eager + ")");
            assertClose(mv, w.get(3).toFloatArray(), 1e-6, "moving variance (eager " + eager + ")");
            m.trainOnBatch(x, y);
            w = bn.getWeights();
            for (int i = 0; i < 3; i++) {
                mm[i] = 0.9f * mm[i] + 0.1f * mean[i];
                mv[i] = 0.9f * mv[i] + 0.1f * var[i];
            }
            assertClose(mm, w.get(2).toFloatArray(), 1e-6, "moving mean after 2 steps");
            assertClose(mv, w.get(3).toFloatArray(), 1e-6, "moving variance after 2 steps");
            // training normalises with the batch's statistics: the loss is mean(((x - mean)/sqrt(var+eps))^2)
            double expect = 0;
            float[] xs = x.toFloatArray();
            for (int i = 0; i < 12; i++) {
                double z = (xs[i] - mean[i % 3]) / Math.sqrt(var[i % 3] + 1e-3);
                expect += z * z / 12;
            }
            assertEquals(expect, m.trainOnBatch(x, y).get(0), 1e-5);
            assertEquals(12, bn.countParams(), "gamma, beta, moving mean, moving variance of 3 each");
            assertEquals(6, bn.trainableVariables().stream().mapToLong(Tensor::size).sum(), "moving statistics are not trainable");
        }
    }

    // ------------------------------------------------------------------ regularizers

    @Test
    void l2RegularizerAddsToTheLoss() {
        for (boolean eager : new boolean[] {false, true}) {
            Layer.resetNames();
            Vela.seed(11);
            Tensor x = Tensor.randn(10, 4), y = Tensor.randn(10, 3);
            Vela.seed(3);
            Sequential plain = new Sequential(new Dense(3).inputDim(4));
            Vela.seed(3);
            Sequential reg = new Sequential(new Dense(3).kernelRegularizer(Regularizers.l2(0.01)).inputDim(4));
            plain.compile(new SGD(0.1), "mse");
            reg.compile(new SGD(0.1), "mse");
            plain.eager(eager);
            reg.eager(eager);
            Tensor k = reg.getWeights().get(0);
            assertArrayEquals(plain.getWeights().get(0).toFloatArray(), k.toFloatArray(), 0f);
            double penalty = 0;
            for (float v : k.toFloatArray()) penalty += 0.01 * v * v;
            assertTrue(penalty > 1e-3);
            assertEquals(plain.testOnBatch(x, y).get(0) + penalty, reg.testOnBatch(x, y).get(0), 1e-6);
            double lp = plain.trainOnBatch(x, y).get(0), lr = reg.trainOnBatch(x, y).get(0);
            assertEquals(lp + penalty, lr, 1e-6, "step 0 (eager " + eager + ")");
            // the penalty's gradient 2 * 0.01 * w also shrinks the kernel: the two kernels now differ by 0.1 * 0.02 * w
            float[] kp = plain.getWeights().get(0).toFloatArray(), kr = reg.getWeights().get(0).toFloatArray();
            float[] k0 = k.toFloatArray();
            for (int i = 0; i < k0.length; i++) assertEquals(kp[i] - 0.1 * 0.02 * k0[i], kr[i], 1e-6);
        }
    }

    // ------------------------------------------------------------------ classWeight

    @Test
    void classWeightWeightsEachSample() {
        Sequential m = new Sequential(new Dense(1, "sigmoid").inputDim(1));
        m.compile(new SGD(0.0), "binary_crossentropy", "binary_accuracy");
        m.setWeights(List.of(Tensor.of(new float[][] {{1f}}), Tensor.of(new float[] {0f})));
        Tensor x = Tensor.of(new float[][] {{0}, {1}, {-1}, {2}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});
        // p = sigmoid(x): 0.5, 0.731, 0.269, 0.881; bce = -log(1-p) or -log(p)
        double[] p = {0.5, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1)), 1 / (1 + Math.exp(-2))};
        double[] l = {-Math.log(1 - p[0]), -Math.log(p[1]), -Math.log(p[2]), -Math.log(1 - p[3])};
        double plain = (l[0] + l[1] + l[2] + l[3]) / 4;
        double weighted = (1 * l[0] + 3 * l[1] + 3 * l[2] + 1 * l[3]) / 4;
        History h0 = m.fit(x, y, new FitOptions().epochs(1).verbose(0).shuffle(false));
        assertEquals(plain, h0.history().get("loss").get(0), 1e-5);
        History h = m.fit(x, y, new FitOptions().epochs(1).verbose(0).shuffle(false).classWeight(Map.of(0, 1.0, 1, 3.0)));
        assertEquals(weighted, h.history().get("loss").get(0), 1e-5);
        // class weights leave the metrics alone: accuracy (p > 0.5: 0, 1, 0, 1 vs 0, 1, 1, 0) is 0.5 both ways
        assertEquals(0.5, h.history().get("binary_accuracy").get(0), 1e-9);
        // a missing class keeps weight 1; one-hot labels are weighted by their argmax
        History h2 = m.fit(x, y, new FitOptions().epochs(1).verbose(0).classWeight(Map.of(1, 0.0)));
        assertEquals((l[0] + l[3]) / 4, h2.history().get("loss").get(0), 1e-5);

        Layer.resetNames();
        Sequential c = new Sequential(new Dense(2, "softmax").inputDim(1));
        c.compile(new SGD(0.0), "categorical_crossentropy");
        c.setWeights(List.of(Tensor.of(new float[][] {{1f, -1f}}), Tensor.of(new float[] {0f, 0f})));
        Tensor yc = dev.vela.nn.data.Utils.toCategorical(new int[] {0, 1, 1, 0}, 2);
        // softmax([x, -x]) of class 0 = sigmoid(2x)
        double[] lc = new double[4];
        float[] xs = {0, 1, -1, 2};
        int[] cls = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            double p0 = 1 / (1 + Math.exp(-2 * xs[i]));
            lc[i] = -Math.log(cls[i] == 0 ? p0 : 1 - p0);
        }
        History hc = c.fit(x, yc, new FitOptions().epochs(1).verbose(0).classWeight(Map.of(0, 2.0, 1, 0.5)));
        assertEquals((2 * lc[0] + 0.5 * lc[1] + 0.5 * lc[2] + 2 * lc[3]) / 4, hc.history().get("loss").get(0), 1e-5);
    }
}
