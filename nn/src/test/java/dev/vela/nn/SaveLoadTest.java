/*
 * Saving and loading models: save -> Models.load gives identical predictions (Sequential and functional), a loaded
 * model resumes training exactly where the saved one stopped (optimizer state included), saveWeights/loadWeights,
 * and truncated or corrupted files fail with a clear message while leaving the model's weights unchanged.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.nn.io.Safetensors;
import dev.vela.optim.Adam;
import dev.vela.optim.SGD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadTest {
    @TempDir Path dir;

    @BeforeEach
    void reset() {
        Layer.resetNames();
        Vela.seed(2024);
    }

    static Sequential net() {
        return new Sequential(new Dense(12, "relu").inputDim(4), new Dropout(0.25), new Dense(3, "softmax"));
    }

    static void assertSameWeights(Model a, Model b, double tol) {
        List<Tensor> wa = a.getWeights(), wb = b.getWeights();
        assertEquals(wa.size(), wb.size());
        for (int i = 0; i < wa.size(); i++) {
            assertEquals(wa.get(i).shape(), wb.get(i).shape());
            float[] x = wa.get(i).toFloatArray(), y = wb.get(i).toFloatArray();
            for (int j = 0; j < x.length; j++) assertEquals(x[j], y[j], tol, "weight " + i + " [" + j + "]");
        }
    }

    @Test
    void sequentialSaveLoadPredictsIdentically() throws IOException {
        Sequential m = net();
        m.compile(new Adam(0.01), "categorical_crossentropy", "accuracy");
        Tensor x = Tensor.randn(40, 4);
        Tensor y = dev.vela.nn.data.Utils.toCategorical(Tensor.randn(40).gt(0).to(dev.vela.DType.INT32), 3);
        m.fit(x, y, new FitOptions().epochs(2).verbose(0));
        Path p = dir.resolve("m.safetensors");
        m.save(p);
        // no temporary files left behind (atomic write)
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p), s.toList());
        }
        Model l = Models.load(p);
        assertInstanceOf(Sequential.class, l);
        assertEquals(m.layers().stream().map(Layer::name).toList(), l.layers().stream().map(Layer::name).toList());
        assertEquals(m.layers().stream().map(Layer::className).toList(), l.layers().stream().map(Layer::className).toList());
        assertSameWeights(m, l, 0);
        assertArrayEquals(m.predict(x).toFloatArray(), l.predict(x).toFloatArray(), 0f);
        assertEquals(MnistTest.captureOut(m::summary)[0], MnistTest.captureOut(l::summary)[0]);
        assertEquals(m.metricsNames(), l.metricsNames());
        assertEquals("Adam", l.optimizer().name());
        assertEquals(0.01, l.optimizer().learningRate(), 0);
        assertEquals(m.optimizer().iterations(), l.optimizer().iterations());
        assertEquals(m.evaluate(x, y), l.evaluate(x, y));
        // the weights are readable as plain safetensors (what Python tools see)
        try {
            var info = Safetensors.readInfo(p);
            assertEquals(List.of(4, 12), info.get("dense_1/kernel").shape());
            assertEquals(List.of(3), info.get("dense_2/bias").shape());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void regularizersAreSavedWithTheModel() {
        Sequential m = new Sequential(new Dense(5, "relu").kernelRegularizer(Regularizers.l2(0.03)).inputDim(4),
                new Dense(2).biasRegularizer(Regularizers.l1(0.5)).kernelRegularizer(Regularizers.l1l2(0.01, 0.02)));
        m.compile(new SGD(0.1), "mse");
        m.setWeights(List.of(Tensor.randn(4, 5), Tensor.randn(5), Tensor.randn(5, 2), Tensor.randn(2)));
        Tensor x = Tensor.randn(8, 4), y = Tensor.randn(8, 2);
        Path p = dir.resolve("reg.safetensors");
        m.save(p);
        Model l = Models.load(p);
        // the loss includes the penalties: equal only if all three regularizers came back
        double loss = m.evaluate(x, y).get(0);
        assertEquals(loss, l.evaluate(x, y).get(0), 1e-6 * loss);
        Layer.resetNames();
        Sequential bare = new Sequential(new Dense(5, "relu").inputDim(4), new Dense(2));
        bare.compile(new SGD(0.1), "mse");
        bare.loadWeights(p);
        assertTrue(loss - bare.evaluate(x, y).get(0) > 0.1, "the penalties are part of the loss");

        // a custom regularizer: saved as such, and loading says it cannot be rebuilt
        Layer.resetNames();
        Sequential c = new Sequential(new Dense(2).kernelRegularizer(w -> w.sum().abs()).inputDim(3));
        Path pc = dir.resolve("custom.safetensors");
        c.save(pc);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Models.load(pc));
        assertTrue(ex.getMessage().contains("dense_1") && ex.getMessage().contains("regularizer")
                && ex.getMessage().contains("loadWeights"), ex.getMessage());
    }

    @Test
    void functionalSaveLoadPredictsIdentically() {
        Tensor a = Input.of("a", 3), b = Input.of("b", 2);
        Tensor h = new Concatenate().apply(List.of(new Dense(5, "tanh").apply(a), b));
        Tensor o1 = new Dense(2).apply(h), o2 = new Dense(4, "softmax").apply(new Dense(6, "relu").apply(h));
        Model m = new Model(List.of(a, b), List.of(o1, o2));
        Path p = dir.resolve("f.safetensors");
        m.save(p);   // uncompiled: architecture and weights only
        Model l = Models.load(p);
        assertFalse(l instanceof Sequential);
        Tensor xa = Tensor.randn(7, 3), xb = Tensor.randn(7, 2);
        List<Tensor> pm = m.predict(List.of(xa, xb), 32), pl = l.predict(List.of(xa, xb), 32);
        assertEquals(2, pl.size());
        assertEquals("(7, 2)", pl.get(0).shape().toString());
        assertEquals("(7, 4)", pl.get(1).shape().toString());
        assertArrayEquals(pm.get(0).toFloatArray(), pl.get(0).toFloatArray(), 0f);
        assertArrayEquals(pm.get(1).toFloatArray(), pl.get(1).toFloatArray(), 0f);
        assertSameWeights(m, l, 0);
        assertTrue(l.optimizer() == null, "an uncompiled model loads uncompiled");
    }

    @Test
    void resumedTrainingMatchesStraightTraining() {
        Tensor x = Tensor.randn(50, 4);
        Tensor y = dev.vela.nn.data.Utils.toCategorical(x.sum(1, false).gt(0).to(dev.vela.DType.INT32), 3);
        Vela.seed(1);
        Layer.resetNames();
        Sequential straight = new Sequential(new Dense(12, "relu").inputDim(4), new Dense(3, "softmax"));
        Vela.seed(1);
        Layer.resetNames();
        Sequential first = new Sequential(new Dense(12, "relu").inputDim(4), new Dense(3, "softmax"));
        assertSameWeights(straight, first, 0);
        straight.compile(new Adam(0.01), "categorical_crossentropy", "accuracy");
        first.compile(new Adam(0.01), "categorical_crossentropy", "accuracy");

        FitOptions o = new FitOptions().batchSize(16).verbose(0).shuffle(false);
        List<Double> all = straight.fit(x, y, o.epochs(10)).history().get("loss");
        List<Double> part1 = first.fit(x, y, new FitOptions().batchSize(16).verbose(0).shuffle(false).epochs(5)).history().get("loss");
        Path p = dir.resolve("ckpt.safetensors");
        first.save(p);
        Model resumed = Models.load(p);
        assertEquals(20, resumed.optimizer().iterations(), "4 batches x 5 epochs");
        History h2 = resumed.fit(x, y, new FitOptions().batchSize(16).verbose(0).shuffle(false).epochs(10).initialEpoch(5));
        assertEquals(List.of(5, 6, 7, 8, 9), h2.epochs());
        List<Double> part2 = h2.history().get("loss");
        for (int e = 0; e < 5; e++) {
            assertEquals(all.get(e), part1.get(e), 1e-7, "epoch " + e);
            assertEquals(all.get(5 + e), part2.get(e), 1e-6, "epoch " + (5 + e));
        }
        assertSameWeights(straight, resumed, 1e-6);
        assertEquals(40, resumed.optimizer().iterations());

        // without the optimizer state (fresh Adam on the loaded weights) the run differs: the state mattered
        Model noState = Models.load(p);
        noState.compile(new Adam(0.01), "categorical_crossentropy", "accuracy");
        List<Double> other = noState.fit(x, y, new FitOptions().batchSize(16).verbose(0).shuffle(false).epochs(5)).history().get("loss");
        assertTrue(Math.abs(other.get(4) - all.get(9)) > 1e-5, "fresh optimizer state should give other numbers: " + other.get(4) + " vs " + all.get(9));
    }

    @Test
    void saveWeightsLoadWeights() {
        Sequential m = net();
        Tensor x = Tensor.randn(6, 4);
        Path p = dir.resolve("w.safetensors");
        m.saveWeights(p);
        Layer.resetNames();
        Sequential other = net();   // same names, different random weights
        assertFalse(Arrays.equals(m.predict(x).toFloatArray(), other.predict(x).toFloatArray()));
        other.loadWeights(p);
        assertArrayEquals(m.predict(x).toFloatArray(), other.predict(x).toFloatArray(), 0f);
        assertSameWeights(m, other, 0);

        // Models.load refuses a weights-only file and says what to use
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
        assertTrue(ex.getMessage().contains("loadWeights") && ex.getMessage().contains(p.toString()), ex.getMessage());

        // loadWeights into a model with other layer names: clear message, nothing changed
        Layer.resetNames();
        new Dense(1); // shifts the automatic names: dense_2, dense_3
        Sequential renamed = net();
        List<Tensor> before = renamed.getWeights();
        ex = assertThrows(IllegalArgumentException.class, () -> renamed.loadWeights(p));
        assertTrue(ex.getMessage().contains("dense_3/kernel") && ex.getMessage().contains("nothing was changed"), ex.getMessage());
        for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i).toFloatArray(), renamed.getWeights().get(i).toFloatArray(), 0f);
    }

    @Test
    void truncatedAndCorruptedFilesFailCleanly() throws IOException {
        Sequential m = net();
        m.compile(new SGD(0.1), "categorical_crossentropy");
        Path good = dir.resolve("good.safetensors");
        m.save(good);
        byte[] bytes = Files.readAllBytes(good);
        Tensor x = Tensor.randn(5, 4);
        float[] before = m.predict(x).toFloatArray();

        // truncated: half the data section is gone
        Path trunc = dir.resolve("trunc.safetensors");
        Files.write(trunc, Arrays.copyOf(bytes, bytes.length - 100));
        RuntimeException ex = assertThrows(RuntimeException.class, () -> m.loadWeights(trunc));
        assertTrue(ex.getMessage().contains(trunc.toString()) && ex.getMessage().contains("truncated"), ex.getMessage());
        assertArrayEquals(before, m.predict(x).toFloatArray(), 0f, "weights unchanged");
        ex = assertThrows(RuntimeException.class, () -> Models.load(trunc));
        assertTrue(ex.getMessage().contains(trunc.toString()) && ex.getMessage().contains("truncated"), ex.getMessage());

        // truncated inside the header
        Path trunc2 = dir.resolve("trunc2.safetensors");
        Files.write(trunc2, Arrays.copyOf(bytes, 40));
        ex = assertThrows(RuntimeException.class, () -> m.loadWeights(trunc2));
        assertTrue(ex.getMessage().contains("truncated"), ex.getMessage());
        assertArrayEquals(before, m.predict(x).toFloatArray(), 0f);

        // corrupted header: a JSON brace replaced
        byte[] bad = bytes.clone();
        int headerLen = (int) java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String head = new String(bad, 8, headerLen, StandardCharsets.US_ASCII);
        int at = head.indexOf("\"dtype\"");
        assertTrue(at > 0, head);
        bad[8 + at] = '#';
        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, bad);
        ex = assertThrows(RuntimeException.class, () -> m.loadWeights(corrupt));
        assertTrue(ex.getMessage().contains(corrupt.toString()) && ex.getMessage().contains("JSON"), ex.getMessage());
        assertArrayEquals(before, m.predict(x).toFloatArray(), 0f);
        ex = assertThrows(RuntimeException.class, () -> Models.load(corrupt));
        assertTrue(ex.getMessage().contains("JSON"), ex.getMessage());

        // a header length that is garbage
        byte[] bad2 = bytes.clone();
        bad2[7] = 0x7f;
        Path corrupt2 = dir.resolve("corrupt2.safetensors");
        Files.write(corrupt2, bad2);
        ex = assertThrows(RuntimeException.class, () -> Models.load(corrupt2));
        assertTrue(ex.getMessage().contains("header length"), ex.getMessage());

        // not a file at all
        ex = assertThrows(RuntimeException.class, () -> Models.load(dir.resolve("missing.safetensors")));
        assertTrue(ex.getMessage().contains("missing.safetensors"), ex.getMessage());

        // the good file still loads after everything above
        Model l = Models.load(good);
        assertArrayEquals(before, l.predict(x).toFloatArray(), 0f);

        // a save that cannot complete (the target is a folder) fails with the path and leaves no temporary file
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path target = Files.createDirectory(sub.resolve("target.safetensors"));
        Files.writeString(target.resolve("keep.txt"), "x");
        ex = assertThrows(RuntimeException.class, () -> m.save(target));
        assertTrue(ex.getMessage().contains(target.toString()), ex.getMessage());
        try (Stream<Path> s = Files.list(sub)) {
            assertEquals(List.of(target), s.toList());
        }
        assertTrue(Files.exists(target.resolve("keep.txt")));
    }
}
