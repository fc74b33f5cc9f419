/*
 * The GPU figures of the CUDA issue, timed with explicit synchronisation (JMH would time only the launches of
 * asynchronous kernels). Run on a machine with a CUDA device: .gpu/run dev.vela.perf.CudaBench [--quick]
 */
package dev.vela.perf;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.Generator;
import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.cuda.Cuda;
import dev.vela.nn.Dense;
import dev.vela.nn.Sequential;

import java.util.Arrays;
import java.util.Locale;

/**
 * Prints one line per figure, {@code name value unit percent-of-target}, where the targets are the first-pass
 * H100 targets of the issue (elementwise add 2.7 TB/s, row softmax and row sum 2 TB/s, SGEMM 35 TFLOP/s, tiny
 * eager op 6 µs, compiled MLP step 0.2 ms). Each figure is the median of 7 timed batches after a warm-up; a
 * batch runs the op k times and then waits for the device, so the time includes the kernels, not just
 * their launches.
 */
public final class CudaBench {
    private CudaBench() {}

    interface Body { void run(); }

    static final Device DEV = Device.cuda(0);

    /** Median seconds per call of body, over 7 batches of k calls each (after `warm` calls). */
    static double time(int warm, int k, Body body) {
        for (int i = 0; i < warm; i++) body.run();
        Cuda.synchronize(DEV);
        double[] t = new double[7];
        for (int r = 0; r < t.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < k; i++) body.run();
            Cuda.synchronize(DEV);
            t[r] = (System.nanoTime() - t0) / 1e9 / k;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static void line(String name, double value, String unit, double target, boolean higherIsBetter) {
        double pct = higherIsBetter ? 100 * value / target : 100 * target / value;
        System.out.printf(Locale.ROOT, "%-34s %12.3f %-8s %6.1f%% of target%n", name, value, unit, pct);
    }

    public static void main(String[] args) {
        String why = Cuda.unavailableReason();
        if (why != null) {
            System.err.println("CudaBench: no usable CUDA device: " + why);
            System.exit(2);
        }
        boolean quick = Arrays.asList(args).contains("--quick");
        System.out.println(String.join("\n", Device.list()));
        Generator g = new Generator(1);

        long n = quick ? 1L << 24 : 128L << 20;
        Tensor a = Tensor.rand(g, (int) n).to(DEV), b = Tensor.rand(g, (int) n).to(DEV);
        double tAdd = time(3, 10, () -> a.add(b).close());
        line("add " + n + " float32", 3.0 * n * 4 / tAdd / 1e12, "TB/s", 2.7, true);
        a.close();
        b.close();

        Tensor x = Tensor.randn(g, 4096, 1024).to(DEV);
        double tSoft = time(5, 50, () -> x.softmax(-1).close());
        line("softmax rows 4096x1024", 2.0 * x.size() * 4 / tSoft / 1e12, "TB/s", 2.0, true);
        double tSum = time(5, 50, () -> x.sum(1, false).close());
        line("row sum 4096x1024", (x.size() * 4 + 4096 * 4) / tSum / 1e12, "TB/s", 2.0, true);

        int s = quick ? 1024 : 4096;
        Tensor ma = Tensor.randn(g, s, s).to(DEV), mb = Tensor.randn(g, s, s).to(DEV);
        double tMm = time(2, quick ? 20 : 10, () -> ma.matmul(mb).close());
        line("sgemm " + s + "^3", 2.0 * s * s * s / tMm / 1e12, "TFLOP/s", 35, true);

        Tensor t1 = Tensor.ones(10).to(DEV), t2 = Tensor.ones(10).to(DEV);
        double tTiny = time(1000, 2000, () -> { Tensor r = t1.add(t2); Cuda.synchronize(DEV); r.close(); });
        line("tiny add (10 floats), synchronised", tTiny * 1e6, "us", 6, false);
        double tLaunch = time(1000, 2000, () -> t1.add(t2).close());
        line("tiny add (10 floats), queued", tLaunch * 1e6, "us", 6, false);

        Device.setDefault(DEV);
        for (int batch : new int[] {32, 256}) {
            Vela.seed(5);
            Sequential m = new Sequential(new Dense(128, "relu").inputShape(784), new Dense(10, "softmax"));
            m.compile("adam", "categorical_crossentropy", "accuracy");
            Tensor[] xs = new Tensor[16], ys = new Tensor[16];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = g.uniform(DType.FLOAT32, 0, 1, batch, 784);
                ys[i] = Tensor.oneHot(g.uniform(DType.FLOAT32, 0, 10, batch).floor(), 10);
            }
            int[] next = {0};
            double tStep = time(50, 200, () -> { int i = next[0]++ & 15; m.trainOnBatch(xs[i], ys[i]); });
            line("mlp step compiled batch " + batch, tStep * 1e3, "ms", 0.2, false);
        }
        Device.setDefault(Device.CPU);
        System.out.println(Cuda.memoryStats(DEV));
    }
}
