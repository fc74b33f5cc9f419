// The caching allocator under real training loops: reserved memory stays flat, dropped tensors are freed.
package dev.vela.cuda;

import dev.vela.Autograd;
import dev.vela.DType;
import dev.vela.Device;
import dev.vela.Generator;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaMemoryTest {
    static Device dev;

    @BeforeEach
    void cuda() {
        CudaTesting.useCudaAsDefault();
        dev = Device.cuda(0);
    }

    @AfterAll
    static void back() { CudaTesting.restoreDefault(); }

    /** Logistic regression trained by a compiled K.function: after warm-up, reserved bytes never change. */
    @Test
    void tenThousandCompiledTrainingStepsKeepReservedMemoryFlat() {
        K.clearSession();
        Tensor x = K.placeholder("x", -1, 8), y = K.placeholder("y", -1, 1);
        Tensor w = K.variable(Tensor.randn(new Generator(1), 8, 1).mul(0.1)), b = K.variable(Tensor.zeros(1));
        Tensor p = K.sigmoid(K.dot(x, w).add(b));
        Tensor loss = K.mean(K.binaryCrossentropy(y, p));
        List<Tensor> g = K.gradients(loss, List.of(w, b));
        KFunction step = K.function(List.of(x, y), List.of(loss),
                List.of(K.updateSub(w, g.get(0).mul(0.1)), K.updateSub(b, g.get(1).mul(0.1))));
        Tensor X = Tensor.randn(new Generator(2), 64, 8);
        Tensor Y = X.sum(1, true).gt(0).to(DType.FLOAT32);
        double first = step.call(X, Y).get(0).item();
        for (int i = 0; i < 100; i++) step.call(X, Y);
        long reserved = Cuda.memoryStats(dev).reserved();
        long rawAllocs = Cuda.memoryStats(dev).rawAllocs();
        double last = 0;
        for (int i = 0; i < 10_000; i++) {
            Tensor l = step.call(X, Y).get(0);
            if (i == 9_999) last = l.item();
        }
        assertEquals(reserved, Cuda.memoryStats(dev).reserved(), "reserved bytes after 10,000 more steps");
        assertEquals(rawAllocs, Cuda.memoryStats(dev).rawAllocs(), "no driver allocation in steady state");
        assertTrue(last < first * 0.5, "the model trained: loss " + first + " -> " + last);
    }

    /** The same model trained eagerly on the tape: temporaries are freed by the Cleaner, so reserved plateaus. */
    @Test
    void eagerTrainingPlateaus() {
        Tensor X = Tensor.randn(new Generator(3), 64, 8);
        Tensor Y = X.sum(1, true).gt(0).to(DType.FLOAT32);
        Tensor w = Tensor.randn(new Generator(4), 8, 1).mul(0.1).requiresGrad(true);
        long at2000 = 0;
        for (int i = 0; i < 10_000; i++) {
            Tensor loss = X.matmul(w).sigmoid().sub(Y).square().mean();
            loss.backward();
            try (var scope = Autograd.noGrad()) {
                w.subInPlace(w.grad().mul(0.5));
            }
            w.zeroGrad();
            if (i == 1_999) { System.gc(); at2000 = Cuda.memoryStats(dev).reserved(); }
        }
        System.gc();
        long end = Cuda.memoryStats(dev).reserved();
        assertTrue(end <= at2000 + (1 << 20), "reserved grew from " + at2000 + " to " + end + " bytes between steps 2,000 and 10,000");
    }

    /** 100,000 tensors created and dropped (half closed, half left to the Cleaner) end with no live buffer. */
    @Test
    void droppedTensorsLeaveNoLiveBuffers() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        int base = Cuda.liveBuffers(dev);
        for (int i = 0; i < 100_000; i++) {
            Tensor t = Tensor.full(DType.FLOAT32, i, 16);
            if (i % 2 == 0) t.close();
        }
        int live = Integer.MAX_VALUE;
        for (int tries = 0; tries < 50 && live > base; tries++) {
            System.gc();
            Thread.sleep(100);
            live = Cuda.liveBuffers(dev);
        }
        assertEquals(base, live, "live device buffers after dropping 100,000 tensors");
    }
}
