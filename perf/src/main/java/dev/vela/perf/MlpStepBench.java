/*
 * JMH: one training step of the MNIST MLP (784-128 relu-10 softmax, Adam, categorical cross-entropy),
 * compiled as a K.function with updates and eagerly on the tape. Run: java -jar perf/target/benchmarks.jar MlpStepBench
 */
package dev.vela.perf;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.nn.Dense;
import dev.vela.nn.Sequential;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code model.trainOnBatch(x, y, results)} (compiled: the form that allocates nothing once warm) or
 * {@code model.trainOnBatch(x, y)} (eager) at batch 32 and 256, cycling through 64 random batches: on one fixed batch
 * the model converges, Adam's moments decay into subnormal floats, and every step slows down on their
 * arithmetic (a property of the data, not of the step).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MlpStepBench {
    @Param({"32", "256"})
    public int batch;

    Sequential compiled, eager;
    Tensor[] xs = new Tensor[64], ys = new Tensor[64];
    int next;

    static Sequential mlp(boolean onTape) {
        Vela.seed(5);
        Sequential m = new Sequential(new Dense(128, "relu").inputShape(784), new Dense(10, "softmax"));
        m.compile("adam", "categorical_crossentropy", "accuracy");
        m.eager(onTape);
        return m;
    }

    /** Random MNIST-shaped batches (inputs in [0,1), one-hot labels), the same for every tool that uses them. */
    static void batches(int batch, Tensor[] xs, Tensor[] ys) {
        Generator g = new Generator(11);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = g.uniform(DType.FLOAT32, 0, 1, batch, 784);
            ys[i] = Tensor.oneHot(g.uniform(DType.FLOAT32, 0, 10, batch).floor(), 10);
        }
    }

    @Setup
    public void setup() {
        batches(batch, xs, ys);
        compiled = mlp(false);
        eager = mlp(true);
    }

    /** The loss and accuracy of the last step (the allocation-free form of trainOnBatch writes them here). */
    final double[] results = new double[2];

    @Benchmark
    public double stepCompiled() {
        int i = next++ & 63;
        return compiled.trainOnBatch(xs[i], ys[i], results);
    }

    @Benchmark
    public double stepEager() {
        int i = next++ & 63;
        return eager.trainOnBatch(xs[i], ys[i]).get(0);
    }
}
