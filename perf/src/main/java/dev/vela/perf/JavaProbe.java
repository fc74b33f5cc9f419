/*
 * The Java fallback of ./vela bench's machine probe, used when gcc is absent: an FMA peak estimate with
 * the Vector API on one and all cores, and the bandwidth of a large copy-scale-add loop.
 */
package dev.vela.perf;

import java.util.Locale;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Prints the same lines as probe.c: fma_peak_1core, fma_peak_all, bandwidth, cores. */
public final class JavaProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private JavaProbe() {}

    static double fma(long iters) {
        FloatVector b = FloatVector.broadcast(S, 1.0000001f), c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 0), a1 = FloatVector.broadcast(S, 1), a2 = FloatVector.broadcast(S, 2),
                a3 = FloatVector.broadcast(S, 3), a4 = FloatVector.broadcast(S, 4), a5 = FloatVector.broadcast(S, 5),
                a6 = FloatVector.broadcast(S, 6), a7 = FloatVector.broadcast(S, 7);
        for (long k = 0; k < iters; k++) {
            a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c);
            a4 = a4.fma(b, c); a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c);
        }
        float s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        if (s == 42) System.out.print("");
        return 2.0 * 8 * S.length() * iters;
    }

    static double peak(int threads, long iters) {
        double best = 0;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            double flops = IntStream.range(0, threads).parallel().mapToDouble(i -> fma(iters)).sum();
            best = Math.max(best, flops / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return best;
    }

    public static void main(String[] args) {
        boolean quick = args.length > 0;
        int cores = Runtime.getRuntime().availableProcessors();
        long iters = quick ? 5_000_000L : 50_000_000L;
        System.out.printf(Locale.ROOT, "fma_peak_1core %.1f GFLOP/s%n", peak(1, iters));
        System.out.printf(Locale.ROOT, "fma_peak_all %.1f GFLOP/s%n", peak(cores, iters));
        int n = (quick ? 16 : 64) << 20;
        float[] x = new float[n], y = new float[n];
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            IntStream.range(0, cores).parallel().forEach(t -> {
                int lo = (int) ((long) n * t / cores), hi = (int) ((long) n * (t + 1) / cores);
                for (int i = lo; i < hi; i++) y[i] = 0.5f * x[i] + y[i];
            });
            best = Math.max(best, 12.0 * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        System.out.printf(Locale.ROOT, "bandwidth %.1f GB/s%n", best);
        System.out.println("cores " + cores);
    }
}
