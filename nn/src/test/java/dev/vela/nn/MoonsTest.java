/*
 * Tutorial 5: make_moons(1000, noise 0.2) scaled and split in halves, Dense(32, relu) + Dense(1, sigmoid) trained
 * with Adadelta (lr 1.0) and binary cross-entropy, batch 32, 200 epochs, validating on the test half, with a
 * TensorBoard callback; the model reaches test accuracy >= 0.92 and the event files parse back (framing, CRCs,
 * file version, epoch scalars equal to the History, the layer graph, kernel histograms).
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.nn.data.Datasets;
import dev.vela.nn.data.StandardScaler;
import dev.vela.nn.data.TrainTest;
import dev.vela.nn.data.XY;
import dev.vela.nn.io.EventReader;
import dev.vela.nn.io.GraphNode;
import dev.vela.optim.Adadelta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoonsTest {
    @TempDir Path logDir;

    @Test
    void adadeltaMoonsWithTensorBoard() throws IOException {
        long t0 = System.nanoTime();
        Vela.seed(0);
        Layer.resetNames();
        XY d = Datasets.makeMoons(1000, 0.2, 0);
        Tensor x = new StandardScaler().fitTransform(d.x());
        Tensor y = d.y().to(DType.FLOAT32).reshape(1000, 1);
        TrainTest.Split s = TrainTest.split(x, y, 0.5, 0);
        assertEquals(500, s.xTrain().dims()[0]);
        assertEquals(500, s.xTest().dims()[0]);

        Sequential model = new Sequential(new Dense(32, "relu").inputDim(2), new Dense(1, "sigmoid"));
        Adadelta opt = new Adadelta(1.0);
        model.compile(opt, "binary_crossentropy", "accuracy");
        History h = model.fit(s.xTrain(), s.yTrain(), new FitOptions().batchSize(32).epochs(200).verbose(0)
                .validationData(s.xTest(), s.yTest()).callbacks(new TensorBoard(logDir)));
        long tFit = System.nanoTime();

        List<Double> loss = h.history().get("loss"), valLoss = h.history().get("val_loss"),
                valAcc = h.history().get("val_accuracy");
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(h.history().keySet()));
        assertEquals(200, loss.size());
        assertEquals(200, valAcc.size());
        assertTrue(loss.get(199) < loss.get(0) / 2, "loss " + loss.get(0) + " -> " + loss.get(199));
        assertEquals(3200, opt.iterations(), "16 batches of 500 samples, 200 epochs");

        List<Double> ev = model.evaluate(s.xTest(), s.yTest());
        assertTrue(ev.get(1) >= 0.92, "test accuracy " + ev.get(1));
        assertEquals(valAcc.get(199), ev.get(1), 1e-9, "the last epoch's validation = evaluate after training");
        assertEquals(valLoss.get(199), ev.get(0), 1e-6);
        // accuracy by hand from predictClasses
        float[] cls = model.predictClasses(s.xTest()).to(DType.FLOAT32).toFloatArray();
        float[] truth = s.yTest().toFloatArray();
        int right = 0;
        for (int i = 0; i < cls.length; i++) if (cls[i] == truth[i]) right++;
        assertEquals(ev.get(1), right / 500.0, 1e-9);

        // ---- the event files
        Path train = single(logDir.resolve("train")), val = single(logDir.resolve("validation"));
        List<EventReader.Event> te = EventReader.readAll(train), ve = EventReader.readAll(val);
        assertEquals("brain.Event:2", te.get(0).fileVersion());
        assertEquals("brain.Event:2", ve.get(0).fileVersion());
        for (int i = 1; i < te.size(); i++) assertNull(te.get(i).fileVersion());

        checkEpochScalars(te, "epoch_loss", loss);
        checkEpochScalars(te, "epoch_accuracy", h.history().get("accuracy"));
        checkEpochScalars(ve, "epoch_loss", valLoss);
        checkEpochScalars(ve, "epoch_accuracy", valAcc);
        // per-batch scalars: one per step, steps 0..3199
        long batchCount = te.stream().filter(e -> e.scalars().containsKey("batch_loss")).count();
        assertEquals(3200, batchCount);

        // graph: the input and the two Dense layers, chained
        List<GraphNode> graph = te.stream().filter(e -> !e.graph().isEmpty()).findFirst().orElseThrow().graph();
        assertEquals(3, graph.size(), graph.toString());
        assertEquals("Placeholder", graph.get(0).op());
        assertEquals("dense_1", graph.get(1).name());
        assertEquals("Dense", graph.get(1).op());
        assertEquals(List.of(graph.get(0).name()), graph.get(1).inputs());
        assertEquals("dense_2", graph.get(2).name());
        assertEquals("Dense", graph.get(2).op());
        assertEquals(List.of("dense_1"), graph.get(2).inputs());

        // histograms: each weight every epoch; the last kernel histogram describes the final kernel
        List<EventReader.Histogram> k1 = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        for (EventReader.Event e : te) {
            EventReader.Histogram hk = e.histograms().get("dense_1/kernel");
            if (hk != null) {
                k1.add(hk);
                steps.add(e.step());
            }
        }
        assertEquals(200, k1.size());
        assertEquals(199L, steps.get(199));
        assertTrue(te.stream().filter(e -> e.histograms().containsKey("dense_2/kernel")).count() == 200);
        assertTrue(te.stream().filter(e -> e.histograms().containsKey("dense_1/bias")).count() == 200);
        EventReader.Histogram last = k1.get(199);
        float[] kernel = model.getLayer("dense_1").getWeights().get(0).toFloatArray();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, sq = 0;
        for (float v : kernel) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sq += (double) v * v;
        }
        assertEquals(64, last.num(), 0);
        assertEquals(min, last.min(), 1e-6);
        assertEquals(max, last.max(), 1e-6);
        assertEquals(sum, last.sum(), 1e-4);
        assertEquals(sq, last.sumSquares(), 1e-4);
        double total = 0;
        for (double b : last.buckets()) total += b;
        assertEquals(64, total, 0);
        long tEnd = System.nanoTime();
        System.out.printf("MoonsTest: fit %.1f s, checks %.1f s, test accuracy %.4f%n", (tFit - t0) / 1e9, (tEnd - tFit) / 1e9, ev.get(1));
    }

    private static void checkEpochScalars(List<EventReader.Event> events, String tag, List<Double> expected) {
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (EventReader.Event e : events) {
            Double v = e.scalars().get(tag);
            if (v != null) {
                steps.add(e.step());
                values.add(v);
            }
        }
        assertEquals(expected.size(), values.size(), tag);
        for (int i = 0; i < values.size(); i++) {
            assertEquals((long) i, steps.get(i), tag + " step");
            assertEquals(expected.get(i), values.get(i), 1e-6 * Math.max(1, Math.abs(expected.get(i))), tag + " at " + i); // stored as float
        }
    }

    private static Path single(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."));
            return files.get(0);
        }
    }
}
