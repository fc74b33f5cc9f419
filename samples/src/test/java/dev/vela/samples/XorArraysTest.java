/*
 * Runs tutorial 4's XOR network written with plain tensor ops and hand-written backpropagation.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XorArraysTest {

    @Test
    void learnsXor(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> XorArrays.run(new String[] {"--out", out.toString()}));
        XorArrays.Result r = run.result();
        assertArrayEquals(new int[] {0, 1, 1, 0}, r.predictions());
        assertTrue(run.output().contains("Rounded predictions: [0, 1, 1, 0]"));
        for (int i = 0; i < 4; i++) {
            float target = (i == 1 || i == 2) ? 1 : 0;
            assertTrue(Math.abs(r.outputs()[i] - target) < 0.1, "output " + i + " = " + r.outputs()[i]);
        }
        double[] l = r.losses();
        assertTrue(l[0] > 0.2 && l[l.length - 1] < 0.01, "loss " + l[0] + " -> " + l[l.length - 1]);
        SampleTesting.assertFigure(r.lossPlot(), 8);
    }
}
