// A compiled training step allocates little once warm (buffers from the arena, tensor objects reused), and the
// warm calls compute bit for bit what the first (recording) call of a fresh function computes.
package dev.vela;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KFunctionAllocationTest {

    @BeforeEach
    void fresh() {
        K.clearSession();
        K.setLearningPhase(0);
    }

    /** A two-layer softmax classifier with Adam-style updates: the shape of the MNIST MLP step, smaller. */
    private record Mlp(KFunction step, List<Tensor> params, List<Tensor> slots) {}

    private static Mlp mlp(int in, int hidden, int classes) {
        Generator g = new Generator(3);
        Tensor x = K.placeholder("x", -1, in), y = K.placeholder("y", -1, classes);
        Tensor w1 = K.variable(g.uniform(DType.FLOAT32, -0.1, 0.1, in, hidden), "w1");
        Tensor b1 = K.variable(Tensor.zeros(hidden), "b1");
        Tensor w2 = K.variable(g.uniform(DType.FLOAT32, -0.1, 0.1, hidden, classes), "w2");
        Tensor b2 = K.variable(Tensor.zeros(classes), "b2");
        Tensor h = K.relu(K.dot(x, w1).add(b1));
        Tensor p = K.softmax(K.dot(h, w2).add(b2));
        Tensor loss = K.mean(K.categoricalCrossentropy(y, p));
        Tensor acc = K.mean(K.cast(K.equal(K.argmax(y), K.argmax(p)), "float32"));
        List<Tensor> params = List.of(w1, b1, w2, b2);
        List<Tensor> grads = K.gradients(loss, params);
        List<K.Update> updates = new ArrayList<>();
        List<Tensor> slots = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor w = params.get(i), gr = grads.get(i);
            Tensor m = K.variable(Tensor.zeros(w.dims())), v = K.variable(Tensor.zeros(w.dims()));
            Tensor m1 = m.mul(0.9).add(gr.mul(0.1)), v1 = v.mul(0.999).add(gr.square().mul(0.001));
            updates.add(K.update(m, m1));
            updates.add(K.update(v, v1));
            updates.add(K.update(w, w.sub(m1.mul(0.01).div(K.sqrt(v1).add(1e-7)))));
            slots.add(m);
            slots.add(v);
        }
        return new Mlp(K.function(List.of(x, y), List.of(loss, acc), updates), params, slots);
    }

    private static Tensor[][] batches(int n, int batch, int in, int classes) {
        Generator g = new Generator(7);
        Tensor[][] b = new Tensor[n][];
        for (int i = 0; i < n; i++) {
            b[i] = new Tensor[] {g.uniform(DType.FLOAT32, 0, 1, batch, in),
                    Tensor.oneHot(g.uniform(DType.FLOAT32, 0, classes, batch).floor(), classes)};
        }
        return b;
    }

    @Test
    void aWarmTrainingStepAllocatesLittle() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes a thread allocates");
        // the MNIST MLP's sizes: smaller ones send the vector kernels down masked paths that take the JIT much
        // longer to compile (until then the Vector API allocates its vectors, and that would be all we measured)
        Mlp m = mlp(784, 128, 10);
        Tensor[][] data = batches(8, 32, 784, 10);
        long id = Thread.currentThread().threadId();
        double sink = 0;
        int calls = 500;
        long best = Long.MAX_VALUE;
        // The bytes per call of rounds of calls, until a round is under the bound (or 60 rounds, or 30 s): the first
        // rounds include the JIT's warm-up. Measured when this test was written (JDK 25, AVX-512 machine): about
        // 25 KB per call before the arena's tensors were reused and the kernels' common cases stopped building
        // iterators, about 9.5 KB after, most of it inside the CPU kernels (index bookkeeping of strided and
        // broadcast kernels, the matmul kernel's lambdas, reduceRows' accumulators); about 0.9 KB once those, the
        // forwards' shape arrays and the vector boxing of the exp kernel were gone (AVX-512 and AVX2 alike): the
        // outputs' copies (~0.4 KB, API: the caller owns them), the matmul kernel's lambda and a boxed mask. The
        // bound leaves room for JIT differences and fails if any of those comes back.
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int round = 0; round < 60 && best >= BOUND && System.nanoTime() < deadline; round++) {
            long a0 = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < calls; i++) sink += m.step().call(data[i & 7][0], data[i & 7][1]).get(0).item();
            best = Math.min(best, (mx.getThreadAllocatedBytes(id) - a0) / calls);
        }
        // Until the JIT has compiled the vector kernels (or if it gave up on one), the Vector API allocates every
        // vector it computes: hundreds of KB to MB per call, which says nothing about this code. Skip then.
        Assumptions.assumeTrue(best < 10 * BOUND, "the vector kernels still allocate their vectors (" + best
                + " bytes per call): not JIT-compiled yet on this machine");
        assertTrue(Double.isFinite(sink));
        assertTrue(best < BOUND, "bytes allocated per warm call: " + best + " " + m.step().describe());
    }

    private static final long BOUND = 3_000;

    @Test
    void warmCallsComputeWhatAFreshFunctionComputesBitForBit() {
        Tensor[][] data = batches(5, 16, 24, 6);
        Mlp warm = mlp(24, 12, 6);
        // run the warm function long enough for its arena to plan its buffers and its fused groups to get loops
        for (int i = 0; i < 60; i++) warm.step().call(data[i % 5][0], data[i % 5][1]);
        for (int i = 0; i < 5; i++) {
            // a fresh function with the warm one's current variables: its first call is a recording run
            K.clearSession();
            Mlp cold = mlp(24, 12, 6);
            List<Tensor> vw = new ArrayList<>(warm.params()), vc = new ArrayList<>(cold.params());
            vw.addAll(warm.slots());
            vc.addAll(cold.slots());
            for (int j = 0; j < vw.size(); j++) vc.get(j).setValue(vw.get(j).getValue());
            List<Tensor> a = warm.step().call(data[i][0], data[i][1]);
            List<Tensor> b = cold.step().call(data[i][0], data[i][1]);
            for (int k = 0; k < a.size(); k++) assertArrayEquals(b.get(k).toFloatArray(), a.get(k).toFloatArray(), "output " + k);
            for (int j = 0; j < vw.size(); j++) {
                assertArrayEquals(vc.get(j).getValue().toFloatArray(), vw.get(j).getValue().toFloatArray(), "variable " + j);
            }
        }
    }
}
