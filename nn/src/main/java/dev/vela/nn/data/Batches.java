// Minibatches of (x, y) rows for training loops, in order or shuffled per epoch by a seed.
package dev.vela.nn.data;

import dev.vela.Generator;
import dev.vela.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits {@code (x, y)} along dimension 0 into minibatches of {@code batchSize} rows, the last one partial
 * (unless {@link #dropRemainder()} is asked for). Each {@link #iterator()} is one epoch that covers every sample
 * exactly once; with {@link #shuffle(long)} each epoch visits the samples in a fresh order that depends only on
 * the seed and the epoch number, so a run with the same seed sees the same batches. Unshuffled batches are views
 * of {@code x} and {@code y}; shuffled ones are gathered copies.
 * <pre>{@code
 * jshell> Batches b = Batches.of(x, y, 32).shuffle(7);        // x (100, 2), y (100,)
 * jshell> b.numBatches()
 * $2 ==> 4
 * jshell> for (XY batch : b) { ... batch.x() is (32, 2), the last (4, 2) ... }
 * }</pre>
 */
public final class Batches implements Iterable<XY> {
    private final Tensor x, y;
    private final int batchSize;
    private final boolean shuffle, dropRemainder;
    private final long seed;
    private int epochsStarted;

    private Batches(Tensor x, Tensor y, int batchSize, boolean shuffle, long seed, boolean dropRemainder) {
        this.x = x;
        this.y = y;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropRemainder = dropRemainder;
    }

    /**
     * In-order batches of {@code x} and {@code y} (y may be null: batches then carry a null y).
     *
     * @throws IllegalArgumentException when x and y differ in samples or batchSize is not positive
     */
    public static Batches of(Tensor x, Tensor y, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("Batches: batchSize must be positive, got " + batchSize);
        new XY(x, y); // checks the sample counts
        if (x.rank() == 0) throw new IllegalArgumentException("Batches: x must have a sample dimension, got a scalar");
        return new Batches(x, y, batchSize, false, 0, false);
    }

    /** The same batches, with the samples reshuffled every epoch from {@code seed}. */
    public Batches shuffle(long seed) { return new Batches(x, y, batchSize, true, seed, dropRemainder); }

    /** The same batches without the last one when it would be smaller than {@code batchSize}. */
    public Batches dropRemainder() { return new Batches(x, y, batchSize, shuffle, seed, true); }

    /** The number of samples. */
    public int size() { return x.shape().dim(0); }

    /** The number of batches per epoch. */
    public int numBatches() {
        int n = size();
        return dropRemainder ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the samples (the identity when unshuffled). */
    public int[] order(int epoch) {
        int n = size();
        if (shuffle) return new Generator(mix(seed, epoch)).permutation(n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    /** The batches of epoch {@code epoch} (0-based), independent of how many epochs were iterated before. */
    public Iterator<XY> epoch(int epoch) {
        int[] order = shuffle ? order(epoch) : null;
        int n = size(), count = numBatches();
        return new Iterator<>() {
            int b = 0;

            @Override
            public boolean hasNext() { return b < count; }

            @Override
            public XY next() {
                if (!hasNext()) throw new NoSuchElementException("Batches: epoch " + epoch + " has " + count + " batches");
                int start = b * batchSize, end = Math.min(n, start + batchSize);
                b++;
                if (order == null) {
                    return new XY(x.slice(0, start, end), y == null ? null : y.slice(0, start, end));
                }
                int[] idx = java.util.Arrays.copyOfRange(order, start, end);
                return new XY(TrainTest.rows(x, idx), y == null ? null : TrainTest.rows(y, idx));
            }
        };
    }

    /** The next epoch: the first call gives epoch 0, the next epoch 1, and so on. */
    @Override
    public Iterator<XY> iterator() { return epoch(epochsStarted++); }

    /** A seed per epoch (SplitMix64's finaliser over seed and epoch), so epochs are independent and reproducible. */
    private static long mix(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
