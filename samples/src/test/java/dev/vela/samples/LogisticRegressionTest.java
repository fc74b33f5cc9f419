/*
 * Runs tutorial 1 (logistic regression with the backend) and checks the loss it reaches, what it prints, and its figure.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogisticRegressionTest {

    @Test
    void lossFallsBelowThresholdAndFigureIsWritten(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> LogisticRegression.run(new String[] {"--out", out.toString()}));
        LogisticRegression.Result r = run.result();
        assertEquals(1000, r.losses().length);
        assertEquals(Math.log(2), r.losses()[0], 0.01, "the first loss of a near-zero model is about ln 2");
        assertTrue(r.finalLoss() < 0.45, "final loss " + r.finalLoss());
        for (int i = 100; i < r.losses().length; i += 100) {
            assertTrue(r.losses()[i] < r.losses()[i - 100], "the loss should keep falling: iteration " + i);
        }
        // the loss printed every 100 iterations is the one computed
        Matcher m = Pattern.compile("iteration\\s+(\\d+): loss ([0-9.]+)").matcher(run.output());
        int lines = 0;
        while (m.find()) {
            int it = Integer.parseInt(m.group(1));
            assertEquals(r.losses()[it], Double.parseDouble(m.group(2)), 5e-5, "printed loss at iteration " + it);
            lines++;
        }
        assertEquals(11, lines, "the loss every 100 iterations and the last one");
        // accuracy = share of predictions equal to the targets, as printed
        int correct = 0;
        for (int i = 0; i < r.targets().length; i++) if (r.targets()[i] == r.predictions()[i]) correct++;
        assertEquals(correct / 16.0, r.accuracy(), 1e-12);
        assertTrue(r.accuracy() >= 0.7, "accuracy " + r.accuracy());
        assertEquals(r.accuracy(), SampleTesting.printed(run.output(), "accuracy ="), 1e-4);
        assertEquals(5, r.weights().length);
        assertTrue(run.output().contains("Tensor(\"sigmoid:0\", shape=(?, 1), dtype=float32)"), "the symbolic yHat");
        assertTrue(run.output().contains("sigmoid(add(matmul(x, W), b))"), "pp(yHat)");
        assertTrue(run.output().contains(" | | |Placeholder 'x:0' (?, 5) float32"), "debugPrint(yHat)");
        assertEquals(out.resolve("loss.png"), r.lossPlot());
        SampleTesting.assertFigure(r.lossPlot(), 8);
    }

    @Test
    void fewerIterationsAreTheFirstOnesOfTheLongRun(@TempDir Path out) {
        var shortRun = SampleTesting.capture(() -> LogisticRegression.run(new String[] {"--out", out.toString(), "--iterations", "50"}));
        var longRun = SampleTesting.capture(() -> LogisticRegression.run(new String[] {"--out", out.toString(), "--iterations", "60"}));
        for (int i = 0; i < 50; i++) {
            assertEquals(longRun.result().losses()[i], shortRun.result().losses()[i], 0.0, "a run repeats exactly: iteration " + i);
        }
    }
}
