/*
 * Runs tutorial 2's softmax regression on the real Otto Group file for a few hundred minibatches, when it is there.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OttoSoftmaxTest {

    @Test
    void lossFallsOnTheRealData(@TempDir Path out) throws Exception {
        DataFiles.Found found = DataFiles.find(null, "otto", d -> OttoSoftmax.trainFile(d) != null);
        Assumptions.assumeTrue(found.folder().isPresent(),
                () -> "the Otto Group file otto/train.csv.gz is not there; looked in:\n" + found.triedText());
        var run = SampleTesting.capture(() -> OttoSoftmax.run(new String[] {"--out", out.toString(), "--iterations", "300"}));
        OttoSoftmax.Result r = run.result();
        assertTrue(!r.skipped(), "the sample should find the file the test found");
        assertEquals(300, r.losses().length);
        assertTrue(run.output().contains("9 classes") && run.output().contains("93 dims"), "classes and dims as computed");
        double first = mean(r.losses(), 0, 30), last = mean(r.losses(), 270, 300);
        assertTrue(last < 0.5 * first, "the loss should fall: first 30 minibatches " + first + ", last 30 " + last);
        assertTrue(last < 1.2, "after 300 minibatches the loss should be near softmax regression's ~0.7: " + last);
        assertTrue(r.accuracy() > 0.6, "training accuracy " + r.accuracy());
        SampleTesting.assertFigure(r.lossPlot(), 8);
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }
}
