// Seeded, counter-based random generators; Vela.seed(n) reseeds the default one.
package dev.vela;


import java.util.concurrent.atomic.AtomicLong;

/**
 * A random stream: a seed and a counter. Each draw of n numbers takes the next n positions, and every
 * number is a pure function of (seed, position), so results do not depend on threads or device.
 * <pre>{@code
 * Generator g = new Generator(42);
 * Tensor a = Tensor.randn(g, 3, 3);
 * }</pre>
 */
public final class Generator {
    private static volatile Generator defaultGen = new Generator(0x5EED_0F_7E1AL);

    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    public Generator(long seed) { this.seed = seed; }

    public long seed() { return seed; }

    /** The generator behind {@link Tensor#rand}, {@link Tensor#randn} and dropout. */
    public static Generator defaultGenerator() { return defaultGen; }

    static void reseedDefault(long seed) { defaultGen = new Generator(seed); }

    private long take(long n) { return counter.getAndAdd(n); }

    /** Uniform values in [low, high). */
    public Tensor uniform(DType dtype, double low, double high, int... shape) {
        Tensor t = Kern.empty(dtype, Shape.of(shape).raw(), Device.defaultDevice());
        Kern.be(t).randomUniform(t.view(), seed, take(t.size()), low, high);
        return t;
    }

    /** Normal values with the given mean and standard deviation. */
    public Tensor normal(DType dtype, double mean, double std, int... shape) {
        Tensor t = Kern.empty(dtype, Shape.of(shape).raw(), Device.defaultDevice());
        Kern.be(t).randomNormal(t.view(), seed, take(t.size()), mean, std);
        return t;
    }

    /** 1 with probability p, else 0, as float32. */
    public Tensor bernoulli(double p, int... shape) {
        return uniform(DType.FLOAT64, 0, 1, shape).lt(p).to(Vela.floatx());
    }

    /** Normal values, redrawn until within two standard deviations (Keras's truncated_normal). */
    public Tensor truncatedNormal(DType dtype, double mean, double std, int... shape) {
        double[] v = normal(DType.FLOAT64, 0, 1, shape).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            while (Math.abs(v[i]) > 2) v[i] = normal(DType.FLOAT64, 0, 1).item();
            v[i] = mean + std * v[i];
        }
        return Tensor.fromArray(v, dtype, shape);
    }

    /** A random permutation of 0..n-1 (Fisher-Yates over this stream). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        long base = take(n);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) Math.floor(dev.vela.cpu.CounterRng.uniform(seed, base + i) * (i + 1));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

}
