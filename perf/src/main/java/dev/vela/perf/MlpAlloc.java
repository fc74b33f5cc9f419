/*
 * Allocated bytes per compiled MNIST MLP training step (the model of MlpStepBench), measured with the thread's
 * allocation counter (and with -Djfr=FILE -XX:-UseTLAB, a JFR census of 100 steps' allocations): java --add-modules jdk.incubator.vector -cp perf/target/benchmarks.jar dev.vela.perf.MlpAlloc [batch] [steps]
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
        Tensor[] xs = new Tensor[64], ys = new Tensor[64];
        MlpStepBench.batches(batch, xs, ys);
        Sequential m = MlpStepBench.mlp(false);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        double sink = 0;
        for (int i = 0; i < steps; i++) sink += m.trainOnBatch(xs[i & 63], ys[i & 63]).get(0);
        for (int rep = 0; rep < 3; rep++) {
            long a0 = mx.getThreadAllocatedBytes(id), all0 = mx.getTotalThreadAllocatedBytes(), t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) sink += m.trainOnBatch(xs[i & 63], ys[i & 63]).get(0);
            long t1 = System.nanoTime(), a1 = mx.getThreadAllocatedBytes(id), all1 = mx.getTotalThreadAllocatedBytes();
            System.out.printf("batch %d: %.1f bytes/step on the calling thread, %.1f on all threads (the kernels' pool"
                    + " included), %.1f us/step%n", batch, (a1 - a0) / (double) steps, (all1 - all0) / (double) steps,
                    (t1 - t0) / 1e3 / steps);
        }
        String jfr = System.getProperty("jfr"); // with -XX:-UseTLAB every allocation is an event: a full census
        if (jfr != null) {
            try (var r = new jdk.jfr.Recording()) {
                r.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
                r.start();
                for (int i = 0; i < 100; i++) sink += m.trainOnBatch(xs[i & 63], ys[i & 63]).get(0);
                r.stop();
                r.dump(java.nio.file.Path.of(jfr));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (sink == 42) System.out.println();
    }
}
