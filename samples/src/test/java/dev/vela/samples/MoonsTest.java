/*
 * Runs tutorial 5 (two moons, Adadelta, TensorBoard, the decision boundary) and checks accuracy, logs and figures.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.nn.io.EventReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoonsTest {

    @Test
    void testAccuracyLogsAndDecisionBoundary(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> Moons.run(new String[] {"--out", out.toString()}));
        Moons.Result r = run.result();
        assertTrue(r.testAccuracy() >= 0.92, "test accuracy " + r.testAccuracy());
        assertEquals(r.testAccuracy(), SampleTesting.printed(run.output(), "Test accuracy:"), 1e-4);
        assertEquals(r.testLoss(), SampleTesting.printed(run.output(), "Test loss:"), 1e-4);

        // the probability grid covers both classes with a boundary in between
        assertEquals(Moons.GRID, r.grid().length);
        double min = 1, max = 0;
        for (double[] row : r.grid()) {
            for (double p : row) {
                assertTrue(p >= 0 && p <= 1, "a probability: " + p);
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
        }
        assertTrue(min < 0.05 && max > 0.95, "grid probabilities span " + min + ".." + max);

        // TensorBoard event files: one epoch_loss per epoch for training, and the validation accuracy of the
        // last epoch is the test accuracy evaluated (validation data = test set)
        for (String sub : List.of("train", "validation")) {
            List<Path> events;
            try (Stream<Path> files = Files.list(r.logDir().resolve(sub))) {
                events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents")).toList();
            }
            assertEquals(1, events.size(), "one event file in " + sub);
            List<EventReader.Event> read = EventReader.readAll(events.get(0));
            List<Double> losses = read.stream().filter(e -> e.scalars().containsKey("epoch_loss"))
                    .map(e -> e.scalars().get("epoch_loss")).toList();
            assertEquals(200, losses.size(), "epoch_loss scalars in " + sub);
            if (sub.equals("validation")) {
                double lastAcc = read.stream().filter(e -> e.scalars().containsKey("epoch_accuracy"))
                        .reduce((a, b) -> b).orElseThrow().scalars().get("epoch_accuracy");
                assertEquals(r.testAccuracy(), lastAcc, 1e-5, "validation accuracy of the last epoch");
            }
        }

        SampleTesting.assertFigure(r.dataPlot(), 8);
        SampleTesting.assertFigure(r.trainingPlot(), 8);
        int colors = SampleTesting.assertFigure(r.boundaryPlot(), 20);
        assertTrue(colors >= 20, "the filled contour has its colour bands: " + colors);
    }
}
