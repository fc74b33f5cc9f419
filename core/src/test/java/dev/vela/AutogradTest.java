// The gradient tape's contract: backward, accumulation, detach, noGrad scopes, functional grad, hooks, version checks.
package dev.vela;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Autograd behaviour that finite differences cannot see: implicit and explicit upstream gradients, {@code .grad}
 * accumulation and {@code zeroGrad}, {@code detach}, per-thread {@code noGrad} scopes, the functional
 * {@link Autograd#grad} (with {@code createGraph} for second derivatives and {@code allowUnused}), hooks, the
 * version counter that catches in-place modification of saved tensors, and the errors for a non-scalar
 * backward without upstream and a second backward through a freed graph.
 */
class AutogradTest {

    static final DType F64 = DType.FLOAT64;
    static final double TOL = 1e-12;

    static Tensor vec(double... v) {
        return Tensor.fromArray(v, F64, v.length);
    }

    static void assertValues(double[] expected, Tensor t) {
        assertNotNull(t, "tensor is null");
        assertArrayEquals(expected, t.toDoubleArray(), TOL, () -> "got " + Arrays.toString(t.toDoubleArray()));
    }

    @Test
    void backwardOfAScalarUsesAnImplicitOne() {
        Tensor x = vec(1, -2, 3).requiresGrad(true);
        Tensor y = x.mul(x).sum();          // d/dx = 2x
        assertEquals(0, y.rank());
        assertEquals(14.0, y.item(), TOL);
        y.backward();
        assertValues(new double[] {2, -4, 6}, x.grad());
        assertEquals(F64, x.grad().dtype());
        assertArrayEquals(new int[] {3}, x.grad().dims());
    }

    @Test
    void backwardWithAnExplicitUpstream() {
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, F64, 2, 3).requiresGrad(true);
        Tensor y = x.mul(3.0).add(x.square());   // dy/dx = 3 + 2x
        Tensor up = Tensor.fromArray(new double[] {1, 0, -1, 2, 0.5, 10}, F64, 2, 3);
        y.backward(up);
        assertValues(new double[] {5, 0, -9, 22, 6.5, 150}, x.grad());
        assertArrayEquals(new int[] {2, 3}, x.grad().dims());
    }

    @Test
    void broadcastGradientsAreReducedToTheInputShape() {
        Tensor a = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, F64, 2, 3).requiresGrad(true);
        Tensor b = vec(10, 20, 30).requiresGrad(true);
        Tensor c = Tensor.scalar(2.0, F64).requiresGrad(true);
        a.mul(b).mul(c).sum().backward();
        assertValues(new double[] {20, 40, 60, 20, 40, 60}, a.grad());
        assertValues(new double[] {10, 14, 18}, b.grad());               // c * column sums of a
        assertArrayEquals(new int[] {3}, b.grad().dims());
        assertEquals(10 * 5 + 20 * 7 + 30 * 9, c.grad().item(), TOL);  // sum(a*b)
        assertEquals(0, c.grad().rank());
    }

    @Test
    void fanInGradientsAreSummed() {
        Tensor x = vec(2, 3).requiresGrad(true);
        Tensor y = x.exp();
        Tensor z = y.add(y.mul(x)).add(x).sum();   // dz/dx = e^x + e^x*x + e^x + 1
        z.backward();
        double[] exp = new double[2];
        for (int i = 0; i < 2; i++) {
            double v = new double[] {2, 3}[i];
            exp[i] = Math.exp(v) * (2 + v) + 1;
        }
        assertArrayEquals(exp, x.grad().toDoubleArray(), 1e-9);
    }

    @Test
    void gradAccumulatesOverTwoBackwardsAndZeroGradResets() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        assertNull(x.grad(), "grad before any backward");
        x.mul(5.0).sum().backward();
        assertValues(new double[] {5, 5, 5}, x.grad());
        x.square().sum().backward();             // + 2x
        assertValues(new double[] {7, 9, 11}, x.grad());
        x.zeroGrad();
        Tensor g = x.grad();
        if (g != null) {
            assertValues(new double[] {0, 0, 0}, g);
        }
        x.mul(-1.0).sum().backward();
        assertValues(new double[] {-1, -1, -1}, x.grad());
    }

    @Test
    void leavesAndNonLeaves() {
        Tensor x = vec(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        assertTrue(x.isLeaf());
        assertFalse(y.isLeaf());
        assertTrue(y.requiresGrad());
        Tensor plain = vec(1, 2);
        assertFalse(plain.requiresGrad());
        assertFalse(plain.mul(3.0).requiresGrad(), "an op on tensors without grad must not require grad");
        y.sum().backward();
        assertNull(y.grad(), "non-leaf tensors do not keep .grad");
        assertValues(new double[] {2, 2}, x.grad());
    }

    @Test
    void detachStopsTheGradientButSharesValues() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertValues(new double[] {1, 4, 9}, d);
        Tensor z = d.mul(x).sum();   // gradient only through the second factor: d
        z.backward();
        assertValues(new double[] {1, 4, 9}, x.grad());
    }

    @Test
    void noGradRecordsNothingAndIsRestored() {
        Tensor x = vec(1, 2).requiresGrad(true);
        assertTrue(Autograd.isGradEnabled());
        Tensor inside;
        try (GradMode _ = Autograd.noGrad()) {
            assertFalse(Autograd.isGradEnabled());
            inside = x.mul(2.0).exp();
            assertFalse(inside.requiresGrad(), "an op inside noGrad must not be recorded");
            try (GradMode _ = Autograd.noGrad()) {
                assertFalse(Autograd.isGradEnabled());
            }
            assertFalse(Autograd.isGradEnabled(), "closing a nested noGrad must restore the outer (disabled) mode");
        }
        assertTrue(Autograd.isGradEnabled(), "grad mode restored after the scope");
        Tensor after = x.mul(2.0);
        assertTrue(after.requiresGrad());
        after.sum().backward();
        assertValues(new double[] {2, 2}, x.grad());
        assertThrows(IllegalStateException.class, () -> inside.sum().backward(),
                "backward from a tensor computed under noGrad has no graph");
    }

    @Test
    void noGradIsRestoredEvenWhenTheScopeThrows() {
        assertThrows(IllegalArgumentException.class, () -> {
            try (GradMode _ = Autograd.noGrad()) {
                vec(1, 2).add(vec(1, 2, 3));
            }
        });
        assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void enableGradInsideNoGrad() {
        Tensor x = vec(1, 2).requiresGrad(true);
        try (GradMode _ = Autograd.noGrad()) {
            try (GradMode _ = Autograd.enableGrad()) {
                assertTrue(Autograd.isGradEnabled());
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(Autograd.isGradEnabled());
        }
        assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        Tensor x = vec(1, 2).requiresGrad(true);
        CountDownLatch otherInside = new CountDownLatch(1);
        CountDownLatch mainDone = new CountDownLatch(1);
        AtomicReference<Boolean> otherRecorded = new AtomicReference<>();
        AtomicReference<Boolean> otherEnabledWhileMainRuns = new AtomicReference<>();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = ex.submit(() -> {
                try (GradMode _ = Autograd.noGrad()) {
                    otherInside.countDown();
                    mainDone.await(10, TimeUnit.SECONDS);
                    otherEnabledWhileMainRuns.set(Autograd.isGradEnabled());
                    otherRecorded.set(x.mul(3.0).requiresGrad());
                }
                return null;
            });
            assertTrue(otherInside.await(10, TimeUnit.SECONDS));
            // The other thread is inside noGrad right now; this thread must still record.
            assertTrue(Autograd.isGradEnabled());
            Tensor y = x.mul(2.0);
            assertTrue(y.requiresGrad());
            // And this thread's own noGrad must not re-enable or disturb the other thread's mode.
            try (GradMode _ = Autograd.noGrad()) {
                assertFalse(x.mul(2.0).requiresGrad());
            }
            mainDone.countDown();
            f.get(10, TimeUnit.SECONDS);
            assertEquals(Boolean.FALSE, otherEnabledWhileMainRuns.get());
            assertEquals(Boolean.FALSE, otherRecorded.get());
            y.sum().backward();
            assertValues(new double[] {2, 2}, x.grad());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void functionalGradGivesASecondDerivativeWithCreateGraph() {
        Tensor x = Tensor.scalar(1.5, F64).requiresGrad(true);
        Tensor y = x.mul(x).mul(x);                         // x^3
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x), List.of(Tensor.scalar(1.0, F64)), true, true, false);
        assertEquals(1, g.size());
        assertEquals(3 * 1.5 * 1.5, g.get(0).item(), TOL);  // 3x^2 = 6.75
        assertTrue(g.get(0).requiresGrad(), "with createGraph the gradient is itself differentiable");
        List<Tensor> gg = Autograd.grad(List.of(g.get(0)), List.of(x));
        assertEquals(6 * 1.5, gg.get(0).item(), TOL);       // 6x = 9
        assertNull(x.grad(), "the functional form returns gradients, it does not accumulate into .grad");
    }

    @Test
    void functionalGradWithoutCreateGraphIsNotDifferentiable() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor w = vec(4, 5, 6).requiresGrad(true);
        Tensor loss = x.mul(w).sum();
        List<Tensor> g = Autograd.grad(List.of(loss), List.of(x, w));
        assertValues(new double[] {4, 5, 6}, g.get(0));
        assertValues(new double[] {1, 2, 3}, g.get(1));
        assertFalse(g.get(0).requiresGrad());
        assertNull(x.grad());
        assertNull(w.grad());
    }

    @Test
    void functionalGradWithGradOutputs() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.square();
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x), List.of(vec(1, -1, 0.5)), false, false, false);
        assertValues(new double[] {2, -4, 3}, g.get(0));
    }

    @Test
    void allowUnused() {
        Tensor x = vec(1, 2).requiresGrad(true);
        Tensor unused = vec(3, 4).requiresGrad(true);
        Tensor y = x.mul(2.0).sum();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Autograd.grad(List.of(y), List.of(x, unused), List.of(Tensor.scalar(1.0, F64)), true, false, false));
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                "expected IllegalArgumentException or IllegalStateException, got " + e);
        List<Tensor> g = Autograd.grad(List.of(y), List.of(x, unused), List.of(Tensor.scalar(1.0, F64)), false, false, true);
        assertEquals(2, g.size());
        assertValues(new double[] {2, 2}, g.get(0));
        assertNull(g.get(1), "an unused input with allowUnused gives a null entry");
    }

    @Test
    void hooksSeeAndReplaceGradients() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        AtomicReference<double[]> seen = new AtomicReference<>();
        y.registerHook(g -> {
            seen.set(g.toDoubleArray());
            return g;
        });
        y.mul(y).sum().backward();                  // d/dy = 2y = 4x
        assertArrayEquals(new double[] {4, 8, 12}, seen.get(), TOL);
        assertValues(new double[] {8, 16, 24}, x.grad());

        Tensor a = vec(1, 2, 3).requiresGrad(true);
        Tensor b = a.mul(3.0);
        b.registerHook(g -> g.mul(10.0));           // replaces the gradient flowing into b
        b.sum().backward();
        assertValues(new double[] {30, 30, 30}, a.grad());

        Tensor leaf = vec(1, 2).requiresGrad(true);
        leaf.registerHook(g -> g.neg());            // a hook on a leaf changes what is accumulated
        leaf.mul(4.0).sum().backward();
        assertValues(new double[] {-4, -4}, leaf.grad());
    }

    @Test
    void modifyingASavedTensorInPlaceIsCaught() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        Tensor z = y.mul(y);                         // saves y
        try (GradMode _ = Autograd.noGrad()) {
            y.addInPlace(Tensor.onesLike(y));
        }
        assertValues(new double[] {3, 5, 7}, y);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> z.sum().backward());
        String m = String.valueOf(e.getMessage()).toLowerCase();
        assertTrue(m.contains("mul"), "message should name the op that saved the tensor: " + e.getMessage());
        assertTrue(m.contains("in place") || m.contains("in-place") || m.contains("inplace") || m.contains("modified"),
                "message should say the tensor was modified in place: " + e.getMessage());
    }

    @Test
    void inPlaceOnATensorThatWasNotSavedIsFine() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        Tensor z = y.add(1.0).sum();                 // add saves nothing it needs
        Tensor other = vec(0, 0, 0);
        other.addInPlace(vec(1, 1, 1));
        z.backward();
        assertValues(new double[] {2, 2, 2}, x.grad());
        assertValues(new double[] {1, 1, 1}, other);
    }

    @Test
    void backwardOnANonScalarWithoutUpstreamFails() {
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, F64, 2, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(String.valueOf(e.getMessage()).contains("(2, 3)"), "message should name the shape: " + e.getMessage());
        assertNull(x.grad(), "a failed backward must not touch .grad");
    }

    @Test
    void secondBackwardThroughAFreedGraphFails() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        String m = String.valueOf(e.getMessage()).toLowerCase();
        assertTrue(m.contains("freed") || m.contains("retain"),
                "message should say the graph was freed (retainGraph): " + e.getMessage());
        assertValues(new double[] {2, 4, 6}, x.grad());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = vec(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward(Tensor.scalar(1.0, F64), true);
        y.backward();
        assertValues(new double[] {4, 8, 12}, x.grad());
    }

    @Test
    void requiresGradOnlyOnLeaves() {
        Tensor x = vec(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        assertThrows(RuntimeException.class, () -> y.requiresGrad(false),
                "changing requiresGrad of a non-leaf must fail");
    }

    @Test
    void gradientsThroughViewsReachTheBase() {
        Tensor x = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, F64, 2, 3).requiresGrad(true);
        Tensor v = x.transpose().slice(0, 1, 3);      // (2, 2): columns 1..2 of x, transposed
        v.mul(vec(1, 10).reshape(1, 2)).sum().backward();
        assertValues(new double[] {0, 1, 1, 0, 10, 10}, x.grad());
    }

    @Test
    void manyIndependentBackwardsDoNotLeak() {
        // A long chain built and differentiated repeatedly must keep giving the same answer.
        Tensor x = vec(0.5).requiresGrad(true);
        List<Double> grads = new ArrayList<>();
        for (int rep = 0; rep < 3; rep++) {
            Tensor y = x;
            for (int i = 0; i < 200; i++) {
                y = y.mul(1.01);
            }
            y.sum().backward();
            grads.add(x.grad().item());
            x.zeroGrad();
        }
        double expected = Math.pow(1.01, 200);
        for (double g : grads) {
            assertEquals(expected, g, 1e-9 * expected);
        }
    }
}
