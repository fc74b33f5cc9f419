/*
 * JMH benchmark of the elementwise float32 add kernel on the CPU, at a cache-resident and a
 * memory-bound size. Run: java -jar perf/target/benchmarks.jar ElementwiseBench
 */
package dev.vela.perf;

import dev.vela.Tensor;
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
 * {@code a.add(b)} for two float32 vectors of {@link #size} elements.
 *
 * <p>The inputs hold known values (a = 0, 1, 2, ... scaled by 1/size; b = 1) so that a test can
 * check that the benchmark measures a real computation: the sum of {@code add()} is (3 size - 1) / 2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the forked JVMs need the same flags as tests and runs: the CPU backend uses the incubating Vector API
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ElementwiseBench {

    /** Number of elements of each operand: 4 KiB (fits in L1) and 4 MiB (streams from memory). */
    @Param({"1024", "1048576"})
    public int size;

    Tensor a;
    Tensor b;

    /** Builds the operands: a[i] = i / size, b[i] = 1. */
    @Setup
    public void setup() {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) i / size;
        }
        a = Tensor.fromArray(values, size);
        b = Tensor.ones(size);
    }

    /** The measured operation; returning the result keeps JMH from eliminating it. */
    @Benchmark
    public Tensor add() {
        return a.add(b);
    }
}
