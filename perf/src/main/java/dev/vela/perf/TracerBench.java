/*
 * JMH: the same logistic-regression expression run eagerly op by op, and as a compiled K.function
 * (fused elementwise chains, reused buffers). Run: java -jar perf/target/benchmarks.jar TracerBench
 */
package dev.vela.perf;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Losses;
import dev.vela.Tensor;
import java.util.List;
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
 * {@code loss = mean(binaryCrossentropy(t, sigmoid(x·W + b)))} for a batch of {@link #batch} rows of
 * {@link #features} features: forward only, and a whole SGD step (forward, gradients, update).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TracerBench {
    @Param({"16", "1024"})
    public int batch;

    @Param({"64"})
    public int features;

    Tensor x, t, w, b;
    KFunction forwardFn, trainFn;

    @Setup
    public void setup() {
        Generator g = new Generator(7);
        x = g.normal(DType.FLOAT32, 0, 1, batch, features);
        t = x.sum(1, true).gt(0).to(DType.FLOAT32);
        w = g.normal(DType.FLOAT32, 0, 0.01, features, 1).requiresGrad(true);
        b = Tensor.zeros(1).requiresGrad(true);
        Tensor px = K.placeholder("x", -1, features), pt = K.placeholder("t", -1, 1);
        Tensor vw = K.variable(w.detach()), vb = K.variable(b.detach());
        Tensor loss = Losses.binaryCrossentropy(pt, px.dot(vw).add(vb).sigmoid()).mean();
        List<Tensor> grads = K.gradients(loss, List.of(vw, vb));
        forwardFn = K.function(List.of(px, pt), List.of(loss)).reuseOutputs(true);
        trainFn = K.function(List.of(px, pt), List.of(loss),
                List.of(K.update(vw, vw.sub(grads.get(0).mul(0.1))), K.update(vb, vb.sub(grads.get(1).mul(0.1)))))
                .reuseOutputs(true);
    }

    /** Loss value computed op by op on the CPU, no tape. */
    @Benchmark
    public double forwardEager() {
        try (var ng = Autograd.noGrad()) {
            return Losses.binaryCrossentropy(t, x.matmul(w).add(b).sigmoid()).mean().item();
        }
    }

    /** The same loss through the compiled function. */
    @Benchmark
    public double forwardCompiled() { return forwardFn.call(x, t).get(0).item(); }

    /** One SGD step on the tape: forward, backward, in-place update. */
    @Benchmark
    public double trainStepEager() {
        Tensor loss = Losses.binaryCrossentropy(t, x.matmul(w).add(b).sigmoid()).mean();
        loss.backward();
        try (var ng = Autograd.noGrad()) {
            w.subInPlace(w.grad().mul(0.1));
            b.subInPlace(b.grad().mul(0.1));
        }
        w.zeroGrad();
        b.zeroGrad();
        return loss.item();
    }

    /** One SGD step as a compiled function with updates. */
    @Benchmark
    public double trainStepCompiled() { return trainFn.call(x, t).get(0).item(); }
}
