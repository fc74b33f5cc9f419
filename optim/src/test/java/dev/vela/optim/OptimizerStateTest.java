// Saving and restoring optimizer state: a resumed run continues exactly as the uninterrupted one, in both forms.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Train a small linear regression 5 steps, save the optimizer state and the weights, train 5 more; a fresh
 * optimizer (rebuilt from the config) loaded with the saved state, continuing from the saved weights, must
 * give the same 5 steps bit for bit, while one without the state must not.
 */
class OptimizerStateTest {
    static final double[][] X = {{1, 2, 0.5}, {0.3, -1, 2}, {-2, 0.1, 1}, {0.7, 0.7, -0.4}};
    static final double[] Y = {1.5, -0.5, 2.0, 0.3};
    static final double[] W0 = {0.1, -0.2, 0.3};

    static Stream<Arguments> optimizers() {
        List<Supplier<Optimizer>> all = List.of(
                () -> new SGD(0.05).momentum(0.9).nesterov(true),
                () -> new Adam(0.05).amsgrad(true),
                () -> new AdamW(0.05).weightDecay(0.1),
                () -> new RMSprop(0.02).momentum(0.5).centered(true),
                () -> new Adagrad(0.1).initialAccumulatorValue(0.1),
                () -> new Adadelta(),
                () -> new Adamax(0.05),
                () -> new Nadam(0.05));
        List<Arguments> args = new ArrayList<>();
        for (Supplier<Optimizer> s : all) {
            for (Drive.Form f : Drive.Form.values()) args.add(Arguments.of(s.get().name(), f, s));
        }
        return args.stream();
    }

    /** A linear-regression trainer over params [w (3), b ()] in one form. */
    static final class Trainer {
        final Optimizer opt;
        final Drive.Form form;
        final Tensor w, b;
        KFunction f;

        Trainer(Optimizer opt, Drive.Form form, double[] w0, double b0) {
            this.opt = opt;
            this.form = form;
            if (form == Drive.Form.EAGER) {
                w = Tensor.of(w0.clone()).requiresGrad(true);
                b = Tensor.scalar(b0, DType.FLOAT64).requiresGrad(true);
            } else {
                w = K.variable(Tensor.of(w0.clone()));
                b = K.variable(Tensor.scalar(b0, DType.FLOAT64));
                Tensor x = K.placeholder("x", DType.FLOAT64, -1, 3), y = K.placeholder("y", DType.FLOAT64, -1);
                Tensor loss = x.matmul(w).add(b).sub(y).square().mean();
                f = K.function(List.of(x, y), List.of(loss), opt.updates(loss, List.of(w, b)));
            }
        }

        void steps(int n) {
            for (int i = 0; i < n; i++) {
                if (form == Drive.Form.EAGER) {
                    Tensor.of(X).matmul(w).add(b).sub(Tensor.of(Y)).square().mean().backward();
                    opt.step(List.of(w, b));
                    opt.zeroGrad(List.of(w, b));
                } else {
                    f.call(Tensor.of(X), Tensor.of(Y));
                }
            }
        }

