// sklearn.datasets sample generators: make_moons, make_circles, make_blobs, seeded and with sklearn's geometry.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;

/**
 * Toy data sets with scikit-learn's geometry: {@code x} is float32 {@code (n, features)}, {@code y} int32
 * {@code (n,)} class labels. Samples are shuffled (unless asked otherwise) and then Gaussian noise is added,
 * in that order as scikit-learn does, all from a {@link Generator} seeded with {@code seed}: the same seed gives
 * the same data (though not NumPy's numbers).
 * <pre>{@code
 * jshell> XY d = Datasets.makeMoons(1000, 0.2, 0);
 * jshell> d.x().shape() + " " + d.y().dtype()
 * $2 ==> "(1000, 2) int32"
 * jshell> Tensor yFloat = d.y().to(DType.FLOAT32);     // targets for binary cross-entropy
 * }</pre>
 */
public final class Datasets {
    private Datasets() {}

    /**
     * Two interleaving half circles ({@code make_moons}): {@code n / 2} (rounded down) points of class 0 on
     * {@code (cos t, sin t)} and the rest, class 1, on {@code (1 - cos t, 1 - sin t - 0.5)}, each for {@code t}
     * evenly spaced over {@code [0, pi]}; then shuffled and given Gaussian noise of standard deviation
     * {@code noise}.
     */
    public static XY makeMoons(int n, double noise, long seed) { return makeMoons(n, noise, seed, true); }

    /** As {@link #makeMoons(int, double, long)}; without {@code shuffle} the class-0 points come first. */
    public static XY makeMoons(int n, double noise, long seed, boolean shuffle) {
        checkN("makeMoons", n);
        checkNoise("makeMoons", noise);
        int nOut = n / 2, nIn = n - nOut;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        double[] tOut = linspace(0, Math.PI, nOut, true), tIn = linspace(0, Math.PI, nIn, true);
        for (int i = 0; i < nOut; i++) {
            x[2 * i] = Math.cos(tOut[i]);
            x[2 * i + 1] = Math.sin(tOut[i]);
        }
        for (int i = 0; i < nIn; i++) {
            int r = nOut + i;
            x[2 * r] = 1 - Math.cos(tIn[i]);
            x[2 * r + 1] = 1 - Math.sin(tIn[i]) - 0.5;
            y[r] = 1;
        }
        return finish(x, y, 2, noise, new Generator(seed), shuffle);
    }

    /**
     * A large circle containing a smaller one ({@code make_circles}): {@code n / 2} (rounded down) points of class
     * 0 on the unit circle and the rest, class 1, on the circle of radius {@code factor}, each at angles evenly
     * spaced over {@code [0, 2 pi)}; then shuffled and given Gaussian noise.
     *
     * @param factor the inner radius, in [0, 1)
     */
    public static XY makeCircles(int n, double noise, double factor, long seed) {
        return makeCircles(n, noise, factor, seed, true);
    }

