/*
 * The training callbacks: EarlyStopping (patience, restoreBestWeights), ModelCheckpoint (best only),
 * CSVLogger, LearningRateScheduler and ReduceLROnPlateau (the rate the optimizer really uses), TerminateOnNaN,
 * LambdaCallback call counts, and History recording every epoch.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {
    @TempDir Path dir;
    Tensor x, y;

    @BeforeEach
    void data() {
        Layer.resetNames();
        Vela.seed(77);
        x = Tensor.randn(100, 3);
        y = x.matmul(Tensor.of(new float[][] {{1}, {-2}, {0.5f}})).add(0.3f);   // a linear target
    }

    static Sequential linear(double lr) {
        Sequential m = new Sequential(new Dense(1).inputDim(3));
        m.compile(new SGD(lr), "mse");
        return m;
    }

    static float[] flat(Model m) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Tensor t : m.getWeights()) {
            parts.add(t.toFloatArray());
            n += (int) t.size();
        }
        float[] r = new float[n];
        int k = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, r, k, p.length);
            k += p.length;
        }
        return r;
    }

    /** A callback that puts a scripted value under "score" into each epoch's logs. */
    static Callback script(double... values) {
        return new Callbacks.LambdaCallback((e, logs) -> logs.put("score", values[e]), null);
    }

    // ------------------------------------------------------------------ EarlyStopping

    @Test
    void earlyStoppingStopsAfterPatience() {
        Sequential m = linear(0.0);   // lr 0: the loss never improves after epoch 0
        Callbacks.EarlyStopping es = new Callbacks.EarlyStopping("loss", 3);
        // (no shuffling: reordered batches would change the epoch's mean loss in the last bits)
        History h = m.fit(x, y, new FitOptions().epochs(50).verbose(0).shuffle(false).callbacks(es));
        assertEquals(List.of(0, 1, 2, 3), h.epochs());
        assertEquals(3, es.stoppedEpoch());
        // with a scripted score that improves at epoch 2 the wait restarts: stops at 2 + 3
        Callbacks.EarlyStopping es2 = new Callbacks.EarlyStopping("score", 0, 3, "min", false);
        h = m.fit(x, y, new FitOptions().epochs(50).verbose(0).callbacks(script(5, 6, 4, 4, 7, 4.5, 1, 1), es2));
        assertEquals(6, h.epochs().size());
        assertEquals(5, es2.stoppedEpoch());
        // minDelta: improvements smaller than it do not count
        Callbacks.EarlyStopping es3 = new Callbacks.EarlyStopping("score", 0.5, 2, "min", false);
        h = m.fit(x, y, new FitOptions().epochs(50).verbose(0).callbacks(script(5, 4.8, 4.6, 1, 1), es3));
        assertEquals(2, es3.stoppedEpoch());
        // mode max
        Callbacks.EarlyStopping es4 = new Callbacks.EarlyStopping("score", 0, 1, "max", false);
        h = m.fit(x, y, new FitOptions().epochs(50).verbose(0).callbacks(script(1, 2, 3, 2, 9), es4));
        assertEquals(3, es4.stoppedEpoch());
    }

    @Test
    void earlyStoppingRestoresBestWeights() {
        Sequential m = linear(0.05);
        List<float[]> weightsAtEnd = new ArrayList<>();
        Callback record = new Callbacks.LambdaCallback((e, logs) -> weightsAtEnd.add(flat(m)), null);
        // the score is best at epoch 2, then worse: patience 3 stops at epoch 5 and goes back to epoch 2's weights
        Callbacks.EarlyStopping es = new Callbacks.EarlyStopping("score", 0, 3, "min", true);
        History h = m.fit(x, y, new FitOptions().epochs(20).verbose(0).callbacks(record, script(3, 2, 1, 2, 3, 4, 5), es));
        assertEquals(6, h.epochs().size());
        assertEquals(5, es.stoppedEpoch());
        assertFalse(Arrays.equals(weightsAtEnd.get(2), weightsAtEnd.get(5)), "training moved the weights");
        assertArrayEquals(weightsAtEnd.get(2), flat(m), 0f);
        // without restoreBestWeights the last weights stay
        Sequential m2 = linear(0.05);
        List<float[]> w2 = new ArrayList<>();
        Callbacks.EarlyStopping keep = new Callbacks.EarlyStopping("score", 0, 3, "min", false);
        m2.fit(x, y, new FitOptions().epochs(20).verbose(0).callbacks(
                new Callbacks.LambdaCallback((e, logs) -> w2.add(flat(m2)), null), script(3, 2, 1, 2, 3, 4, 5), keep));
        assertArrayEquals(w2.get(5), flat(m2), 0f);
    }

    // ------------------------------------------------------------------ ModelCheckpoint

    @Test
    void modelCheckpointBestOnlyWritesOnImprovement() throws IOException {
        Sequential m = linear(0.05);
        double[] scores = {5, 3, 4, 2, 2, 6};
        // one file per epoch in the name: only improving epochs (1, 2, 4 counted from 1) get one
        Callbacks.ModelCheckpoint perEpoch = new Callbacks.ModelCheckpoint(dir.resolve("e{epoch}.safetensors").toString(),
                "score", true, false);
        // one fixed file: rewritten only on improvement; its mtime is checked after every epoch
        Path fixed = dir.resolve("best.weights");
        Callbacks.ModelCheckpoint best = new Callbacks.ModelCheckpoint(fixed.toString(), "score", true, true);
        List<float[]> weightsAtEnd = new ArrayList<>();
        List<FileTime> mtimes = new ArrayList<>();
        Callback after = new Callbacks.LambdaCallback((e, logs) -> {
            weightsAtEnd.add(flat(m));
            try {
                mtimes.add(Files.getLastModifiedTime(fixed));
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        }, null);
        m.fit(x, y, new FitOptions().epochs(6).verbose(0).callbacks(script(scores), perEpoch, best, after));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("best.weights", "e01.safetensors", "e02.safetensors", "e04.safetensors"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // not rewritten at epochs 2, 4, 5 (0-based)
        assertEquals(mtimes.get(1), mtimes.get(2));
        assertEquals(mtimes.get(3), mtimes.get(4));
        assertEquals(mtimes.get(4), mtimes.get(5));
        // the fixed file holds the weights of the last improvement (epoch 3), the full saves those of their epochs
        Layer.resetNames();
        Sequential probe = linear(0.0);
        probe.loadWeights(fixed);
        assertArrayEquals(weightsAtEnd.get(3), flat(probe), 0f);
        assertFalse(Arrays.equals(weightsAtEnd.get(3), weightsAtEnd.get(5)));
        assertArrayEquals(weightsAtEnd.get(1), flat(Models.load(dir.resolve("e02.safetensors"))), 0f);
        assertArrayEquals(weightsAtEnd.get(0), flat(Models.load(dir.resolve("e01.safetensors"))), 0f);
        // save every epoch when not best-only
        Path every = dir.resolve("every");
        Files.createDirectory(every);
        m.fit(x, y, new FitOptions().epochs(3).verbose(0).callbacks(
                new Callbacks.ModelCheckpoint(every.resolve("m{epoch}").toString(), "loss", false, true)));
        try (Stream<Path> s = Files.list(every)) {
            assertEquals(3, s.count());
        }
    }

    // ------------------------------------------------------------------ CSVLogger

    @Test
    void csvLoggerWritesHeaderAndRows() throws IOException {
        Sequential m = new Sequential(new Dense(1).inputDim(3));
        m.compile(new SGD(0.05), "mse", "mae");
        Path csv = dir.resolve("log.csv");
        History h = m.fit(x, y, new FitOptions().epochs(4).verbose(0).validationData(x.slice(0, 0, 20), y.slice(0, 0, 20))
                .callbacks(new Callbacks.CSVLogger(csv)));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size(), lines.toString());
        assertEquals("epoch,loss,mae,val_loss,val_mae", lines.get(0));
        String[] keys = lines.get(0).split(",");
        for (int e = 0; e < 4; e++) {
            String[] cells = lines.get(e + 1).split(",");
            assertEquals(keys.length, cells.length);
            assertEquals(e, Integer.parseInt(cells[0]));
            for (int k = 1; k < keys.length; k++) {
                assertEquals(h.history().get(keys[k]).get(e), Double.parseDouble(cells[k]), 0.0, keys[k] + " at epoch " + e);
            }
        }
        assertTrue(h.history().get("loss").get(3) < h.history().get("loss").get(0));
    }

    // ------------------------------------------------------------------ learning rate

    @Test
    void learningRateSchedulerSetsTheRateUsed() {
        Sequential m = linear(0.1);
        List<float[]> w = new ArrayList<>();
        List<Double> seen = new ArrayList<>();
        w.add(flat(m));
        Callback rec = new Callbacks.LambdaCallback((e, logs) -> {
            w.add(flat(m));
            seen.add(m.getLearningRate());
        }, null);
        double[] rates = {0.05, 0.0, 0.02, 0.0};
        History h = m.fit(x, y, new FitOptions().epochs(4).verbose(0).shuffle(false)
                .callbacks(new Callbacks.LearningRateScheduler(e -> rates[e]), rec));
        assertEquals(List.of(0.05, 0.0, 0.02, 0.0), seen);
        assertEquals(List.of(0.05, 0.0, 0.02, 0.0), h.history().get("lr"), "History records the rate of each epoch");
        assertFalse(Arrays.equals(w.get(0), w.get(1)), "epoch 0 (lr 0.05) moves the weights");
        assertArrayEquals(w.get(1), w.get(2), 0f, "epoch 1 (lr 0) does not");
        assertFalse(Arrays.equals(w.get(2), w.get(3)));
        assertArrayEquals(w.get(3), w.get(4), 0f);
        // the same in eager mode
        Sequential e = linear(0.1);
        e.eager(true);
        float[] before = flat(e);
        e.fit(x, y, new FitOptions().epochs(1).verbose(0).callbacks(new Callbacks.LearningRateScheduler(k -> 0.0)));
        assertArrayEquals(before, flat(e), 0f);
    }

    @Test
    void learningRateSchedulerStepSizeIsTheScheduledRate() {
        // one sample, one batch: the SGD step is exactly lr * gradient, so the step halves when the rate halves
        Sequential m = new Sequential(new Dense(1, null, false).inputDim(1));
        m.compile(new SGD(1.0), "mse");
        m.setWeights(List.of(Tensor.of(new float[][] {{0f}})));
        Tensor one = Tensor.of(new float[][] {{1}}), target = Tensor.of(new float[][] {{1}});
        List<Double> w = new ArrayList<>();
        m.fit(one, target, new FitOptions().epochs(3).verbose(0).callbacks(
                new Callbacks.LearningRateScheduler(e -> new double[] {0.25, 0.5, 0.0}[e]),
                new Callbacks.LambdaCallback((e, logs) -> w.add((double) flat(m)[0]), null)));
        // w <- w - lr * 2 (w - 1): 0 -> 0.5 (lr 0.25) -> 0.5 + 0.5 * 1 = 1.0 (lr 0.5) -> 1.0 (lr 0)
        assertEquals(0.5, w.get(0), 1e-6);
        assertEquals(1.0, w.get(1), 1e-6);
        assertEquals(1.0, w.get(2), 1e-6);
    }

    @Test
    void reduceLROnPlateauReducesTheRate() {
        Sequential m = linear(0.1);
        List<Double> rates = new ArrayList<>();
        Callbacks.ReduceLROnPlateau r = new Callbacks.ReduceLROnPlateau("score", 0.5, 2, 0.01);
        History h = m.fit(x, y, new FitOptions().epochs(9).verbose(0).callbacks(
                script(1, 1, 1, 1, 1, 0.5, 0.6, 0.7, 0.8), r,
                new Callbacks.LambdaCallback((e, logs) -> rates.add(m.getLearningRate()), null)));
        // stalls at epochs 1, 2 -> 0.05; 3, 4 -> 0.025; improves at 5; stalls 6, 7 -> 0.0125
        assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125), rates);
        assertEquals(List.of(0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125), h.history().get("lr"),
                "History records the rate each epoch used");
        assertEquals(0.0125, m.optimizer().learningRate(), 0);
        // minLr bounds it
        Sequential m2 = linear(0.1);
        m2.fit(x, y, new FitOptions().epochs(12).verbose(0).callbacks(
                script(new double[12]), new Callbacks.ReduceLROnPlateau("score", 0.1, 1, 0.003)));
        assertEquals(0.003, m2.optimizer().learningRate(), 1e-15);
    }

    // ------------------------------------------------------------------ TerminateOnNaN

    @Test
    void terminateOnNaNStopsCleanly() {
        float[] xs = x.toFloatArray();
        xs[70 * 3 + 1] = Float.NaN;   // sample 70: in batch 2 (0-based) of batches of 32
        Tensor bad = Tensor.fromArray(xs, 100, 3);
        Sequential m = linear(0.01);
        Callbacks.TerminateOnNaN t = new Callbacks.TerminateOnNaN();
        List<Integer> batches = new ArrayList<>();
        String[] out = MnistTest.captureOut(() -> m.fit(bad, y, new FitOptions().epochs(5).verbose(0).shuffle(false)
                .callbacks(t, new Callbacks.LambdaCallback(null, (b, logs) -> batches.add(b)))));
        History h = (History) MnistTest.RESULT[0];
        assertTrue(t.terminated());
        assertEquals(List.of(0, 1, 2), batches, "no batch after the NaN one");
        assertEquals(List.of(0), h.epochs(), "the epoch ends and training stops");
        assertTrue(h.history().get("loss").get(0).isNaN());
        assertTrue(out[0].contains("Batch 2: Invalid loss, terminating training"), out[0]);
        // the model can still be trained afterwards (fit resets the stop flag)
        Sequential ok = linear(0.01);
        History h2 = ok.fit(x, y, new FitOptions().epochs(2).verbose(0).callbacks(t));
        assertEquals(2, h2.epochs().size());
    }

    // ------------------------------------------------------------------ LambdaCallback and History

    @Test
    void lambdaCallbackCountsAndHistory() {
        Sequential m = linear(0.01);
        List<Integer> epochs = new ArrayList<>(), batches = new ArrayList<>();
        List<Double> sizes = new ArrayList<>(), batchLoss = new ArrayList<>();
        List<Map<String, Double>> epochLogs = new ArrayList<>();
        Callbacks.LambdaCallback l = new Callbacks.LambdaCallback((e, logs) -> {
            epochs.add(e);
            epochLogs.add(Map.copyOf(logs));
        }, (b, logs) -> {
            batches.add(b);
            sizes.add(logs.get("size"));
            batchLoss.add(logs.get("loss"));
        });
        History h = m.fit(x, y, new FitOptions().epochs(3).batchSize(32).verbose(0).callbacks(l));
        assertEquals(List.of(0, 1, 2), epochs);
        assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), batches);
        assertEquals(List.of(32.0, 32.0, 32.0, 4.0), sizes.subList(0, 4));
        // the epoch loss is the sample-weighted mean of the batch losses
        for (int e = 0; e < 3; e++) {
            double s = 0;
            for (int b = 0; b < 4; b++) s += batchLoss.get(4 * e + b) * sizes.get(b);
            assertEquals(s / 100, epochLogs.get(e).get("loss"), 1e-9);
            assertEquals(epochLogs.get(e).get("loss"), h.history().get("loss").get(e));
        }
        assertEquals(List.of(0, 1, 2), h.epochs());
        assertEquals(3, h.history().get("loss").size());
        // History of a continued fit with initialEpoch
        History h2 = m.fit(x, y, new FitOptions().epochs(6).initialEpoch(3).verbose(0).callbacks(l));
        assertEquals(List.of(3, 4, 5), h2.epochs());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), epochs);
        assertTrue(h2.history().get("loss").get(2) < h.history().get("loss").get(0));
    }
}
