// Gradient clipping by norm (per tensor and global) and by value, checked through SGD steps in both forms.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With SGD at learning rate 1 and zero initial parameters, a step leaves {@code -g_clipped} in the
 * parameters, so the clipped gradient can be read off directly.
 */
class ClippingTest {

    static double[][] clippedGradients(Optimizer o, Drive.Form f, double[]... grads) {
        double[][] p0 = new double[grads.length][];
        for (int i = 0; i < grads.length; i++) p0[i] = new double[grads[i].length];
        double[][] after = Drive.run(o, f, p0, new double[][][] {grads})[0];
        for (double[] a : after) for (int j = 0; j < a.length; j++) a[j] = -a[j];
        return after;
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void clipNormScalesEachBigGradientToTheNorm(Drive.Form form) {
        double[][] g = clippedGradients(new SGD(1.0).clipNorm(5.0), form, new double[] {30, 40}, new double[] {0.3, 0.4});
        // (30, 40) has norm 50 > 5: scaled to (3, 4); (0.3, 0.4) has norm 0.5 <= 5: untouched (per tensor, as Keras)
        assertEquals(3.0, g[0][0], 1e-12);
        assertEquals(4.0, g[0][1], 1e-12);
        assertEquals(5.0, Math.hypot(g[0][0], g[0][1]), 1e-12);
        assertEquals(0.3, g[1][0], 0.0);
        assertEquals(0.4, g[1][1], 0.0);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void globalClipNormScalesAllGradientsTogether(Drive.Form form) {
        // the joint norm is sqrt(30² + 40² + 0.3² + 0.4²) > 5: every gradient is scaled by 5 / that norm
        double n = Math.sqrt(30 * 30 + 40 * 40 + 0.3 * 0.3 + 0.4 * 0.4);
        double[][] g = clippedGradients(new SGD(1.0).globalClipNorm(5.0), form, new double[] {30, 40}, new double[] {0.3, 0.4});
        assertEquals(30 * 5 / n, g[0][0], 1e-12);
        assertEquals(40 * 5 / n, g[0][1], 1e-12);
        assertEquals(0.3 * 5 / n, g[1][0], 1e-12);
        assertEquals(0.4 * 5 / n, g[1][1], 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void clipValueClampsElements(Drive.Form form) {
        double[][] g = clippedGradients(new SGD(1.0).clipValue(1.0), form, new double[] {-3, 0.5, 7, -0.25});
        assertEquals(-1.0, g[0][0], 0.0);
        assertEquals(0.5, g[0][1], 0.0);
        assertEquals(1.0, g[0][2], 0.0);
        assertEquals(-0.25, g[0][3], 0.0);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void normClippingComesBeforeValueClipping(Drive.Form form) {
        // (30, 40) → norm-clipped to (3, 4) → value-clipped to (2, 2); the other order would give (1.41, 1.41)
        double[][] g = clippedGradients(new SGD(1.0).clipNorm(5.0).clipValue(2.0), form, new double[] {30, 40});
        assertEquals(2.0, g[0][0], 0.0);
        assertEquals(2.0, g[0][1], 0.0);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void clippingFeedsTheRuleNotJustSgd(Drive.Form form) {
        // Adagrad's first step is lr * g / |g| whatever the scale, but its accumulator keeps the clipped g²
        Optimizer o = new Adagrad(1.0).epsilon(0).clipNorm(1.0);
        Drive.run(o, form, new double[][] {{0, 0}}, new double[][][] {{{30, 40}}});
        double[] acc = o.state().get("0/accumulator").toDoubleArray();
        assertEquals(0.6 * 0.6, acc[0], 1e-12);
        assertEquals(0.8 * 0.8, acc[1], 1e-12);
    }

    @Test
    void badClipValuesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SGD().clipNorm(-1));
        assertEquals("SGD: clipNorm must be finite and >= 0 (0 = off), got -1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Adam().clipValue(Double.NaN));
    }
}
