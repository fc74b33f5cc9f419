/*
 * Allocated bytes per compiled MNIST MLP training step (the model of MlpStepBench), measured with the thread's
 * allocation counter (and with -Djfr=FILE -XX:-UseTLAB, a JFR census of 100 steps' allocations): java --add-modules jdk.incubator.vector -cp perf/target/benchmarks.jar dev.vela.perf.MlpAlloc [batch] [steps] [array|list]
 * (array: model.trainOnBatch(x, y, results), the default; list: model.trainOnBatch(x, y), which returns a new List<Double>)
 */
package dev.vela.perf;

import dev.vela.Tensor;
import dev.vela.nn.Sequential;
import java.lang.management.ManagementFactory;

/** Warms the compiled step up, then prints the bytes the calling thread allocated per step. */
public final class MlpAlloc {
    private MlpAlloc() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        boolean list = args.length > 2 && args[2].equals("list");
        double[] results = new double[2];
        Tensor[] xs = new Tensor[64], ys = new Tensor[64];
        MlpStepBench.batches(batch, xs, ys);
        Sequential m = MlpStepBench.mlp(false);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        double sink = 0;
        for (int i = 0; i < steps; i++) sink += step(m, xs, ys, i, list, results);
        // with -Djfr=FILE (and -XX:-UseTLAB, so that every allocation is an event): a census of the measured steps
        String jfr = System.getProperty("jfr");
        jdk.jfr.Recording rec = jfr == null ? null : new jdk.jfr.Recording();
        if (rec != null) {
            rec.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            rec.start();
        }
        for (int rep = 0; rep < 3; rep++) {
            long a0 = mx.getThreadAllocatedBytes(id), all0 = mx.getTotalThreadAllocatedBytes(), t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) sink += step(m, xs, ys, i, list, results);
            long t1 = System.nanoTime(), a1 = mx.getThreadAllocatedBytes(id), all1 = mx.getTotalThreadAllocatedBytes();
            System.out.printf("batch %d (%s): %.1f bytes/step on the calling thread, %.1f on all threads (the kernels'"
                    + " pool included), %.1f us/step%n", batch, list ? "list" : "array", (a1 - a0) / (double) steps,
                    (all1 - all0) / (double) steps, (t1 - t0) / 1e3 / steps);
        }
        if (rec != null) {
            rec.stop();
            try {
                rec.dump(java.nio.file.Path.of(jfr));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            rec.close();
        }
        if (sink == 42) System.out.println();
    }

    private static double step(Sequential m, Tensor[] xs, Tensor[] ys, int i, boolean list, double[] results) {
        return list ? m.trainOnBatch(xs[i & 63], ys[i & 63]).get(0) : m.trainOnBatch(xs[i & 63], ys[i & 63], results);
    }
}
