/*
 * Tutorial 4's Keras XOR: Sequential(Dense(16, relu, inputDim 2), Dense(1, sigmoid)) trained with
 * mean_squared_error and adam for 500 epochs learns [0, 1, 1, 0]; fit(verbose 2) prints Keras's per-epoch lines.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import dev.vela.Vela;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class XorTest {
    static final Tensor X = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    static final Tensor Y = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});

    static Sequential xorModel(long seed) {
        Vela.seed(seed);
        Sequential m = new Sequential(new Dense(16, "relu").inputDim(2), new Dense(1, "sigmoid"));
        m.compile("adam", "mean_squared_error", "binary_accuracy");
        return m;
    }

    @Test
    void learnsXor() {
        Sequential m = xorModel(7);
        History h = m.fit(X, Y, new FitOptions().epochs(500).verbose(0));
        List<Double> loss = h.history().get("loss");
        assertEquals(500, loss.size());
        assertEquals(500, h.history().get("binary_accuracy").size());
        assertTrue(loss.get(0) > 0.2, "initial MSE of an untrained net on XOR should be near 0.25, was " + loss.get(0));
        assertTrue(loss.get(499) < 0.1, "final loss " + loss.get(499));
        assertTrue(loss.get(499) < loss.get(0) / 2.5);
        assertEquals(1.0, h.history().get("binary_accuracy").get(499), 0.0);
        float[] p = m.predict(X).round().toFloatArray();
        assertArrayEquals(new float[] {0, 1, 1, 0}, p, 0f);
        // the reported loss is the loss of the model as it was during the last step: evaluating now gives less
        List<Double> ev = m.evaluate(X, Y);
        assertTrue(ev.get(0) <= loss.get(499) + 1e-6, ev + " vs " + loss.get(499));
        assertEquals(1.0, ev.get(1), 0.0);
        // by hand: the MSE of the predictions
        float[] raw = m.predict(X).toFloatArray();
        float[] t = {0, 1, 1, 0};
        double mse = 0;
        for (int i = 0; i < 4; i++) mse += (raw[i] - t[i]) * (raw[i] - t[i]) / 4.0;
        assertEquals(mse, ev.get(0), 1e-5);
    }

    @Test
    void verbose2PrintsOneLinePerEpoch() {
        Sequential m = xorModel(7);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        History h;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            h = m.fit(X, Y, new FitOptions().epochs(3).verbose(2));
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals(6, lines.length, String.join("\n", lines));
        Pattern epochLine = Pattern.compile(" - \\d+s - loss: (\\d\\.\\d{4}) - binary_accuracy: (\\d\\.\\d{4})");
        for (int e = 0; e < 3; e++) {
            assertEquals("Epoch " + (e + 1) + "/3", lines[2 * e]);
            Matcher mt = epochLine.matcher(lines[2 * e + 1]);
            assertTrue(mt.matches(), "line: '" + lines[2 * e + 1] + "'");
            assertEquals(h.history().get("loss").get(e), Double.parseDouble(mt.group(1)), 5e-5);
            assertEquals(h.history().get("binary_accuracy").get(e), Double.parseDouble(mt.group(2)), 5e-5);
        }
        assertTrue(!lines[1].contains("\r"), "verbose 2 draws no progress bar");
    }
}
