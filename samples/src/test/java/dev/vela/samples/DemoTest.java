/*
 * Runs the demo (what ./vela demo runs) into a temporary folder and checks the figures and logs it lists.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @Test
    void runsTheTutorialsAndSaysWhereTheFiguresAre(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> Demo.run(new String[] {"--out", out.toString()}));
        Demo.Result r = run.result();
        boolean mnist = MnistMlp.locate(null).folder().isPresent();
        assertEquals(mnist, r.mnistRan());
        assertEquals(mnist ? 7 : 5, r.figures().size(), r.figures().toString());
        for (Path f : r.figures()) {
            assertTrue(f.startsWith(out), f + " should be under " + out);
            assertTrue(run.output().contains("  " + f), "the demo lists " + f);
            SampleTesting.assertFigure(f, 8);
        }
        assertTrue(Files.isDirectory(r.tensorBoardLogs().resolve("train")), "TensorBoard logs");
        assertTrue(run.output().contains("TensorBoard logs: " + r.tensorBoardLogs()));
        assertTrue(run.output().contains("Tensor(\"add:0\", shape=(2, 2), dtype=float32)"), "backend basics ran");
        assertTrue(SampleTesting.printed(run.output(), "Test accuracy:") >= 0.92, "the last test accuracy printed");
        if (!mnist) assertTrue(run.output().contains("MNIST was not found"), "says how to get MNIST");
    }
}
