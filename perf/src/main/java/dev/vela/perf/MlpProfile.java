/*
 * Per-step profile of the compiled MNIST MLP training step (the model of MlpStepBench):
 * java --add-modules jdk.incubator.vector -cp perf/target/benchmarks.jar dev.vela.perf.MlpProfile [batch] [steps]
 */
package dev.vela.perf;

import dev.vela.KFunction;
import dev.vela.Tensor;
import dev.vela.nn.Model;
import dev.vela.nn.Sequential;

/** Warms the compiled step up, then times it and prints the per-op profile of its {@code KFunction}. */
public final class MlpProfile {
    private MlpProfile() {}

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Tensor[] xs = new Tensor[64], ys = new Tensor[64];
        MlpStepBench.batches(batch, xs, ys);
        Sequential m = MlpStepBench.mlp(false);
        for (int i = 0; i < steps; i++) m.trainOnBatch(xs[i & 63], ys[i & 63]);
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) m.trainOnBatch(xs[i & 63], ys[i & 63]);
            System.out.printf("batch %d: %.1f us/step%n", batch, (System.nanoTime() - t0) / 1e3 / steps);
        }
        var f = Model.class.getDeclaredField("trainFn");
        f.setAccessible(true);
        KFunction fn = (KFunction) f.get(m);
        fn.profiling(true);
        for (int i = 0; i < steps; i++) m.trainOnBatch(xs[i & 63], ys[i & 63]);
        System.out.print(fn.profile());
        System.out.println(fn.describe());
    }
}
