// Counter-based random numbers: value i of a stream is a pure function of (seed, i), so any device agrees.
package dev.vela.cpu;

/**
 * A stateless generator: {@code uniform(seed, i)} hashes the pair with the SplitMix64 finaliser. Because
 * each element depends only on its position, kernels can fill tensors in parallel, and another backend
 * can reproduce the same numbers.
 */
public final class CounterRng {
    private CounterRng() {}

    /** 64 well-mixed bits for position {@code i} of stream {@code seed}. */
    public static long bits(long seed, long i) {
        long z = seed * 0xD1B54A32D192ED03L + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long i) {
        return (bits(seed, i) >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box-Muller over two derived streams). */
    public static double normal(long seed, long i) {
        double u1 = (bits(seed, 2 * i) >>> 11) * 0x1.0p-53;
        double u2 = (bits(seed, 2 * i + 1) >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
