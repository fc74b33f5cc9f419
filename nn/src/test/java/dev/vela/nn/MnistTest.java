/*
 * Tutorial 3 on the real MNIST data (../shared/data/mnist, skipped with the path named when missing): 784 pixels
 * scaled to [0, 1], PCA to 60 components fitted on the training set, one-hot labels, the Sequential
 * Dense(128) / relu / Dense(10) / softmax model with Keras's summary (7808, 1290, total 9,098), Adam and
 * categorical cross-entropy for 5 epochs to >= 0.96 test accuracy; then fit again with validationSplit 1/6
 * and verbose 1: "Train on 50000 samples, validate on 10000 samples", continuing from the trained weights.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.nn.data.Mnist;
import dev.vela.nn.data.PCA;
import dev.vela.nn.data.Utils;
import dev.vela.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MnistTest {

    static Path mnistDir() {
        String shared = System.getProperty("vela.shared");
        Path dir = Path.of(shared == null ? "../shared" : shared, "data", "mnist");
        boolean all = Mnist.FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f))
                || Files.isRegularFile(dir.resolve(f + ".gz")));
        Assumptions.assumeTrue(all, "MNIST is not in " + dir.toAbsolutePath()
                + " (the four IDX files, raw or .gz); skipping the tutorial 3 MNIST test");
        return dir;
    }

    @Test
    void tutorial3() throws Exception {
        Path dir = mnistDir();
        long t0 = System.nanoTime();
        Mnist.Data d = Mnist.load(dir, true);
        Tensor xTrain = d.xTrain().reshape(60000, 784), xTest = d.xTest().reshape(10000, 784);
        assertEquals(DType.FLOAT32, xTrain.dtype());
        assertTrue(xTrain.max().item() <= 1.0 && xTrain.max().item() > 0.99, "pixels scaled by 1/255");
        long tLoad = System.nanoTime();
        PCA pca = new PCA(60).fit(xTrain);
        Tensor zTrain = pca.transform(xTrain), zTest = pca.transform(xTest);
        assertEquals("(60000, 60)", zTrain.shape().toString());
        long tPca = System.nanoTime();
        Tensor yTrain = Utils.toCategorical(d.yTrain(), 10), yTest = Utils.toCategorical(d.yTest(), 10);
        assertEquals("(60000, 10)", yTrain.shape().toString());

        Vela.seed(42);
        Layer.resetNames();
        Sequential model = new Sequential();
        model.add(new Dense(128).inputShape(60));
        model.add(new Activation("relu"));
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        String summary = captureOut(model::summary)[0];
        assertTrue(summary.startsWith("Model: \"sequential\"\n"), summary);
        assertRow(summary, "dense_1 (Dense)", "(None, 128)", 7808);
        assertRow(summary, "activation_1 (Activation)", "(None, 128)", 0);
        assertRow(summary, "dense_2 (Dense)", "(None, 10)", 1290);
        assertRow(summary, "activation_2 (Activation)", "(None, 10)", 0);
        assertTrue(summary.contains("Total params: 9,098\n"), summary);
        assertTrue(summary.contains("Trainable params: 9,098\n"), summary);
        assertTrue(summary.contains("Non-trainable params: 0\n"), summary);
        assertEquals(9098, model.countParams());

        model.compile(new Adam(), "categorical_crossentropy", "accuracy");
        History h1 = model.fit(zTrain, yTrain, new FitOptions().epochs(5).batchSize(32).verbose(0));
        long tFit = System.nanoTime();
        List<Double> loss1 = h1.history().get("loss");
        assertEquals(5, loss1.size());
        for (int e = 1; e < 5; e++) assertTrue(loss1.get(e) < loss1.get(e - 1), "epoch losses fall: " + loss1);
        List<Double> ev = model.evaluate(zTest, yTest);
        assertTrue(ev.get(1) >= 0.96, "test accuracy " + ev.get(1));
        long tEval = System.nanoTime();

        // fit again on the same model: continues from the trained weights
        String[] out = captureOut(() -> model.fit(zTrain, yTrain,
                new FitOptions().epochs(1).batchSize(32).verbose(1).validationSplit(1 / 6.0)));
        long tFit2 = System.nanoTime();
        String text = out[0];
        History h2 = (History) RESULT[0];
        String[] lines = text.split("\n");
        assertEquals("Train on 50000 samples, validate on 10000 samples", lines[0]);
        assertEquals("Epoch 1/1", lines[1]);
        String[] frames = lines[2].split("\r");
        String last = frames[frames.length - 1];
        Matcher m = Pattern.compile("50000/50000 \\[={30}\\] - \\d+s \\d+us/step - loss: (\\d\\.\\d{4}) - accuracy: (\\d\\.\\d{4})"
                + " - val_loss: (\\d\\.\\d{4}) - val_accuracy: (\\d\\.\\d{4})").matcher(last);
        assertTrue(m.matches(), "last progress frame: '" + last + "'");
        assertEquals(h2.history().get("loss").get(0), Double.parseDouble(m.group(1)), 5.1e-5);
        assertEquals(h2.history().get("val_accuracy").get(0), Double.parseDouble(m.group(4)), 5.1e-5);
        assertTrue(frames.length > 2, "a live bar: several frames");
        assertTrue(frames[1].matches(" *\\d+/50000 \\[[=>.]{30}\\] - ETA: .*"), frames[1]);
        double second = h2.history().get("loss").get(0);
        assertTrue(second < loss1.get(0), "second fit starts from the trained weights: " + second + " vs " + loss1);
        assertTrue(second < loss1.get(4) * 1.2, "second fit's loss " + second + " is near the first fit's last " + loss1.get(4));
        assertTrue(h2.history().get("val_accuracy").get(0) >= 0.95, h2.toString());

        System.out.printf("MnistTest: load %.1f s, PCA %.1f s, fit 5 epochs %.1f s, evaluate %.1f s, fit with validation %.1f s,"
                        + " test accuracy %.4f%n", (tLoad - t0) / 1e9, (tPca - tLoad) / 1e9, (tFit - tPca) / 1e9,
                (tEval - tFit) / 1e9, (tFit2 - tEval) / 1e9, ev.get(1));
    }

    static final Object[] RESULT = new Object[1];

    /** Runs {@code r} with System.out captured; a Supplier's result lands in RESULT[0]. */
    static String[] captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            r.run();
        } finally {
            System.setOut(old);
        }
        return new String[] {buf.toString(StandardCharsets.UTF_8)};
    }

    static String[] captureOut(java.util.function.Supplier<?> s) {
        return captureOut((Runnable) () -> RESULT[0] = s.get());
    }

    static void assertRow(String summary, String layer, String shape, long params) {
        String row = String.format("%-29s%-26s%-10d", layer, shape, params).stripTrailing();
        assertTrue(summary.lines().anyMatch(l -> l.stripTrailing().equals(row)), "no row '" + row + "' in\n" + summary);
    }
}
