/*
 * JMH: elementwise (binary add, unary exp/tanh/sigmoid), reductions (sum, row softmax) and conv2d on the CPU.
 * Run: java -jar perf/target/benchmarks.jar KernelBench
 */
package dev.vela.perf;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.NN;
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

/** Kernel families at sizes from cache-resident (1K floats) to memory-bound (16M floats). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class KernelBench {
    @Param({"1024", "65536", "1048576", "16777216"})
    public int size;

    Tensor a, b, rows, image, kernel;
    /** The same ops compiled, with outputs reused: the kernels without a new output tensor per call. */
    KFunction expFn, tanhFn, sigmoidFn, addFn, softmaxFn;

    @Setup
    public void setup() {
        Generator g = new Generator(3);
        a = g.normal(DType.FLOAT32, 0, 1, size);
        b = g.normal(DType.FLOAT32, 0, 1, size);
        rows = a.reshape(size / 1024, 1024);
        image = g.normal(DType.FLOAT32, 0, 1, 8, 28, 28, 32);
        kernel = g.normal(DType.FLOAT32, 0, 0.1, 3, 3, 32, 32);
        Tensor x = K.placeholder("x", DType.FLOAT32, size);
        expFn = K.function(List.of(x), List.of(x.exp())).reuseOutputs(true);
        tanhFn = K.function(List.of(x), List.of(x.tanh())).reuseOutputs(true);
        sigmoidFn = K.function(List.of(x), List.of(x.sigmoid())).reuseOutputs(true);
        Tensor y = K.placeholder("y", DType.FLOAT32, size), r = K.placeholder("r", DType.FLOAT32, size / 1024, 1024);
        addFn = K.function(List.of(x, y), List.of(x.add(y))).reuseOutputs(true);
        softmaxFn = K.function(List.of(r), List.of(r.softmax(-1))).reuseOutputs(true);
    }

    /** Bytes moved: read a and b, write the result. */
    @Benchmark
    public Tensor add() {
        try (var ng = Autograd.noGrad()) {
            return a.add(b);
        }
    }

    @Benchmark
    public Tensor exp() {
        try (var ng = Autograd.noGrad()) {
            return a.exp();
        }
    }

    @Benchmark
    public Tensor tanh() {
        try (var ng = Autograd.noGrad()) {
            return a.tanh();
        }
    }

    @Benchmark
    public Tensor sigmoid() {
        try (var ng = Autograd.noGrad()) {
            return a.sigmoid();
        }
    }

    /*
     * exp, tanh and sigmoid into a reused output (a compiled function with reuseOutputs): the op's cost without
     * allocating and zeroing a new output tensor, which at 64K elements costs about as much as the kernel here.
     */
    @Benchmark
    public Tensor expReused() { return expFn.call(a).get(0); }

    @Benchmark
    public Tensor tanhReused() { return tanhFn.call(a).get(0); }

    @Benchmark
    public Tensor sigmoidReused() { return sigmoidFn.call(a).get(0); }

    /** a + b into a reused output (bytes moved as {@link #add}): the kernel without a new 4-byte-per-element array. */
    @Benchmark
    public Tensor addReused() { return addFn.call(a, b).get(0); }

    /** Row softmax into a reused output. */
    @Benchmark
    public Tensor softmaxRowsReused() { return softmaxFn.call(rows).get(0); }

    /** Whole-tensor sum (bytes moved: one read of a). */
    @Benchmark
    public double sum() {
        try (var ng = Autograd.noGrad()) {
            return a.sum().item();
        }
    }

    /** Softmax of rows of 1024 (bytes moved: read and write once each at best). */
    @Benchmark
    public Tensor softmaxRows() {
        try (var ng = Autograd.noGrad()) {
            return rows.softmax(-1);
        }
    }

    /** A 3x3 'same' convolution of 8x28x28x32 by 32 filters (size parameter unused: measured once per size). */
    @Benchmark
    public Tensor conv3x3() {
        try (var ng = Autograd.noGrad()) {
            return NN.conv2d(image, kernel, new int[] {1, 1}, "same");
        }
    }
}
