/*
 * Runs tutorial 2's linear regression exercise and checks that w and b are recovered.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearRegressionTest {

    @Test
    void recoversSlopeAndIntercept(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> LinearRegression.run(new String[] {"--out", out.toString()}));
        LinearRegression.Result r = run.result();
        assertEquals(0.96, r.w(), 0.01, "w");
        assertEquals(0.24, r.b(), 0.01, "b");
        assertEquals(r.w(), SampleTesting.printed(run.output(), "K.eval(w) ="), 1e-4);
        assertEquals(r.b(), SampleTesting.printed(run.output(), "K.eval(b) ="), 1e-4);
        double[] l = r.losses();
        assertTrue(l[l.length - 1] < 1e-4 && l[l.length - 1] < l[0], "the loss falls to almost zero: " + l[0] + " -> " + l[l.length - 1]);
        SampleTesting.assertFigure(r.lossPlot(), 8);
    }
}
