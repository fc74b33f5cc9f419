/*
 * JMH: float32 matrix products on the CPU — square sizes in the three transpose layouts, and the MLP shapes.
 * Run: java -jar perf/target/benchmarks.jar MatmulBench
 */
package dev.vela.perf;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.Generator;
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
 * {@code a.matmul(b)} where the shape parameter reads {@code LAYOUT:MxKxN}: NN multiplies row-major
 * operands, NT uses a transposed view of B, TN a transposed view of A (no copies made by the caller).
 * Work per call: 2·M·N·K floating-point operations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBench {
    @Param({"NN:64x64x64", "NN:128x128x128", "NN:256x256x256", "NN:512x512x512", "NN:1024x1024x1024",
            "NN:2048x2048x2048", "NT:1024x1024x1024", "TN:1024x1024x1024",
            "NN:32x784x128", "NN:256x784x128", "NN:32x128x10"})
    public String shape;

    Tensor a, b;

    /** Parses {@code LAYOUT:MxKxN} into {layout, m, k, n}. */
    static String[] parse(String s) {
        String[] lk = s.split(":");
        String[] d = lk[1].split("x");
        return new String[] {lk[0], d[0], d[1], d[2]};
    }

    /** FLOPs of one call for a shape parameter. */
    public static double flops(String s) {
        String[] p = parse(s);
        return 2.0 * Long.parseLong(p[1]) * Long.parseLong(p[2]) * Long.parseLong(p[3]);
    }

    @Setup
    public void setup() {
        String[] p = parse(shape);
        int m = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]), n = Integer.parseInt(p[3]);
        Generator g = new Generator(1);
        a = p[0].equals("TN") ? g.normal(DType.FLOAT32, 0, 1, k, m).transpose() : g.normal(DType.FLOAT32, 0, 1, m, k);
        b = p[0].equals("NT") ? g.normal(DType.FLOAT32, 0, 1, n, k).transpose() : g.normal(DType.FLOAT32, 0, 1, k, n);
    }

    @Benchmark
    public Tensor matmul() {
        try (var ng = Autograd.noGrad()) {
            return a.matmul(b);
        }
    }
}
