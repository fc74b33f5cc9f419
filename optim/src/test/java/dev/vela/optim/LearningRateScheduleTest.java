// Learning-rate schedules and Keras's decay: their formulas, and the rate each optimizer step really uses, in both forms.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;

import java.util.List;
import java.util.function.LongToDoubleFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With SGD on the loss {@code sum(p)} (gradient 1 everywhere), step k moves every parameter by exactly the
 * learning rate used at that step, so {@code p_k - p_{k+1}} is the rate.
 */
class LearningRateScheduleTest {
    static final int STEPS = 12;

    /** The learning rate used by each of STEPS updates. */
    static double[] ratesUsed(Optimizer o, Drive.Form form) {
        double[][][] g = new double[STEPS][1][];
        for (int s = 0; s < STEPS; s++) g[s][0] = new double[] {1.0};
        double[][][] after = Drive.run(o, form, new double[][] {{0.0}}, g);
        double[] r = new double[STEPS];
        double prev = 0;
        for (int s = 0; s < STEPS; s++) {
            r[s] = prev - after[s][0][0];
            prev = after[s][0][0];
        }
        return r;
    }

    static void assertRates(String what, LongToDoubleFunction want, double[] got) {
        for (int k = 0; k < got.length; k++) {
            double w = want.applyAsDouble(k);
            assertEquals(w, got[k], 1e-13 * (1 + Math.abs(w)), what + ": the rate of step " + k);
        }
    }

    @Test
    void formulas() {
        assertEquals(0.1 * Math.pow(0.5, 0.5), new ExponentialDecay(0.1, 10, 0.5, false).at(5), 1e-17);
        assertEquals(0.1, new ExponentialDecay(0.1, 10, 0.5, true).at(9), 0.0);
        assertEquals(0.05, new ExponentialDecay(0.1, 10, 0.5, true).at(10), 0.0);
        assertEquals(0.05, new InverseTimeDecay(0.1, 1, 0.5, false).at(2), 1e-17);
        assertEquals(0.1 / 1.5, new InverseTimeDecay(0.1, 4, 0.5, true).at(7), 1e-17);
        StepDecay sd = new StepDecay(0.2, 0.1, 3);
        assertEquals(0.2, sd.at(2), 0.0);
        assertEquals(0.02, sd.at(3), 1e-17);
        assertEquals(0.002, sd.at(6), 1e-17);
        PiecewiseConstantDecay pc = new PiecewiseConstantDecay(new long[] {3, 6}, new double[] {1.0, 0.5, 0.25});
        assertEquals(1.0, pc.at(3), 0.0);   // Keras: values[0] while step <= boundaries[0]
        assertEquals(0.5, pc.at(4), 0.0);
        assertEquals(0.5, pc.at(6), 0.0);
        assertEquals(0.25, pc.at(7), 0.0);
    }

