// Concurrent training on separate threads gives bit-for-bit the same results as the same trainings run serially.
package dev.vela;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tape and grad mode are per thread and kernels share no mutable state: eight threads each training a
 * tiny linear regression (own seed, own data, plain gradient descent with {@code backward}/{@code grad}/
 * {@code zeroGrad} and in-place updates under {@code noGrad}) must end with exactly the bits the same eight
 * trainings give one after another.
 */
class ThreadsTest {

    static final int THREADS = 8;
    static final int STEPS = 50;

    /** Final parameters (w then b, as raw double bits) and the first and last loss of one training. */
    record Result(long[] paramBits, double firstLoss, double lastLoss) {
    }

    static Result train(long seed, DType dtype) {
        Generator g = new Generator(seed);
        Tensor x = Tensor.randn(g, 64, 3).to(dtype);
        Tensor wTrue = Tensor.randn(g, 3, 1).to(dtype);
        Tensor y = x.matmul(wTrue).add(0.5).add(Tensor.randn(g, 64, 1).to(dtype).mul(0.01));
        Tensor w = Tensor.zeros(dtype, 3, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(dtype, 1).requiresGrad(true);
        double lr = 0.1;
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < STEPS; step++) {
            Tensor pred = x.matmul(w).add(b);
            Tensor loss = pred.sub(y).square().mean();
            loss.backward();
            if (step == 0) first = loss.item();
            last = loss.item();
            try (GradMode _ = Autograd.noGrad()) {
                w.subInPlace(w.grad().mul(lr));
                b.subInPlace(b.grad().mul(lr));
            }
            w.zeroGrad();
            b.zeroGrad();
        }
        double[] wv = w.toDoubleArray();
        double[] bv = b.toDoubleArray();
        long[] bits = new long[wv.length + bv.length];
        for (int i = 0; i < wv.length; i++) bits[i] = Double.doubleToRawLongBits(wv[i]);
        for (int i = 0; i < bv.length; i++) bits[wv.length + i] = Double.doubleToRawLongBits(bv[i]);
        return new Result(bits, first, last);
    }

    void concurrentEqualsSerial(DType dtype) throws Exception {
        List<Result> serial = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            serial.add(train(1000 + i, dtype));
        }
        ExecutorService ex = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                long seed = 1000 + i;
                futures.add(ex.submit(() -> {
                    start.await();
                    return train(seed, dtype);
                }));
            }
            start.countDown();
            for (int i = 0; i < THREADS; i++) {
                Result c = futures.get(i).get(120, TimeUnit.SECONDS);
                Result s = serial.get(i);
                assertEquals(s.paramBits().length, c.paramBits().length);
                for (int k = 0; k < s.paramBits().length; k++) {
                    assertEquals(s.paramBits()[k], c.paramBits()[k],
                            "thread " + i + " (" + dtype + ") parameter " + k + ": concurrent "
                                    + Double.longBitsToDouble(c.paramBits()[k]) + " vs serial "
                                    + Double.longBitsToDouble(s.paramBits()[k]));
                }
                assertEquals(s.lastLoss(), c.lastLoss(), 0.0);
            }
        } finally {
            ex.shutdownNow();
        }
        // The trainings actually trained (so equal results are not equal because nothing happened) and differ by seed.
        for (Result s : serial) {
            assertTrue(s.lastLoss() < 0.05 * s.firstLoss(), "loss " + s.firstLoss() + " -> " + s.lastLoss());
        }
        assertTrue(serial.get(0).paramBits()[0] != serial.get(1).paramBits()[0], "different seeds, same parameters");
        // Serial runs are themselves reproducible.
        Result again = train(1000, dtype);
        for (int k = 0; k < again.paramBits().length; k++) {
            assertEquals(serial.get(0).paramBits()[k], again.paramBits()[k]);
        }
    }

    @Test
    void concurrentTrainingsMatchSerialFloat32() throws Exception {
        concurrentEqualsSerial(DType.FLOAT32);
    }

    @Test
    void concurrentTrainingsMatchSerialFloat64() throws Exception {
        concurrentEqualsSerial(DType.FLOAT64);
    }

    @Test
    void noGradInOneThreadDoesNotLeakIntoPooledThreads() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                Future<Boolean> f = ex.submit(() -> {
                    Tensor x = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
                    try (GradMode _ = Autograd.noGrad()) {
                        x.mul(2.0);
                    }
                    return x.mul(2.0).requiresGrad() && Autograd.isGradEnabled();
                });
                assertTrue(f.get(30, TimeUnit.SECONDS), "grad mode left disabled on a pooled thread, iteration " + i);
            }
        } finally {
            ex.shutdownNow();
        }
    }
}