        double[] weights() {
            double[] r = Arrays.copyOf(w.getValue().toDoubleArray(), 4);
            r[3] = b.getValue().item();
            return r;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optimizers")
    void savedStateResumesIdentically(String name, Drive.Form form, Supplier<Optimizer> make) {
        Optimizer first = make.get();
        Trainer a = new Trainer(first, form, W0, 0.05);
        a.steps(5);
        Map<String, Tensor> saved = first.state();
        double[] mid = a.weights();
        assertEquals(5.0, saved.get("iterations").item(), 0.0);
        a.steps(5);
        double[] uninterrupted = a.weights();

        Optimizer resumed = Optimizers.fromConfig(first.getConfig());
        resumed.loadState(saved);
        assertEquals(5, resumed.iterations());
        Trainer c = new Trainer(resumed, form, Arrays.copyOf(mid, 3), mid[3]);
        c.steps(5);
        assertArrayEquals(uninterrupted, c.weights(), 0.0, name + " " + form + ": resumed run");
        assertEquals(10, resumed.iterations());

        // without the state the continuation is different: the test above is not vacuous
        Trainer fresh = new Trainer(make.get(), form, Arrays.copyOf(mid, 3), mid[3]);
        fresh.steps(5);
        assertFalse(Arrays.equals(uninterrupted, fresh.weights()), name + " " + form + ": a fresh optimizer should differ");
    }

    @Test
    void stateNamesIterationsGlobalsAndSlotsPerParameter() {
        Nadam opt = new Nadam(0.05);
        new Trainer(opt, Drive.Form.EAGER, W0, 0.05).steps(2);
        Map<String, Tensor> s = opt.state();
        assertEquals(List.of("iterations", "m_schedule", "0/m", "0/v", "1/m", "1/v"), new ArrayList<>(s.keySet()));
        assertArrayEquals(new int[] {3}, s.get("0/m").dims());
        assertArrayEquals(new int[] {}, s.get("1/v").dims());
        // a copy: changing it does not touch the optimizer
        s.get("0/m").fill(123);
        assertFalse(opt.state().get("0/m").getDouble(0) == 123);
    }

    @Test
    void loadingIntoAnOptimizerThatAlreadyStepsReplacesItsState() {
        Adam a = new Adam(0.05);
        Trainer ta = new Trainer(a, Drive.Form.EAGER, W0, 0.05);
        ta.steps(3);
        Map<String, Tensor> at3 = a.state();
        double[] w3 = ta.weights();
        ta.steps(4);
        double[] w7 = ta.weights();
        // rewind: same optimizer, state of step 3, weights of step 3
        a.loadState(at3);
        try (var _ = dev.vela.Autograd.noGrad()) {
            ta.w.copyFrom(Tensor.of(Arrays.copyOf(w3, 3)));
            ta.b.copyFrom(Tensor.scalar(w3[3], DType.FLOAT64));
        }
        ta.steps(4);
        assertArrayEquals(w7, ta.weights(), 0.0);
    }

    @Test
    void badStateIsRejectedAndChangesNothing() {
        Adam opt = new Adam(0.05);
        Trainer t = new Trainer(opt, Drive.Form.EAGER, W0, 0.05);
        t.steps(2);
        Map<String, Tensor> before = opt.state();

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(before);
        wrongShape.put("iterations", Tensor.scalar(9, DType.FLOAT64));
        wrongShape.put("0/m", Tensor.of(new double[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(wrongShape));
        assertEquals("Adam.loadState: '0/m' has shape (2,) but parameter 0 has shape (3,); nothing was loaded", e.getMessage());

        Map<String, Tensor> unknown = new LinkedHashMap<>(before);
        unknown.put("0/momentum", Tensor.of(new double[] {1, 2, 3}));
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(unknown));
        assertTrue(e.getMessage().contains("unknown entry '0/momentum'") && e.getMessage().contains("[m, v]"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of("0/m", Tensor.of(new double[] {1, 2, 3}))));
        assertTrue(e.getMessage().contains("'iterations'"), e.getMessage());

        Map<String, Tensor> after = opt.state();
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) assertArrayEquals(before.get(k).toDoubleArray(), after.get(k).toDoubleArray(), 0.0, k);
    }

    @Test
    void stateLoadedBeforeTheParametersAreKnownIsCheckedWhenTheyArrive() {
        Adam a = new Adam(0.05);
        new Trainer(a, Drive.Form.EAGER, W0, 0.05).steps(1);
        Adam b = new Adam(0.05);
        b.loadState(a.state());
        Tensor wrong = Tensor.of(new double[] {1, 2}).requiresGrad(true); // parameter 0 had shape (3,)
        wrong.sum().backward();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.step(List.of(wrong)));
        assertEquals("Adam: loaded state '0/m' has shape (3,) but parameter 0 has shape (2,)", e.getMessage());
        assertArrayEquals(new double[] {1, 2}, wrong.toDoubleArray(), 0.0);
    }
}
