/*
 * Tests the sample generators: makeMoons points on the two half circles (noise 0), balanced labels, noise of the
 * requested size, reproducible seeds; makeCircles radii; makeBlobs counts and centres.
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import org.junit.jupiter.api.Test;

class DatasetsTest {
    @Test
    void moonsWithoutNoiseLieOnTheHalfCircles() {
        for (int n : new int[] {1000, 101}) {
            XY d = Datasets.makeMoons(n, 0, 0);
            assertEquals("(" + n + ", 2)", d.x().shape().toString());
            assertEquals(DType.FLOAT32, d.x().dtype());
            assertEquals(DType.INT32, d.y().dtype());
            float[] x = d.x().toFloatArray();
            int[] y = d.y().toIntArray();
            int[] count = new int[2];
            boolean outerRight = false, outerLeft = false, innerLeft = false, innerRight = false;
            for (int i = 0; i < n; i++) {
                double a = x[2 * i], b = x[2 * i + 1];
                count[y[i]]++;
                if (y[i] == 0) {      // (cos t, sin t)
                    assertEquals(1, a * a + b * b, 1e-6, "outer point " + i);
                    assertTrue(b >= -1e-7, "outer half circle is the upper one");
                    outerRight |= Math.abs(a - 1) < 1e-7 && Math.abs(b) < 1e-7;
                    outerLeft |= Math.abs(a + 1) < 1e-7 && Math.abs(b) < 1e-6;
                } else {              // (1 - cos t, 1 - sin t - 0.5)
                    assertEquals(1, y[i]);
                    assertEquals(1, (a - 1) * (a - 1) + (b - 0.5) * (b - 0.5), 1e-6, "inner point " + i);
                    assertTrue(b <= 0.5 + 1e-7, "inner half circle is the lower one");
                    innerLeft |= Math.abs(a) < 1e-7 && Math.abs(b - 0.5) < 1e-7;
                    innerRight |= Math.abs(a - 2) < 1e-7 && Math.abs(b - 0.5) < 1e-6;
                }
            }
            assertEquals(n / 2, count[0], "n / 2 outer points");
            assertEquals(n - n / 2, count[1]);
            assertTrue(outerRight && outerLeft && innerLeft && innerRight, "t runs over [0, pi] inclusive");
            boolean sorted = true;
            for (int i = 1; i < n; i++) sorted &= y[i] >= y[i - 1];
            assertFalse(sorted, "shuffled");
        }
        int[] unshuffled = Datasets.makeMoons(6, 0, 0, false).y().toIntArray();
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, unshuffled);
        float[] ux = Datasets.makeMoons(6, 0, 0, false).x().toFloatArray();
        assertArrayEquals(new float[] {1, 0, 0, 1, -1, 0, 0, 0.5f, 1, -0.5f, 2, 0.5f}, ux, 1e-7f);
    }

    @Test
    void moonsNoiseAndSeeds() {
        XY clean = Datasets.makeMoons(2000, 0, 5, false), noisy = Datasets.makeMoons(2000, 0.2, 5, false);
        float[] c = clean.x().toFloatArray(), z = noisy.x().toFloatArray();
        double s = 0, s2 = 0;
        for (int i = 0; i < c.length; i++) {
            double e = z[i] - c[i];
            s += e;
            s2 += e * e;
        }
        double mean = s / c.length, std = Math.sqrt(s2 / c.length - mean * mean);
        assertEquals(0, mean, 0.02);
        assertEquals(0.2, std, 0.01);
        assertArrayEquals(Datasets.makeMoons(300, 0.2, 9).x().toFloatArray(),
                Datasets.makeMoons(300, 0.2, 9).x().toFloatArray(), 0f, "same seed, same data");
        assertNotEquals(Datasets.makeMoons(300, 0.2, 9).x().toFloatArray()[0],
                Datasets.makeMoons(300, 0.2, 10).x().toFloatArray()[0]);
        assertThrows(IllegalArgumentException.class, () -> Datasets.makeMoons(10, -0.1, 0));
    }

    @Test
    void circles() {
        XY d = Datasets.makeCircles(400, 0, 0.5, 1);
        float[] x = d.x().toFloatArray();
        int[] y = d.y().toIntArray();
        int inner = 0;
        for (int i = 0; i < y.length; i++) {
            double r = Math.hypot(x[2 * i], x[2 * i + 1]);
            assertEquals(y[i] == 0 ? 1.0 : 0.5, r, 1e-6, "point " + i);
            inner += y[i];
        }
        assertEquals(200, inner);
        float[] plain = Datasets.makeCircles(4, 0, 0.3, 0, false).x().toFloatArray();
        // angles 0 and pi (endpoint excluded) on each circle
        assertArrayEquals(new float[] {1, 0, -1, 0, 0.3f, 0, -0.3f, 0}, plain, 1e-7f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.makeCircles(10, 0, 1, 0));
        assertTrue(e.getMessage().contains("factor"), e.getMessage());
    }

    @Test
    void blobs() {
        double[][] centers = {{0, 0}, {20, 0}, {0, 20}};
        XY d = Datasets.makeBlobs(301, centers, 0.5, 2);
        float[] x = d.x().toFloatArray();
        int[] y = d.y().toIntArray();
        int[] count = new int[3];
        double[][] sum = new double[3][2];
        for (int i = 0; i < y.length; i++) {
            count[y[i]]++;
            sum[y[i]][0] += x[2 * i];
            sum[y[i]][1] += x[2 * i + 1];
            // far-apart centres: every point is nearest its own
            int best = 0;
            for (int c = 1; c < 3; c++) {
                if (Math.hypot(x[2 * i] - centers[c][0], x[2 * i + 1] - centers[c][1])
                        < Math.hypot(x[2 * i] - centers[best][0], x[2 * i + 1] - centers[best][1])) best = c;
            }
            assertEquals(y[i], best, "point " + i);
        }
        assertArrayEquals(new int[] {101, 100, 100}, count, "n / k each, the first n % k get one more");
        for (int c = 0; c < 3; c++) {
            assertEquals(centers[c][0], sum[c][0] / count[c], 0.2);
            assertEquals(centers[c][1], sum[c][1] / count[c], 0.2);
        }
        XY r = Datasets.makeBlobs(100, 4, 1.0, 3);
        assertEquals("(100, 2)", r.x().shape().toString());
        float[] rx = r.x().toFloatArray();
        for (float v : rx) assertTrue(Math.abs(v) < 10 + 6, "centres lie in [-10, 10)");
        assertArrayEquals(rx, Datasets.makeBlobs(100, 4, 1.0, 3).x().toFloatArray(), 0f);
    }
}
