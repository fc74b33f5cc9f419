/*
 * JMH: the fixed cost of one tiny eager op (10-element add), without and with the gradient tape.
 * Run: java -jar perf/target/benchmarks.jar OverheadBench
 */
package dev.vela.perf;

import dev.vela.Autograd;
import dev.vela.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@code a.add(b)} on 10 floats: everything but arithmetic. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OverheadBench {
    Tensor a, b, ga, gb;

    @Setup
    public void setup() {
        a = Tensor.arange(10);
        b = Tensor.ones(10);
        ga = Tensor.arange(10).requiresGrad(true);
        gb = Tensor.ones(10).requiresGrad(true);
    }

    @Benchmark
    public Tensor tinyAddNoGrad() {
        try (var ng = Autograd.noGrad()) {
            return a.add(b);
        }
    }

    /** Recorded on the tape (a node is created; nothing is backpropagated). */
    @Benchmark
    public Tensor tinyAddTape() { return ga.add(gb); }
}
