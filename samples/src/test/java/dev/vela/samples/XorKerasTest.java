/*
 * Runs tutorial 4's XOR with Keras layers (Dense 16 relu, Dense 1 sigmoid, MSE, Adam, 500 epochs).
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XorKerasTest {

    @Test
    void predictsXor(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> XorKeras.run(new String[] {"--out", out.toString()}));
        XorKeras.Result r = run.result();
        assertArrayEquals(new int[] {0, 1, 1, 0}, r.predictions());
        List<Double> loss = r.history().history().get("loss");
        List<Double> acc = r.history().history().get("binary_accuracy");
        assertEquals(500, loss.size());
        assertTrue(loss.get(499) < loss.get(0), "loss " + loss.get(0) + " -> " + loss.get(499));
        assertEquals(1.0, acc.get(499), 1e-9);
        // verbose 2: one line per epoch with the logged numbers
        assertTrue(run.output().contains("Epoch 500/500"), "verbose 2 output");
        assertEquals(loss.get(499), SampleTesting.printed(run.output(), "- loss:"), 1e-4);
        SampleTesting.assertFigure(r.plot(), 8);
    }
}
