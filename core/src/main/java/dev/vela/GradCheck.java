// Finite-difference checks of gradients (first and second order) for users' own functions and ops.
package dev.vela;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Compares the tape's gradients with central finite differences, in float64, with PyTorch's
 * gradcheck tolerances (eps 1e-6, atol 1e-5, rtol 1e-3).
 * <pre>{@code
 * GradCheck.check(in -> in[0].tanh().mul(in[1]).sum(), Tensor.randn(3, 4), Tensor.randn(4));   // true
 * }</pre>
 */
public final class GradCheck {
    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    private GradCheck() {}

    /** Thrown when an analytical gradient disagrees with the numerical one. */
    public static final class GradCheckException extends IllegalStateException {
        public GradCheckException(String msg) { super(msg); }
    }

    /**
     * Checks d fn / d inputs. {@code fn} may return any shape: its output is reduced against a fixed random
     * upstream so that every output element is checked. Inputs are copied to float64 leaves.
     */
    public static boolean check(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Tensor[] xs = leaves(inputs);
        Tensor probe = null;
        {
            Tensor y = fn.apply(xs);
            probe = new Generator(1234).uniform(DType.FLOAT64, 0.5, 1.5, y.dims());
        }
        final Tensor up = probe;
        Function<Tensor[], Tensor> scalar = in -> fn.apply(in).to(DType.FLOAT64).mul(up).sum();
        compare("gradient", scalar, xs);
        return true;
    }

    /** Checks the gradient of the gradient: d/dx of sum(grad(fn)·v) against finite differences of grad(fn). */
    public static boolean checkGradGrad(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Tensor[] xs = leaves(inputs);
        Tensor y0 = fn.apply(xs);
        Tensor up = new Generator(4321).uniform(DType.FLOAT64, 0.5, 1.5, y0.dims());
        List<Tensor> vs = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) vs.add(new Generator(99 + i).uniform(DType.FLOAT64, 0.5, 1.5, xs[i].dims()));
        Function<Tensor[], Tensor> firstOrder = in -> {
            Tensor y = fn.apply(in).to(DType.FLOAT64).mul(up).sum();
            List<Tensor> g = Autograd.grad(List.of(y), List.of(in), null, true, true, true);
            Tensor s = null;
            for (int i = 0; i < in.length; i++) {
                if (g.get(i) == null) continue;
                Tensor term = g.get(i).mul(vs.get(i)).sum();
                s = s == null ? term : s.add(term);
            }
            if (s == null) throw new GradCheckException("checkGradGrad: the function does not depend on its inputs");
            return s;
        };
        compare("second-order gradient", firstOrder, xs);
        return true;
    }

    private static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i].detach().to(DType.FLOAT64).copy().detach().requiresGrad(true);
        }
        return xs;
    }

    private static void compare(String what, Function<Tensor[], Tensor> scalar, Tensor[] xs) {
        Tensor y = scalar.apply(xs);
        if (y.size() != 1) throw new GradCheckException("GradCheck: the checked function must give one value");
        // a function whose value does not depend on the inputs through the tape (e.g. the gradient of a linear op) has zero gradient
        List<Tensor> analytic = y.requiresGrad()
                ? Autograd.grad(List.of(y), List.of(xs), null, false, false, true)
                : java.util.Collections.nCopies(xs.length, (Tensor) null);
        for (int i = 0; i < xs.length; i++) {
            double[] x = xs[i].toDoubleArray();
            double[] a = analytic.get(i) == null ? new double[x.length] : analytic.get(i).toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                double num = (eval(scalar, xs, i, x, j, x[j] + EPS) - eval(scalar, xs, i, x, j, x[j] - EPS)) / (2 * EPS);
                if (Math.abs(a[j] - num) > ATOL + RTOL * Math.abs(num) || Double.isNaN(a[j]) != Double.isNaN(num)) {
                    throw new GradCheckException(String.format(Locale.ROOT,
                            "GradCheck: %s of input %d (shape %s) at flat index %d: analytical %.10g, numerical %.10g",
                            what, i, xs[i].shape(), j, a[j], num));
                }
            }
        }
    }

    private static double eval(Function<Tensor[], Tensor> f, Tensor[] xs, int i, double[] base, int j, double v) {
        double[] p = base.clone();
        p[j] = v;
        Tensor[] in = xs.clone();
        in[i] = Tensor.fromArray(p, DType.FLOAT64, xs[i].dims()).requiresGrad(true);
        try (var ng = Autograd.noGrad()) {
            // second-order checks need the tape inside f; enable it again there
            try (var eg = Autograd.enableGrad()) {
                return f.apply(in).item();
            }
        }
    }
}
