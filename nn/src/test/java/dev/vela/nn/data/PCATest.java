/*
 * Tests PCA on data whose covariance is known exactly (orthogonal Hadamard columns rotated by a known rotation),
 * on points along a known direction, on random data (reconstruction, orthonormal components, transform by hand),
 * the sign convention, the variance-ratio form, MNIST against NumPy's numbers, and bad input.
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

class PCATest {
    /** A rotation: its columns are the principal axes of the data below. */
    private static final double[][] R;

    static {
        double a = 0.3, b = -1.1;   // Rz(a) * Rx(b)
        double[][] rz = {{Math.cos(a), -Math.sin(a), 0}, {Math.sin(a), Math.cos(a), 0}, {0, 0, 1}};
        double[][] rx = {{1, 0, 0}, {0, Math.cos(b), -Math.sin(b)}, {0, Math.sin(b), Math.cos(b)}};
        R = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) R[i][j] += rz[i][k] * rx[k][j];
    }

    private static final double[] MU = {5, -2, 0.5};

    /**
     * Four points: Z has orthogonal, centred columns 3*h1, 2*h2, 1*h3 (Hadamard rows), so the covariance of
     * Z Rᵀ + mu is R diag(12, 16/3, 4/3) Rᵀ (divisor n - 1 = 3).
     */
    private static double[][] z() {
        double[][] h = {{1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
        double[] s = {3, 2, 1};
        double[][] z = new double[4][3];
        for (int i = 0; i < 4; i++) for (int k = 0; k < 3; k++) z[i][k] = s[k] * h[k][i];
        return z;
    }

    private static Tensor knownData(DType dt) {
        double[][] z = z();
        double[] x = new double[12];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                double v = MU[j];
                for (int k = 0; k < 3; k++) v += z[i][k] * R[j][k];
                x[i * 3 + j] = v;
            }
        }
        return Tensor.fromArray(x, dt, 4, 3);
    }

    @Test
    void knownCovarianceGivesKnownComponentsAndVariances() {
        PCA pca = new PCA(3);
        Tensor x = knownData(DType.FLOAT64);
        Tensor t = pca.fitTransform(x);
        assertArrayEquals(new double[] {12, 16.0 / 3, 4.0 / 3}, pca.explainedVariance(), 1e-10);
        assertArrayEquals(new double[] {36.0 / 56, 16.0 / 56, 4.0 / 56}, pca.explainedVarianceRatio(), 1e-12);
        assertArrayEquals(MU, pca.mean().toDoubleArray(), 1e-12);
        double[] comp = pca.components().toDoubleArray();
        double[][] z = z();
        double[] proj = t.toDoubleArray();
        for (int k = 0; k < 3; k++) {
            // component k is column k of R, signed so that its largest-magnitude entry is positive
            int big = 0;
            for (int j = 1; j < 3; j++) if (Math.abs(R[j][k]) > Math.abs(R[big][k])) big = j;
            double sign = Math.signum(R[big][k]);
            for (int j = 0; j < 3; j++) assertEquals(sign * R[j][k], comp[k * 3 + j], 1e-9, "component " + k + " entry " + j);
            // and the projections are the original Z columns with the same sign
            for (int i = 0; i < 4; i++) assertEquals(sign * z[i][k], proj[i * 3 + k], 1e-9);
        }
        assertArrayEquals(x.toDoubleArray(), pca.inverseTransform(t).toDoubleArray(), 1e-12);

        // float32 data: the same answers to float32 precision
        PCA p32 = new PCA(2).fit(knownData(DType.FLOAT32));
        assertEquals(DType.FLOAT32, p32.components().dtype());
        assertArrayEquals(new double[] {12, 16.0 / 3}, p32.explainedVariance(), 1e-4);
        float[] c32 = p32.components().toFloatArray();
        for (int j = 0; j < 6; j++) assertEquals(comp[j], c32[j], 1e-5);
        assertEquals("(4, 2)", p32.transform(knownData(DType.FLOAT32)).shape().toString());
    }

    @Test
    void pointsAlongADirection() {
        int n = 500;
        double[] u = {3 / 13.0, -4 / 13.0, 12 / 13.0};   // unit length
        double[] w = {4 / 5.0, 3 / 5.0, 0};               // orthogonal to u
        double[] t = new Generator(1).normal(DType.FLOAT64, 0, 2, n).toDoubleArray();
        double[] e = new Generator(2).normal(DType.FLOAT64, 0, 0.01, n).toDoubleArray();
        double[] x = new double[n * 3];
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) x[i * 3 + j] = 1 + t[i] * u[j] + e[i] * w[j];
        PCA pca = new PCA(1).fit(Tensor.fromArray(x, DType.FLOAT32, n, 3));
        float[] c = pca.components().toFloatArray();
        double dot = c[0] * u[0] + c[1] * u[1] + c[2] * u[2];
        assertEquals(1, dot, 1e-5, "first component parallel to u, and positive where u's largest entry is");
        assertTrue(pca.explainedVarianceRatio()[0] > 0.9999, "ratio " + pca.explainedVarianceRatio()[0]);
        double mt = 0, vt = 0;
        for (double v : t) mt += v / n;
        for (double v : t) vt += (v - mt) * (v - mt) / (n - 1);
        assertEquals(vt, pca.explainedVariance()[0], 1e-4 * vt, "variance along u with divisor n - 1");
    }

    @Test
    void randomDataRoundTripsAndProjectsAsByHand() {
        int n = 50, d = 6;
        Tensor x = new Generator(5).normal(DType.FLOAT64, 0, 1, n, d)
                .matmul(new Generator(6).normal(DType.FLOAT64, 0, 1, d, d)).add(3.0);
        PCA all = new PCA(0).fit(x);
        assertEquals(d, all.nComponents());
        Tensor c = all.components();
        double[] cct = c.matmul(c.transpose()).toDoubleArray();
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) assertEquals(i == j ? 1 : 0, cct[i * d + j], 1e-10);
        double[] ev = all.explainedVariance();
        for (int i = 1; i < d; i++) assertTrue(ev[i - 1] >= ev[i], "sorted by variance");
        double sum = 0;
        for (double r : all.explainedVarianceRatio()) sum += r;
        assertEquals(1, sum, 1e-12);
        // total variance = trace of the covariance, computed here directly
        double[] xv = x.toDoubleArray();
        double trace = 0;
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += xv[i * d + j] / n;
            for (int i = 0; i < n; i++) trace += (xv[i * d + j] - m) * (xv[i * d + j] - m) / (n - 1);
        }
        double evSum = 0;
        for (double v : ev) evSum += v;
        assertEquals(trace, evSum, 1e-9 * trace);
        assertArrayEquals(xv, all.inverseTransform(all.transform(x)).toDoubleArray(), 1e-10);

        // three components: transform = (x - mean) @ components^T, computed here with plain loops
        PCA three = new PCA(3).fit(x);
        double[] comp = three.components().toDoubleArray(), mu = three.mean().toDoubleArray();
        double[] z = three.transform(x).toDoubleArray();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += (xv[i * d + j] - mu[j]) * comp[k * d + j];
                assertEquals(s, z[i * 3 + k], 1e-10);
            }
        }
        for (int k = 0; k < 3; k++) {
            int big = 0;
            for (int j = 1; j < d; j++) if (Math.abs(comp[k * d + j]) > Math.abs(comp[k * d + big])) big = j;
            assertTrue(comp[k * d + big] > 0, "largest-magnitude entry of component " + k + " is positive");
        }
        assertEquals(ev[3] / 3 + ev[4] / 3 + ev[5] / 3, three.noiseVariance(), 1e-10);

        PCA byRatio = PCA.ofVarianceRatio(0.9).fit(x);
        double[] ratios = all.explainedVarianceRatio();
        int k = 0;
        double cum = 0;
        while (cum <= 0.9) cum += ratios[k++];
        assertEquals(k, byRatio.nComponents());
    }

    @Test
    void mnistVariancesMatchNumPy() throws java.io.IOException {
        java.nio.file.Path data = java.nio.file.Path.of(System.getProperty("vela.shared", "../../shared")).resolve("data");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isRegularFile(data.resolve("mnist/train-images-idx3-ubyte.gz")),
                "MNIST is not available at " + data.resolve("mnist").toAbsolutePath() + "; skipping");
        Tensor x = Mnist.load(data, true).xTrain().reshape(60000, 784);
        PCA pca = new PCA(60);
        Tensor z = pca.fitTransform(x);
        assertEquals("(60000, 60)", z.shape().toString());
        // reference: NumPy in float64, eigvalsh of the covariance of x_train / 255 (divisor n - 1), which is
        // what scikit-learn's PCA reports as explained_variance_ and explained_variance_ratio_
        assertArrayEquals(new double[] {5.11687301, 3.74139084, 3.25270845, 2.8416207, 2.56711774},
                java.util.Arrays.copyOf(pca.explainedVariance(), 5), 2e-4);
        assertArrayEquals(new double[] {0.09704664, 0.07095924, 0.06169089, 0.05389419, 0.04868797},
                java.util.Arrays.copyOf(pca.explainedVarianceRatio(), 5), 2e-6);
        double sum = 0;
        for (double r : pca.explainedVarianceRatio()) sum += r;
        assertEquals(0.85263557, sum, 1e-5, "60 components keep 85 % of the variance (NumPy: 0.85263557)");
    }

    @Test
    void badInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PCA(2).fit(Tensor.ones(10, 4, 4)));
        assertTrue(e.getMessage().contains("reshape(10, -1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PCA(5).fit(Tensor.ones(4, 3)));
        assertTrue(e.getMessage().contains("min(n_samples, n_features)=3"), e.getMessage());
        PCA p = new PCA(2).fit(knownData(DType.FLOAT64));
        e = assertThrows(IllegalArgumentException.class, () -> p.transform(Tensor.ones(2, 4)));
        assertTrue(e.getMessage().contains("3 features"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new PCA(1).transform(Tensor.ones(2, 2)));
    }
}
