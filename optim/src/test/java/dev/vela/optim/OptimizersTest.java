// Optimizer lookup by Keras name, Keras's defaults, configs that round-trip, and rejected arguments.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.K;
import dev.vela.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptimizersTest {

    @Test
    void kerasNamesGiveKerasDefaults() {
        Map<String, Double> lr = Map.of("sgd", 0.01, "adam", 0.001, "adamw", 0.001, "rmsprop", 0.001, "adagrad", 0.01,
                "adadelta", 1.0, "adamax", 0.002, "nadam", 0.002);
        for (Map.Entry<String, Double> e : lr.entrySet()) {
            Optimizer o = Optimizers.get(e.getKey());
            assertEquals(e.getValue(), o.learningRate(), 0.0, e.getKey());
            assertEquals(e.getValue(), o.getConfig().get("learning_rate"), e.getKey());
        }
        assertEquals(List.of("adadelta", "adagrad", "adam", "adamax", "adamw", "nadam", "rmsprop", "sgd"), Optimizers.names());
        Map<String, Object> adam = Optimizers.get("adam").getConfig();
        assertEquals(0.9, adam.get("beta_1"));
        assertEquals(0.999, adam.get("beta_2"));
        assertEquals(1e-7, adam.get("epsilon"));
        assertEquals(false, adam.get("amsgrad"));
        assertEquals(0.95, Optimizers.get("adadelta").getConfig().get("rho"));
        assertEquals(0.9, Optimizers.get("rmsprop").getConfig().get("rho"));
        assertEquals(0.004, Optimizers.get("adamw").getConfig().get("weight_decay"));
        assertEquals(0.004, Optimizers.get("nadam").getConfig().get("schedule_decay"));
    }

    @Test
    void namesAreCaseInsensitiveAndAcceptClassNames() {
        assertInstanceOf(RMSprop.class, Optimizers.get("RMSprop"));
        assertInstanceOf(Adadelta.class, Optimizers.get("AdaDelta"));
        assertInstanceOf(AdamW.class, Optimizers.get("AdamW"));
        assertInstanceOf(SGD.class, Optimizers.get(" SGD "));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.get("adamm"));
        assertEquals("unknown optimizer 'adamm'; known: adadelta, adagrad, adam, adamax, adamw, nadam, rmsprop, sgd", e.getMessage());
    }

    @Test
    void configRoundTripsAndRebuildsTheSameRule() {
        Optimizer a = new RMSprop(0.02).rho(0.8).momentum(0.3).centered(true).clipNorm(2.0).decay(0.1);
        Optimizer b = Optimizers.fromConfig(a.getConfig());
        assertInstanceOf(RMSprop.class, b);
        assertEquals(a.getConfig(), b.getConfig());
        double[][][] g = {{{3, -1}}, {{0.5, 2}}};
        assertArrayEquals(Drive.eager(a, new double[][] {{1, 1}}, g)[1][0], Drive.eager(b, new double[][] {{1, 1}}, g)[1][0], 0.0);

        Optimizer s = new SGD().learningRate(new PiecewiseConstantDecay(new long[] {1}, new double[] {0.5, 0.1}));
        Optimizer s2 = Optimizers.fromConfig(s.getConfig());
        assertEquals(s.learningRateSchedule(), s2.learningRateSchedule());
        Optimizer e = new Adam().learningRate(new ExponentialDecay(0.1, 10, 0.9, true));
        assertEquals(e.learningRateSchedule(), Optimizers.fromConfig(e.getConfig()).learningRateSchedule());
    }

    @Test
    void unknownConfigKeyIsRejected() {
        Map<String, Object> c = new LinkedHashMap<>(new SGD().getConfig());
        c.put("beta_1", 0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(c));
        assertTrue(e.getMessage().startsWith("SGD: unknown config key 'beta_1'; known: [name, learning_rate, decay, momentum, nesterov]"),
                e.getMessage());
    }

    @Test
    void badHyperparametersAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam().beta1(1.0));
        assertEquals("Adam: beta1 must be in [0, 1), got 1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new RMSprop().rho(-0.5));
        assertThrows(IllegalArgumentException.class, () -> new Adagrad().epsilon(Double.NaN));
    }

    @Test
    void updatesNeedVariablesAndStepNeedsValues() {
        Tensor plain = Tensor.of(new double[] {1, 2}).requiresGrad(true);
        Tensor v = K.variable(Tensor.of(new double[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SGD().updates(v.sum(), List.of(plain)));
        assertTrue(e.getMessage().startsWith("updates: parameter 0 (shape (2,)) is not a K.variable"), e.getMessage());
        Tensor ph = K.placeholder("p", DType.FLOAT64, 2);
        e = assertThrows(IllegalArgumentException.class, () -> new SGD().step(List.of(ph)));
        assertTrue(e.getMessage().startsWith("step: parameter 0 is symbolic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD().step(List.of(plain, plain)));
        assertEquals("step: parameter 1 is the same tensor as parameter 0", e.getMessage());
    }

    @Test
    void eagerStepSkipsParametersWithoutGradientButCountsTheStep() {
        Tensor a = Tensor.of(new double[] {1, 2}).requiresGrad(true), b = Tensor.of(new double[] {3}).requiresGrad(true);
        a.sum().backward(); // b gets no gradient
        SGD opt = new SGD(0.5);
        opt.step(List.of(a, b));
        assertArrayEquals(new double[] {0.5, 1.5}, a.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {3}, b.toDoubleArray(), 0.0);
        assertEquals(1, opt.iterations());
    }

    @Test
    void eagerAndSymbolicFormsShareState() {
        // two eager steps, then the same optimizer continues in a graph on the same values
        Adam mixed = new Adam(0.1), ref = new Adam(0.1);
        double[][][] g = {{{1, -2}}, {{0.5, 0.5}}, {{-1, 3}}};
        double[][][] want = Drive.eager(ref, new double[][] {{0.2, 0.4}}, g);
        double[][][] firstTwo = Drive.eager(mixed, new double[][] {{0.2, 0.4}}, new double[][][] {g[0], g[1]});
        // the graph form registers its variable as a new parameter (index 1): give it parameter 0's moments
        Map<String, Tensor> st = new LinkedHashMap<>(mixed.state());
        st.put("1/m", st.get("0/m"));
        st.put("1/v", st.get("0/v"));
        mixed.loadState(st);
        double[][][] last = Drive.symbolic(mixed, firstTwo[1], new double[][][] {g[2]});
        assertArrayEquals(want[2][0], last[0][0], 1e-15);
    }
    @Test
    void switchingMomentumOnBetweenEagerStepsStartsItsBufferAtZero() {
        Tensor p = Tensor.of(new double[] {1.0}).requiresGrad(true);
        SGD opt = new SGD(0.1);
        p.mul(2.0).sum().backward();
        opt.step(List.of(p));              // 1 - 0.1*2 = 0.8
        opt.zeroGrad(List.of(p));
        assertEquals(List.of("iterations"), List.copyOf(opt.state().keySet()));
        opt.momentum(0.5);
        for (int s = 0; s < 2; s++) {      // buf = 2, then 0.5*2 + 2 = 3
            p.mul(2.0).sum().backward();
            opt.step(List.of(p));
            opt.zeroGrad(List.of(p));
        }
        assertEquals(0.8 - 0.1 * 2 - 0.1 * 3, p.item(), 1e-15);
        assertEquals(3.0, opt.state().get("0/momentum").item(), 0.0);
    }
}