    /** As {@link #makeCircles(int, double, double, long)}; without {@code shuffle} the outer circle comes first. */
    public static XY makeCircles(int n, double noise, double factor, long seed, boolean shuffle) {
        checkN("makeCircles", n);
        checkNoise("makeCircles", noise);
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("makeCircles: factor has to be between 0 and 1 (0 <= factor < 1), got " + factor);
        }
        int nOut = n / 2, nIn = n - nOut;
        double[] x = new double[2 * n];
        int[] y = new int[n];
        double[] tOut = linspace(0, 2 * Math.PI, nOut, false), tIn = linspace(0, 2 * Math.PI, nIn, false);
        for (int i = 0; i < nOut; i++) {
            x[2 * i] = Math.cos(tOut[i]);
            x[2 * i + 1] = Math.sin(tOut[i]);
        }
        for (int i = 0; i < nIn; i++) {
            int r = nOut + i;
            x[2 * r] = factor * Math.cos(tIn[i]);
            x[2 * r + 1] = factor * Math.sin(tIn[i]);
            y[r] = 1;
        }
        return finish(x, y, 2, noise, new Generator(seed), shuffle);
    }

    /**
     * Isotropic Gaussian blobs in 2-D ({@code make_blobs}) around {@code centers} centres drawn uniformly from
     * the box {@code [-10, 10)²} (by the same seeded generator, before the samples).
     */
    public static XY makeBlobs(int n, int centers, double std, long seed) {
        if (centers <= 0) throw new IllegalArgumentException("makeBlobs: centers must be positive, got " + centers);
        Generator g = new Generator(seed);
        double[] c = g.uniform(DType.FLOAT64, -10, 10, centers, 2).toDoubleArray();
        double[][] cs = new double[centers][];
        for (int i = 0; i < centers; i++) cs[i] = new double[] {c[2 * i], c[2 * i + 1]};
        return blobs("makeBlobs", n, cs, std, g, true);
    }

    /**
     * Isotropic Gaussian blobs around the given centres (each row one centre; all rows the same length, the number
     * of features): sample counts per centre are {@code n / k}, the first {@code n % k} centres getting one more;
     * class {@code i} is centre {@code i}.
     */
    public static XY makeBlobs(int n, double[][] centers, double std, long seed) {
        return blobs("makeBlobs", n, centers, std, new Generator(seed), true);
    }

    private static XY blobs(String op, int n, double[][] centers, double std, Generator g, boolean shuffle) {
        checkN(op, n);
        if (!(std >= 0) || Double.isInfinite(std)) throw new IllegalArgumentException(op + ": std must be >= 0, got " + std);
        int k = centers.length;
        if (k == 0) throw new IllegalArgumentException(op + ": need at least one centre");
        int f = centers[0].length;
        for (int i = 0; i < k; i++) {
            if (centers[i].length != f || f == 0) {
                throw new IllegalArgumentException(op + ": centre " + i + " has " + centers[i].length
                        + " coordinates, centre 0 has " + f + " (and there must be at least one)");
            }
        }
        double[] x = new double[n * f];
        int[] y = new int[n];
        int r = 0;
        for (int c = 0; c < k; c++) {
            int m = n / k + (c < n % k ? 1 : 0);
            for (int i = 0; i < m; i++, r++) {
                System.arraycopy(centers[c], 0, x, r * f, f);
                y[r] = c;
            }
        }
        return finish(x, y, f, std, g, shuffle);
    }

    /** Shuffles the rows, then adds N(0, noise²) to every coordinate (sklearn's order), and wraps as tensors. */
    private static XY finish(double[] x, int[] y, int f, double noise, Generator g, boolean shuffle) {
        int n = y.length;
        double[] xs = x;
        int[] ys = y;
        if (shuffle && n > 1) {
            int[] p = g.permutation(n);
            xs = new double[x.length];
            ys = new int[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, p[i] * f, xs, i * f, f);
                ys[i] = y[p[i]];
            }
        }
        if (noise > 0 && n > 0) {
            double[] e = g.normal(DType.FLOAT64, 0, noise, n, f).toDoubleArray();
            for (int i = 0; i < xs.length; i++) xs[i] += e[i];
        }
        return new XY(Tensor.fromArray(xs, DType.FLOAT32, n, f), Tensor.of(ys));
    }

    /** NumPy's linspace: {@code m} points from a to b, b included when {@code endpoint}. */
    static double[] linspace(double a, double b, int m, boolean endpoint) {
        double[] t = new double[m];
        int div = endpoint ? m - 1 : m;
        if (m == 1) {
            t[0] = a;
            return t;
        }
        double step = (b - a) / div;
        for (int i = 0; i < m; i++) t[i] = a + i * step;
        if (endpoint && m > 1) t[m - 1] = b;
        return t;
    }

    private static void checkN(String op, int n) {
        if (n < 0) throw new IllegalArgumentException(op + ": the number of samples must be >= 0, got " + n);
    }

    private static void checkNoise(String op, double noise) {
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException(op + ": noise must be a standard deviation >= 0, got " + noise);
        }
    }
}
