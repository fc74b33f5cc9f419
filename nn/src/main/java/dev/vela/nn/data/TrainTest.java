// sklearn.model_selection.train_test_split: a seeded shuffled split of (x, y) rows into train and test parts.
package dev.vela.nn.data;

import dev.vela.Generator;
import dev.vela.Tensor;

/**
 * Splits samples into a training and a test part, like scikit-learn's {@code train_test_split}: a fractional
 * {@code testSize} in (0, 1) takes {@code ceil(testSize * n)} test samples, an integer one takes exactly that
 * many; the rest is the training part. With shuffling (the default) the rows are drawn by a seeded
 * permutation (the first {@code nTest} of it are the test rows); without, the test part is the last
 * {@code nTest} rows. The same seed gives the same split.
 * <pre>{@code
 * jshell> XY moons = Datasets.makeMoons(1000, 0.2, 0);
 * jshell> TrainTest.Split s = TrainTest.split(moons.x(), moons.y(), 0.5, 42);
 * jshell> s.xTrain().shape() + " " + s.xTest().shape()
 * $3 ==> "(500, 2) (500, 2)"
 * }</pre>
 */
public final class TrainTest {
    private TrainTest() {}

    /**
     * The four parts in scikit-learn's order, and the row indices each part took from the input.
     *
     * @param xTrain     training inputs
     * @param xTest      test inputs
     * @param yTrain     training targets (null when y was null)
     * @param yTest      test targets (null when y was null)
     * @param trainIndex the input rows of the training part, in its order
     * @param testIndex  the input rows of the test part, in its order
     */
    public record Split(Tensor xTrain, Tensor xTest, Tensor yTrain, Tensor yTest, int[] trainIndex, int[] testIndex) {
        /** The training part as a pair. */
        public XY train() { return new XY(xTrain, yTrain); }

        /** The test part as a pair. */
        public XY test() { return new XY(xTest, yTest); }
    }

    /** A shuffled split with a fraction {@code testSize} in (0, 1) of the samples (rounded up) for testing. */
    public static Split split(Tensor x, Tensor y, double testSize, long seed) {
        return split(x, y, testSize, seed, true);
    }

    /** A shuffled split with exactly {@code testCount} test samples. */
    public static Split split(Tensor x, Tensor y, int testCount, long seed) {
        int n = samples(x, y);
        return take(x, y, indices(n, nTestCount(n, testCount), seed, true));
    }

    /** As {@link #split(Tensor, Tensor, double, long)}; without {@code shuffle} the test part is the last rows. */
    public static Split split(Tensor x, Tensor y, double testSize, long seed, boolean shuffle) {
        int n = samples(x, y);
        return take(x, y, indices(n, nTestFraction(n, testSize), seed, shuffle));
    }

    /** The number of test samples scikit-learn takes for a fraction: {@code ceil(testSize * n)}, checked. */
    public static int testCount(int n, double testSize) { return nTestFraction(n, testSize); }

    private static int nTestFraction(int n, double testSize) {
        if (!(testSize > 0 && testSize < 1)) {
            throw new IllegalArgumentException("trainTestSplit: testSize=" + testSize
                    + " should be in (0, 1) as a fraction, or a whole number of samples (use the int overload)");
        }
        int nTest = (int) Math.ceil(testSize * n);
        if (n - nTest <= 0) {
            throw new IllegalArgumentException("trainTestSplit: with n_samples=" + n + " and testSize=" + testSize
                    + ", the resulting train set will be empty");
        }
        return nTest;
    }

    private static int nTestCount(int n, int testCount) {
        if (testCount <= 0 || testCount >= n) {
            throw new IllegalArgumentException("trainTestSplit: testSize=" + testCount
                    + " should be between 1 and n_samples - 1 = " + (n - 1) + " (n_samples=" + n + ")");
        }
        return testCount;
    }

    private static int samples(Tensor x, Tensor y) {
        if (x.rank() == 0) throw new IllegalArgumentException("trainTestSplit: x must have a sample dimension, got a scalar");
        int n = x.shape().dim(0);
        if (y != null && (y.rank() == 0 || y.shape().dim(0) != n)) {
            throw new IllegalArgumentException("trainTestSplit: x and y have different numbers of samples: x " + x.shape()
                    + ", y " + y.shape());
        }
        return n;
    }

    /** {trainIndex, testIndex}. */
    private static int[][] indices(int n, int nTest, long seed, boolean shuffle) {
        int nTrain = n - nTest;
        int[] perm;
        if (shuffle) {
            perm = new Generator(seed).permutation(n);
        } else {
            // unshuffled: train first, test last, like sklearn with shuffle=False
            perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = (i + nTrain) % n;
        }
        int[] test = java.util.Arrays.copyOfRange(perm, 0, nTest);
        int[] train = java.util.Arrays.copyOfRange(perm, nTest, n);
        return new int[][] {train, test};
    }

    private static Split take(Tensor x, Tensor y, int[][] idx) {
        return new Split(rows(x, idx[0]), rows(x, idx[1]), y == null ? null : rows(y, idx[0]),
                y == null ? null : rows(y, idx[1]), idx[0], idx[1]);
    }

    /** The rows {@code index} of {@code t} (along dimension 0), as a new contiguous tensor. */
    static Tensor rows(Tensor t, int[] index) {
        return t.gather(Tensor.of(index), 0).contiguous();
    }
}
