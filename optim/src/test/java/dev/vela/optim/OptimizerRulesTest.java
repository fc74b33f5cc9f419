// Each optimizer's rule against the published formulas evaluated in plain doubles, for three steps, in both forms.
package dev.vela.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three steps on a tiny parameter with prescribed gradients (including a zero element and a gradient that
 * shrinks, so AMSGrad's maximum and Adamax's infinity norm matter) are compared with the torch.optim
 * formulas written out here in scalar double arithmetic.
 */
class OptimizerRulesTest {
    static final double[] P0 = {0.5, -1.5, 2.0, 0.0};
    static final double[][] G = {
            {1.0, -2.0, 0.5, 0.0},
            {0.1, 0.3, -4.0, 1e-3},
            {-0.2, 0.05, 1.0, -2.5}};

    static double[][][] grads() {
        double[][][] g = new double[G.length][1][];
        for (int s = 0; s < G.length; s++) g[s][0] = G[s];
        return g;
    }

    /** Wraps per-step values of one parameter as after[step][0]. */
    static double[][][] wrap(double[][] perStep) {
        double[][][] r = new double[perStep.length][1][];
        for (int s = 0; s < perStep.length; s++) r[s][0] = perStep[s].clone();
        return r;
    }

    static double[][][] run(Optimizer o, Drive.Form f) { return Drive.run(o, f, new double[][] {P0}, grads()); }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void sgdNesterov(Drive.Form form) {
        double lr = 0.1, mu = 0.9;
        double[] p = P0.clone(), buf = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                buf[j] = s == 0 ? g : mu * buf[j] + g;
                p[j] -= lr * (g + mu * buf[j]);
            }
            want[s] = p.clone();
        }
        double[][][] got = run(new SGD(lr).momentum(mu).nesterov(true), form);
        Drive.assertClose("SGD nesterov " + form, wrap(want), got);
        // Nesterov must differ from plain momentum from the first step on
        double[][][] plain = run(new SGD(lr).momentum(mu), form);
        assertNotEquals(got[0][0][0], plain[0][0][0]);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void sgdMomentumWithDecay(Drive.Form form) {
        double lr = 0.1, mu = 0.5, decay = 0.25;
        double[] p = P0.clone(), buf = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            double lrS = lr / (1 + decay * s);
            for (int j = 0; j < p.length; j++) {
                buf[j] = mu * buf[j] + G[s][j];
                p[j] -= lrS * buf[j];
            }
            want[s] = p.clone();
        }
        Drive.assertClose("SGD momentum+decay " + form, wrap(want), run(new SGD(lr).momentum(mu).decay(decay), form));
    }

    /** Adam / AMSGrad / AdamW in torch's form; wd = 0 for Adam. */
    static double[][] adamReference(double lr, double b1, double b2, double eps, boolean amsgrad, double wd) {
        double[] p = P0.clone(), m = new double[P0.length], v = new double[P0.length], vmax = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            int t = s + 1;
            double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                p[j] *= 1 - lr * wd;
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * g * g;
                vmax[j] = Math.max(vmax[j], v[j]);
                double vv = amsgrad ? vmax[j] : v[j];
                p[j] -= lr / bc1 * m[j] / (Math.sqrt(vv) / Math.sqrt(bc2) + eps);
            }
            want[s] = p.clone();
        }
        return want;
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void adam(Drive.Form form) {
        Drive.assertClose("Adam " + form, wrap(adamReference(0.1, 0.9, 0.999, 1e-7, false, 0)), run(new Adam(0.1), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void amsgrad(Drive.Form form) {
        double[][] want = adamReference(0.1, 0.8, 0.9, 1e-7, true, 0);
        Drive.assertClose("AMSGrad " + form, wrap(want), run(new Adam(0.1).beta1(0.8).beta2(0.9).amsgrad(true), form));
        // the running maximum must matter here: plain Adam gives something else by step 3
        double[][] plain = adamReference(0.1, 0.8, 0.9, 1e-7, false, 0);
        assertNotEquals(plain[2][0], want[2][0], 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void adamW(Drive.Form form) {
        double[][] want = adamReference(0.1, 0.9, 0.999, 1e-7, false, 0.2);
        Drive.assertClose("AdamW " + form, wrap(want), run(new AdamW(0.1).weightDecay(0.2), form));
        assertNotEquals(adamReference(0.1, 0.9, 0.999, 1e-7, false, 0)[0][0], want[0][0], 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void adamax(Drive.Form form) {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] p = P0.clone(), m = new double[P0.length], u = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            double bc1 = 1 - Math.pow(b1, s + 1);
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                m[j] = b1 * m[j] + (1 - b1) * g;
                u[j] = Math.max(b2 * u[j], Math.abs(g) + eps);
                p[j] -= lr / bc1 * m[j] / u[j];
            }
            want[s] = p.clone();
        }
        Drive.assertClose("Adamax " + form, wrap(want), run(new Adamax(lr), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void nadam(Drive.Form form) {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-7, psi = 0.004;
        double[] p = P0.clone(), m = new double[P0.length], v = new double[P0.length];
        double prod = 1;
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            int t = s + 1;
            double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
            double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
            prod *= mu;
            double bc2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[j] / bc2) + eps;
                p[j] -= lr * (1 - mu) / (1 - prod) * g / denom;
                p[j] -= lr * muNext / (1 - prod * muNext) * m[j] / denom;
            }
            want[s] = p.clone();
        }
        Nadam opt = new Nadam(lr);
        Drive.assertClose("Nadam " + form, wrap(want), run(opt, form));
        assertEquals(prod, opt.state().get("m_schedule").item(), 1e-15, "the momentum product after three steps");
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void rmspropCenteredWithMomentum(Drive.Form form) {
        double lr = 0.05, rho = 0.8, eps = 1e-7, mom = 0.5;
        double[] p = P0.clone(), a = new double[P0.length], mg = new double[P0.length], buf = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                a[j] = rho * a[j] + (1 - rho) * g * g;
                mg[j] = rho * mg[j] + (1 - rho) * g;
                double avg = Math.sqrt(a[j] - mg[j] * mg[j]) + eps;
                buf[j] = mom * buf[j] + g / avg;
                p[j] -= lr * buf[j];
            }
            want[s] = p.clone();
        }
        Drive.assertClose("RMSprop centered+momentum " + form, wrap(want),
                run(new RMSprop(lr).rho(rho).epsilon(eps).momentum(mom).centered(true), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void adagradWithInitialAccumulator(Drive.Form form) {
        double lr = 0.1, eps = 1e-7, init = 0.1;
        double[] p = P0.clone(), acc = new double[P0.length];
        java.util.Arrays.fill(acc, init);
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                acc[j] += g * g;
                p[j] -= lr * g / (Math.sqrt(acc[j]) + eps);
            }
            want[s] = p.clone();
        }
        Drive.assertClose("Adagrad " + form, wrap(want), run(new Adagrad(lr).initialAccumulatorValue(init), form));
    }

    @ParameterizedTest
    @EnumSource(Drive.Form.class)
    void adadeltaDefaults(Drive.Form form) {
        double lr = 1.0, rho = 0.95, eps = 1e-7; // Keras 2's defaults
        double[] p = P0.clone(), a = new double[P0.length], d = new double[P0.length];
        double[][] want = new double[G.length][];
        for (int s = 0; s < G.length; s++) {
            for (int j = 0; j < p.length; j++) {
                double g = G[s][j];
                a[j] = rho * a[j] + (1 - rho) * g * g;
                double delta = Math.sqrt(d[j] + eps) / Math.sqrt(a[j] + eps) * g;
                d[j] = rho * d[j] + (1 - rho) * delta * delta;
                p[j] -= lr * delta;
            }
            want[s] = p.clone();
        }
        Drive.assertClose("Adadelta " + form, wrap(want), run(new Adadelta(), form));
    }
}
