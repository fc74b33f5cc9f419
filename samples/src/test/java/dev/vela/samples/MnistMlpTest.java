/*
 * Runs tutorial 3's MNIST model (PCA to 60, Dense 128 relu, Dense 10 softmax, Adam) when the MNIST files are there.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistMlpTest {

    @Test
    void reachesTestAccuracy(@TempDir Path out) throws Exception {
        DataFiles.Found found = MnistMlp.locate(null);
        Assumptions.assumeTrue(found.folder().isPresent(),
                () -> "MNIST (mnist/ with the four IDX files) is not there; looked in:\n" + found.triedText());
        var run = SampleTesting.capture(() -> MnistMlp.run(new String[] {"--out", out.toString()}));
        MnistMlp.Result r = run.result();
        assertTrue(r.testAccuracy() >= 0.96, "test accuracy " + r.testAccuracy());
        assertEquals(r.testAccuracy(), SampleTesting.printed(run.output(), "Test accuracy:"), 1e-4);
        assertEquals(9098, r.params());
        assertTrue(run.output().contains("Total params: 9,098"), "summary()");
        assertTrue(run.output().contains("Train on 50000 samples, validate on 10000 samples"), "the validation split");
        assertEquals(5, r.first().history().get("loss").size());
        List<Double> second = r.second().history().get("loss");
        assertEquals(5, second.size());
        // the second fit continues from the first: its first epoch starts below the first fit's first epoch
        assertTrue(second.get(0) < r.first().history().get("loss").get(0), "weights kept across fit calls");
        assertEquals(5, r.second().history().get("val_accuracy").size());
        for (Path p : r.plots()) SampleTesting.assertFigure(p, 8);
    }
}
