// Test helper: runs an optimizer on chosen gradients, eagerly (tape + step) or symbolically (K.function + updates).
package dev.vela.optim;

import dev.vela.DType;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds an optimizer prescribed gradients through the loss {@code sum_i sum(p_i * g_i)}, whose gradient
 * with respect to {@code p_i} is exactly {@code g_i}, in either form, and records every parameter after
 * every step. Lets the tests compare the optimizers against formulas evaluated in plain doubles.
 * <pre>{@code
 * double[][][] after = Drive.run(new SGD(0.1), Drive.Form.EAGER, new double[][] {{1, 2}}, new double[][][] {{{1, 1}}});
 * // after[0][0] == {0.9, 1.9}
 * }</pre>
 */
final class Drive {
    private Drive() {}

    enum Form { EAGER, SYMBOLIC }

    /**
     * @param p0    initial value of each (1-D) parameter
     * @param grads grads[step][param] the gradient fed at that step
     * @return after[step][param] the parameter values after that step
     */
    static double[][][] run(Optimizer opt, Form form, double[][] p0, double[][][] grads) {
        return form == Form.EAGER ? eager(opt, p0, grads) : symbolic(opt, p0, grads);
    }

    static double[][][] eager(Optimizer opt, double[][] p0, double[][][] grads) {
        List<Tensor> ps = new ArrayList<>();
        for (double[] v : p0) ps.add(Tensor.of(v.clone()).requiresGrad(true));
        double[][][] out = new double[grads.length][][];
        for (int s = 0; s < grads.length; s++) {
            Tensor loss = null;
            for (int i = 0; i < ps.size(); i++) {
                Tensor term = ps.get(i).mul(Tensor.of(grads[s][i])).sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
            opt.step(ps);
            opt.zeroGrad(ps);
            out[s] = snapshot(ps);
        }
        return out;
    }

    static double[][][] symbolic(Optimizer opt, double[][] p0, double[][][] grads) {
        List<Tensor> ps = new ArrayList<>(), gs = new ArrayList<>();
        Tensor loss = null;
        for (int i = 0; i < p0.length; i++) {
            Tensor p = K.variable(Tensor.of(p0[i].clone()));
            Tensor g = K.placeholder("g" + i, DType.FLOAT64, p0[i].length);
            ps.add(p);
            gs.add(g);
            Tensor term = p.mul(g).sum();
            loss = loss == null ? term : loss.add(term);
        }
        KFunction f = K.function(gs, List.of(loss), opt.updates(loss, ps));
        double[][][] out = new double[grads.length][][];
        for (int s = 0; s < grads.length; s++) {
            Object[] feed = new Object[p0.length];
            for (int i = 0; i < feed.length; i++) feed[i] = Tensor.of(grads[s][i]);
            f.call(feed);
            out[s] = snapshot(ps);
        }
        return out;
    }

    static double[][] snapshot(List<Tensor> ps) {
        double[][] r = new double[ps.size()][];
        for (int i = 0; i < r.length; i++) r[i] = ps.get(i).getValue().toDoubleArray();
        return r;
    }

    /** Asserts {@code |a - e| <= 1e-12 (1 + |e|)} elementwise, naming step, parameter and element. */
    static void assertClose(String what, double[][][] expected, double[][][] actual) {
        for (int s = 0; s < expected.length; s++) {
            for (int i = 0; i < expected[s].length; i++) {
                for (int j = 0; j < expected[s][i].length; j++) {
                    double e = expected[s][i][j], a = actual[s][i][j];
                    if (!(Math.abs(a - e) <= 1e-12 * (1 + Math.abs(e)))) {
                        throw new AssertionError(what + ": step " + (s + 1) + ", parameter " + i + ", element " + j
                                + ": expected " + e + ", got " + a);
                    }
                }
            }
        }
    }
}