    @Test
    void tensorFormsAgreeWithTheDoubleForms() {
        List<LearningRateSchedule> all = List.of(new ExponentialDecay(0.1, 4, 0.7, false), new ExponentialDecay(0.1, 4, 0.7, true),
                new InverseTimeDecay(0.3, 2, 0.5, false), new InverseTimeDecay(0.3, 2, 0.5, true), new StepDecay(0.2, 0.5, 5),
                new PiecewiseConstantDecay(new long[] {3, 6}, new double[] {1.0, 0.5, 0.25}));
        for (LearningRateSchedule s : all) {
            for (long k = 0; k < 20; k++) {
                double t = s.at(Tensor.scalar(k, DType.FLOAT64)).item();
                assertEquals(s.at(k), t, 1e-15 * s.at(k), s + " at step " + k);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void exponentialDecayIsTheRateUsedAtEachStep(Drive.Form form) {
        ExponentialDecay s = new ExponentialDecay(0.1, 4, 0.5, false);
        assertRates("ExponentialDecay " + form, k -> 0.1 * Math.pow(0.5, k / 4.0), ratesUsed(new SGD().learningRate(s), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void stepDecayIsTheRateUsedAtEachStep(Drive.Form form) {
        assertRates("StepDecay " + form, k -> 0.2 * Math.pow(0.1, k / 5), ratesUsed(new SGD().learningRate(new StepDecay(0.2, 0.1, 5)), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void piecewiseConstantIsTheRateUsedAtEachStep(Drive.Form form) {
        PiecewiseConstantDecay s = new PiecewiseConstantDecay(new long[] {2, 7}, new double[] {0.5, 0.25, 0.125});
        assertRates("PiecewiseConstantDecay " + form, k -> k <= 2 ? 0.5 : k <= 7 ? 0.25 : 0.125, ratesUsed(new SGD().learningRate(s), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void kerasDecayDividesByOnePlusDecayTimesIterations(Drive.Form form) {
        assertRates("decay " + form, k -> 0.3 / (1 + 0.5 * k), ratesUsed(new SGD(0.3).decay(0.5), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void decayAppliesOnTopOfASchedule(Drive.Form form) {
        assertRates("schedule+decay " + form, k -> 0.2 * Math.pow(0.1, k / 5) / (1 + 0.25 * k),
                ratesUsed(new SGD().learningRate(new StepDecay(0.2, 0.1, 5)).decay(0.25), form));
    }

    @Test
    void lambdaScheduleRunsEagerlyAndIsRefusedInAGraph() {
        LearningRateSchedule lambda = k -> k < 3 ? 0.5 : 0.05;
        assertRates("lambda eager", k -> k < 3 ? 0.5 : 0.05, ratesUsed(new SGD().learningRate(lambda), Drive.Form.EAGER));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> ratesUsed(new SGD().learningRate(lambda), Drive.Form.SYMBOLIC));
        assertTrue(e.getMessage().contains("cannot run inside a K.function graph"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void changingTheConstantRateMidwayIsSeenByTheNextStep(Drive.Form form) {
        // a callback such as ReduceLROnPlateau sets the rate between calls: the compiled graph must read it
        SGD opt = new SGD(0.5);
        dev.vela.Tensor p;
        if (form == Drive.Form.EAGER) {
            p = Tensor.of(new double[] {0.0}).requiresGrad(true);
            for (int s = 0; s < 3; s++) {
                if (s == 2) opt.learningRate(0.125);
                p.sum().backward();
                opt.step(List.of(p));
                opt.zeroGrad(List.of(p));
            }
        } else {
            p = dev.vela.K.variable(Tensor.of(new double[] {0.0}));
            Tensor loss = p.sum();
            dev.vela.KFunction f = dev.vela.K.function(List.of(), List.of(loss), opt.updates(loss, List.of(p)));
            f.call();
            f.call();
            opt.learningRate(0.125);
            f.call();
        }
        assertEquals(-(0.5 + 0.5 + 0.125), p.getValue().item(), 1e-15);
        assertEquals(3, opt.iterations());
        assertEquals(0.125, opt.currentLearningRate(), 0.0);
    }

    @Test
    void currentLearningRateFollowsTheScheduleAndDecay() {
        SGD opt = new SGD();
        opt.learningRate(new StepDecay(0.2, 0.5, 2)).decay(1.0);
        ratesUsed(opt, Drive.Form.EAGER); // 12 steps
        assertEquals(0.2 * Math.pow(0.5, 6) / (1 + 12), opt.currentLearningRate(), 1e-18);
    }

    @Test
    void aGraphFreezesEverythingButTheConstantRate() {
        SGD opt = new SGD(0.1);
        ratesUsed(opt, Drive.Form.SYMBOLIC);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.decay(0.1));
        assertTrue(e.getMessage().startsWith("SGD: cannot change decay after updates(...) built a K.function graph"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> opt.momentum(0.9));
        SGD scheduled = new SGD();
        scheduled.learningRate(new StepDecay(0.1, 0.5, 2));
        ratesUsed(scheduled, Drive.Form.SYMBOLIC);
        assertThrows(IllegalStateException.class, () -> scheduled.learningRate(0.01));
    }

    @Test
    void badSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.1, 0, 0.5, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {5, 3}, new double[] {1, 2, 3}));
        assertEquals("PiecewiseConstantDecay: boundaries must increase strictly, got [5, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PiecewiseConstantDecay(new long[] {5}, new double[] {1}));
    }
}
