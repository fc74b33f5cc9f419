// Finite-difference checks (GradCheck, float64) of every differentiable op on seeded random inputs, plus second order.
package dev.vela;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests of the backward rules: for every differentiable op, {@link GradCheck#check} compares the
 * tape's gradient with central finite differences in float64 on seeded random inputs (several shapes per
 * op, inputs kept away from kinks such as |x| at 0, relu at 0, clip at its bounds, maximum where a == b).
 * Elementwise ops, matmul, softmax and the losses are also checked to second order with
 * {@link GradCheck#checkGradGrad}. Finally, GradCheck itself must reject a function whose backward is wrong.
 *
 * <p>Each checked function is reduced to a scalar as {@code sum(op(x) * w)} with fixed random weights
 * {@code w} (one per output shape), so the check tests a random vector-Jacobian product; a plain
 * {@code sum} would miss errors (e.g. softmax rows always sum to 1).
 */
class GradCheckTest {

    static final DType F64 = DType.FLOAT64;

    // ------------------------------------------------------------------ input generators

    /** How values are drawn, to keep inputs inside an op's domain and away from its kinks. */
    enum Dom {
        /** normal(0, 1) */
        ANY,
        /** uniform [0.3, 2.5] */
        POS,
        /** sign * uniform [0.15, 2]: away from 0 */
        AWAY0,
        /** uniform [0.5, 1.5] times random sign: away from 0, moderate magnitude (prod) */
        UNIT,
        /** uniform [0.05, 0.95]: probabilities away from the loss clipping */
        PROB
    }

    static double draw(SplittableRandom r, Dom d) {
        return switch (d) {
            case ANY -> gauss(r);
            case POS -> 0.3 + 2.2 * r.nextDouble();
            case AWAY0 -> (r.nextBoolean() ? 1 : -1) * (0.15 + 1.85 * r.nextDouble());
            case UNIT -> (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
            case PROB -> 0.05 + 0.9 * r.nextDouble();
        };
    }

    static double gauss(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static Tensor t(SplittableRandom r, Dom d, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = draw(r, d);
        return Tensor.fromArray(v, F64, shape);
    }

    /** Values that avoid the clip bounds -0.5 / 0.7 and hard-sigmoid's ±2.5 by at least 0.05. */
    static Tensor avoiding(SplittableRandom r, double[] kinks, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x;
            boolean ok;
            do {
                x = -3.2 + 6.4 * r.nextDouble();
                ok = true;
                for (double k : kinks) ok &= Math.abs(x - k) > 0.05;
            } while (!ok);
            v[i] = x;
        }
        return Tensor.fromArray(v, F64, shape);
    }

    static int[] randomShape(SplittableRandom r, int minRank, int maxRank) {
        int rank = minRank + r.nextInt(maxRank - minRank + 1);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(4);
        return s;
    }

    /** A shape that broadcasts to {@code out}: some leading dims dropped, some dims set to 1. */
    static int[] broadcastable(SplittableRandom r, int[] out) {
        int drop = r.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) {
            if (r.nextInt(3) == 0) s[i] = 1;
        }
        return s;
    }

    // ------------------------------------------------------------------ projection to a scalar

    private static final Map<String, Tensor> WEIGHTS = new HashMap<>();

    /** Fixed random weights for an output shape (deterministic per shape). */
    static synchronized Tensor weights(int[] shape) {
        return WEIGHTS.computeIfAbsent(Arrays.toString(shape), k -> {
            SplittableRandom r = new SplittableRandom(k.hashCode());
            return t(r, Dom.ANY, shape);
        });
    }

    /** sum(y * w): a scalar whose gradient is a random vector-Jacobian product of y. */
    static Tensor project(Tensor y) {
        return y.mul(weights(y.dims())).sum();
    }

    // ------------------------------------------------------------------ the cases

    /** One gradient check: a name, the op, its float64 inputs, and whether to check second order too. */
    record GC(String name, Function<Tensor[], Tensor> op, Tensor[] inputs, boolean gradGrad) {
    }

    static final List<GC> CASES = new ArrayList<>();

    static void add(String name, boolean gradGrad, Function<Tensor[], Tensor> op, Tensor... inputs) {
        CASES.add(new GC(name, op, inputs, gradGrad));
    }

    static void unary(String name, Dom d, UnaryOperator<Tensor> f) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (int k = 0; k < 3; k++) {
            int[] s = randomShape(r, 0, 3);
            add(name + " " + Arrays.toString(s), true, in -> f.apply(in[0]), t(r, d, s));
        }
    }

    static void unaryAvoiding(String name, double[] kinks, UnaryOperator<Tensor> f) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (int k = 0; k < 3; k++) {
            int[] s = randomShape(r, 1, 3);
            add(name + " " + Arrays.toString(s), true, in -> f.apply(in[0]), avoiding(r, kinks, s));
        }
    }

    static final int[][][] BROADCAST_PAIRS = {
            {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{5}, {}}, {{2, 1, 4}, {3, 1}},
            {{}, {2, 3}}, {{4, 1}, {2, 1, 3}}};

    static void binary(String name, Dom da, Dom db, java.util.function.BinaryOperator<Tensor> f) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (int[][] p : BROADCAST_PAIRS) {
            add(name + " " + Arrays.toString(p[0]) + "," + Arrays.toString(p[1]), true,
                    in -> f.apply(in[0], in[1]), t(r, da, p[0]), t(r, db, p[1]));
        }
        for (int k = 0; k < 3; k++) {
            int[] out = randomShape(r, 1, 4);
            int[] sb = broadcastable(r, out);
            // one operand sometimes has the full shape, so both "one side broadcasts" and "both do" occur
            int[] sa = r.nextBoolean() ? out : broadcastable(r, out);
            add(name + " random " + Arrays.toString(sa) + "," + Arrays.toString(sb), true,
                    in -> f.apply(in[0], in[1]), t(r, da, sa), t(r, db, sb));
        }
    }

    /** Pairs for maximum/minimum: a on odd multiples of 0.1, b on even multiples, so |a - b| >= 0.1 everywhere. */
    static void binaryNoTies(String name, java.util.function.BinaryOperator<Tensor> f) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (int[][] p : BROADCAST_PAIRS) {
            add(name + " " + Arrays.toString(p[0]) + "," + Arrays.toString(p[1]), true,
                    in -> f.apply(in[0], in[1]), grid(r, true, p[0]), grid(r, false, p[1]));
        }
    }

    static Tensor grid(SplittableRandom r, boolean odd, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(-10, 11) * 2 + (odd ? 1 : 0);
            v[i] = k * 0.1;
        }
        return Tensor.fromArray(v, F64, shape);
    }

    interface AxisReduce {
        Tensor apply(Tensor x, int axis, boolean keepdims);
    }

    interface AxesReduce {
        Tensor apply(Tensor x, int[] axes, boolean keepdims);
    }

    static void reduction(String name, Dom d, Function<Tensor, Tensor> all, AxisReduce one, AxesReduce many) {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        add(name + " all (3,4)", false, in -> all.apply(in[0]), t(r, d, 3, 4));
        add(name + " all (7,)", false, in -> all.apply(in[0]), t(r, d, 7));
        for (int axis : new int[] {0, 1, 2, -1, -2}) {
            for (boolean keep : new boolean[] {false, true}) {
                add(name + " axis " + axis + " keep " + keep + " (2,3,4)", false,
                        in -> one.apply(in[0], axis, keep), t(r, d, 2, 3, 4));
            }
        }
        add(name + " axes [0,2] (2,3,4)", false, in -> many.apply(in[0], new int[] {0, 2}, false), t(r, d, 2, 3, 4));
        add(name + " axes [0,2] keep (2,3,4)", false, in -> many.apply(in[0], new int[] {0, 2}, true), t(r, d, 2, 3, 4));
        add(name + " axes [1,-1] keep (3,2,4)", false, in -> many.apply(in[0], new int[] {1, -1}, true), t(r, d, 3, 2, 4));
        add(name + " axes [0,1,2] (2,3,2)", false, in -> many.apply(in[0], new int[] {0, 1, 2}, false), t(r, d, 2, 3, 2));
        add(name + " axis 0 (5,)", false, in -> one.apply(in[0], 0, false), t(r, d, 5));
    }

    /** The case list, built on first use (not in a static initializer, so a core bug fails tests, not class loading). */
    static synchronized List<GC> cases() {
        if (CASES.isEmpty()) {
            build();
        }
        return CASES;
    }

    private static void build() {
        // ---- unary
        unary("neg", Dom.ANY, Tensor::neg);
        unary("abs", Dom.AWAY0, Tensor::abs);
        unary("exp", Dom.ANY, Tensor::exp);
        unary("log", Dom.POS, Tensor::log);
        unary("sqrt", Dom.POS, Tensor::sqrt);
        unary("square", Dom.ANY, Tensor::square);
        unary("sigmoid", Dom.ANY, Tensor::sigmoid);
        unary("tanh", Dom.ANY, Tensor::tanh);
        unary("relu", Dom.AWAY0, Tensor::relu);
        unary("softplus", Dom.ANY, Tensor::softplus);
        unary("softsign", Dom.AWAY0, Tensor::softsign);
        unary("elu()", Dom.AWAY0, x -> x.elu());
        unary("elu(0.5)", Dom.AWAY0, x -> x.elu(0.5));
        unary("selu", Dom.AWAY0, Tensor::selu);
        unary("sin", Dom.ANY, Tensor::sin);
        unary("cos", Dom.ANY, Tensor::cos);
        unaryAvoiding("hardSigmoid", new double[] {-2.5, 2.5}, x -> x.hardSigmoid());
        unary("leakyRelu(0.2)", Dom.AWAY0, x -> x.leakyRelu(0.2));
        unary("leakyRelu(0.01)", Dom.AWAY0, x -> x.leakyRelu(0.01));
        unaryAvoiding("clip(-0.5,0.7)", new double[] {-0.5, 0.7}, x -> x.clip(-0.5, 0.7));
        unary("pow(2.5)", Dom.POS, x -> x.pow(2.5));
        unary("pow(-1.5)", Dom.POS, x -> x.pow(-1.5));
        unary("pow(3.0) of negatives too", Dom.AWAY0, x -> x.pow(3.0));
        unary("pow(2.0) of negatives too", Dom.ANY, x -> x.pow(2.0));
        unary("reciprocal", Dom.AWAY0, Tensor::reciprocal);
        unary("log1p", Dom.POS, Tensor::log1p);
        unary("expm1", Dom.ANY, Tensor::expm1);
        unary("scale_shift", Dom.ANY, x -> x.mul(1.7).add(-0.3));
        unary("sub/div scalars", Dom.ANY, x -> x.sub(0.4).div(-2.5));
        unary("rsub-like", Dom.ANY, x -> Tensor.scalar(2.0, F64).sub(x));
        unary("l2Normalize(-1)", Dom.AWAY0, x -> (x.rank() == 0 ? x.reshape(1) : x).l2Normalize(-1));

        // ---- binary with broadcasting
        binary("add", Dom.ANY, Dom.ANY, Tensor::add);
        binary("sub", Dom.ANY, Dom.ANY, Tensor::sub);
        binary("mul", Dom.ANY, Dom.ANY, Tensor::mul);
        binary("div", Dom.ANY, Dom.AWAY0, Tensor::div);
        binary("pow", Dom.POS, Dom.ANY, Tensor::pow);
        binaryNoTies("maximum", Tensor::maximum);
        binaryNoTies("minimum", Tensor::minimum);
        {
            SplittableRandom r = new SplittableRandom(11);
            add("x*x (same tensor twice)", true, in -> in[0].mul(in[0]), t(r, Dom.ANY, 3, 4));
            add("x/x+x (fan-in)", true, in -> in[0].div(in[0].add(3.0)).add(in[0]), t(r, Dom.POS, 2, 5));
        }

        // ---- reductions
        reduction("sum", Dom.ANY, Tensor::sum, Tensor::sum, Tensor::sum);
        reduction("mean", Dom.ANY, Tensor::mean, Tensor::mean, Tensor::mean);
        reduction("max", Dom.ANY, Tensor::max, Tensor::max, Tensor::max);
        reduction("min", Dom.ANY, Tensor::min, Tensor::min, Tensor::min);
        reduction("prod", Dom.UNIT, Tensor::prod, Tensor::prod, Tensor::prod);
        reduction("var", Dom.ANY, Tensor::var, Tensor::var, Tensor::var);
        reduction("std", Dom.ANY, Tensor::std, Tensor::std, Tensor::std);
        reduction("logsumexp", Dom.ANY, Tensor::logsumexp, Tensor::logsumexp, Tensor::logsumexp);

        // ---- linear algebra
        {
            SplittableRandom r = new SplittableRandom(21);
            add("matmul (3,4)x(4,5)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 3, 4), t(r, Dom.ANY, 4, 5));
            add("matmul (1,7)x(7,1)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 1, 7), t(r, Dom.ANY, 7, 1));
            add("matmul (9,17)x(17,6)", false, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 9, 17), t(r, Dom.ANY, 17, 6));
            add("matmul batched (2,3,4)x(2,4,5)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 2, 3, 4), t(r, Dom.ANY, 2, 4, 5));
            add("matmul batched broadcast (2,3,4)x(4,5)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 2, 3, 4), t(r, Dom.ANY, 4, 5));
            add("matmul batched broadcast (2,1,3,4)x(3,4,2)", false, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 2, 1, 3, 4), t(r, Dom.ANY, 3, 4, 2));
            add("matmul matrix-vector (3,4)x(4,)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 3, 4), t(r, Dom.ANY, 4));
            add("matmul vector-matrix (4,)x(4,5)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 4), t(r, Dom.ANY, 4, 5));
            add("matmul vector-vector (4,)x(4,)", true, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 4), t(r, Dom.ANY, 4));
            add("matmul batched matrix-vector (2,3,4)x(4,)", false, in -> in[0].matmul(in[1]), t(r, Dom.ANY, 2, 3, 4), t(r, Dom.ANY, 4));
            add("dot (3,4).(4,5)", true, in -> in[0].dot(in[1]), t(r, Dom.ANY, 3, 4), t(r, Dom.ANY, 4, 5));
            add("dot (2,3,4).(4,5)", false, in -> in[0].dot(in[1]), t(r, Dom.ANY, 2, 3, 4), t(r, Dom.ANY, 4, 5));
            add("dot theano (2,3,4).(5,4,2)", false, in -> in[0].dot(in[1]), t(r, Dom.ANY, 2, 3, 4), t(r, Dom.ANY, 5, 4, 2));
            add("dot (3,4).(4,)", false, in -> in[0].dot(in[1]), t(r, Dom.ANY, 3, 4), t(r, Dom.ANY, 4));
        }

        // ---- softmax family
        {
            SplittableRandom r = new SplittableRandom(31);
            add("softmax(-1) (3,4)", true, in -> in[0].softmax(-1), t(r, Dom.ANY, 3, 4));
            add("softmax(0) (4,3)", true, in -> in[0].softmax(0), t(r, Dom.ANY, 4, 3));
            add("softmax(1) (2,3,4)", true, in -> in[0].softmax(1), t(r, Dom.ANY, 2, 3, 4));
            add("logSoftmax(-1) (3,4)", true, in -> in[0].logSoftmax(-1), t(r, Dom.ANY, 3, 4));
            add("logSoftmax(0) (2,3,5)", true, in -> in[0].logSoftmax(0), t(r, Dom.ANY, 2, 3, 5));
            add("logsumexp(-1) large logits (2,3)", false, in -> in[0].mul(30.0).logsumexp(-1, false), t(r, Dom.ANY, 2, 3));
            add("l2Normalize(0) (4,3)", true, in -> in[0].l2Normalize(0), t(r, Dom.AWAY0, 4, 3));
            add("l2Normalize(1) (2,3,4)", false, in -> in[0].l2Normalize(1), t(r, Dom.AWAY0, 2, 3, 4));
        }

        // ---- losses (targets are constants captured by the function; only the output is checked)
        {
            SplittableRandom r = new SplittableRandom(41);
            Tensor t01 = Tensor.fromArray(new double[] {1, 0, 0, 1, 1, 0}, F64, 6, 1);
            Tensor tSoft = t(r, Dom.PROB, 4, 3);
            add("binaryCrossentropy hard targets", true, in -> Losses.binaryCrossentropy(t01, in[0]), t(r, Dom.PROB, 6, 1));
            add("binaryCrossentropy soft targets", true, in -> Losses.binaryCrossentropy(tSoft, in[0]), t(r, Dom.PROB, 4, 3));
            add("binaryCrossentropy fromLogits", true, in -> Losses.binaryCrossentropy(tSoft, in[0], true), t(r, Dom.ANY, 4, 3));
            add("binaryCrossentropy fromLogits hard", true, in -> Losses.binaryCrossentropy(t01, in[0], true), t(r, Dom.ANY, 6, 1));
            Tensor oneHot = Tensor.fromArray(new double[] {0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0}, F64, 5, 3);
            add("categoricalCrossentropy (rescaled probabilities)", true, in -> Losses.categoricalCrossentropy(oneHot, in[0]),
                    t(r, Dom.POS, 5, 3));
            add("categoricalCrossentropy soft targets", true, in -> Losses.categoricalCrossentropy(in[1].softmax(-1), in[0]),
                    t(r, Dom.POS, 5, 3), t(r, Dom.ANY, 5, 3));
            add("categoricalCrossentropy fromLogits", true, in -> Losses.categoricalCrossentropy(oneHot, in[0], true),
                    t(r, Dom.ANY, 5, 3));
            Tensor ids = Tensor.of(new long[] {1, 0, 2, 1, 0});
            add("sparseCategoricalCrossentropy", true, in -> Losses.sparseCategoricalCrossentropy(ids, in[0]),
                    t(r, Dom.POS, 5, 3).softmax(-1));
            add("sparseCategoricalCrossentropy fromLogits", true,
                    in -> Losses.sparseCategoricalCrossentropy(ids, in[0], true), t(r, Dom.ANY, 5, 3));
            Tensor target = t(r, Dom.ANY, 4, 3);
            add("meanSquaredError", true, in -> Losses.meanSquaredError(target, in[0]), t(r, Dom.ANY, 4, 3));
            // output = target + (away from 0), so |output - target| never crosses the kink
            Tensor offset = t(r, Dom.AWAY0, 4, 3);
            Tensor shifted = target.add(offset);
            add("meanAbsoluteError", true, in -> Losses.meanAbsoluteError(target, in[0].mul(0.01).add(shifted)),
                    t(r, Dom.ANY, 4, 3));
            add("mean(binaryCrossentropy(sigmoid(xW+b))) logreg", true,
                    in -> Losses.binaryCrossentropy(t01, in[0].matmul(in[1]).add(in[2]).sigmoid()).mean(),
                    t(r, Dom.ANY, 6, 5), t(r, Dom.ANY, 5, 1), t(r, Dom.ANY, 1));
        }

        // ---- shape ops
        {
            SplittableRandom r = new SplittableRandom(51);
            add("reshape (2,3,4)->(4,6)", false, in -> in[0].reshape(4, 6), t(r, Dom.ANY, 2, 3, 4));
            add("reshape (2,3,4)->(-1,3)", false, in -> in[0].reshape(-1, 3), t(r, Dom.ANY, 2, 3, 4));
            add("reshape of transposed (non-contiguous)", false, in -> in[0].transpose().reshape(12), t(r, Dom.ANY, 3, 4));
            add("flatten", false, in -> in[0].flatten(), t(r, Dom.ANY, 2, 3, 2));
            add("transpose()", false, in -> in[0].transpose(), t(r, Dom.ANY, 3, 5));
            add("transpose(0,2)", false, in -> in[0].transpose(0, 2), t(r, Dom.ANY, 2, 3, 4));
            add("permute(2,0,1)", false, in -> in[0].permute(2, 0, 1), t(r, Dom.ANY, 2, 3, 4));
            add("slice begin/end/step", false, in -> in[0].slice(new int[] {1, 0}, new int[] {3, 5}, new int[] {1, 2}),
                    t(r, Dom.ANY, 4, 5));
            add("slice(axis 1, 1, 3)", false, in -> in[0].slice(1, 1, 3), t(r, Dom.ANY, 2, 4, 3));
            add("concatenate axis 0 (3 inputs)", false, in -> Tensor.concatenate(List.of(in[0], in[1], in[2]), 0),
                    t(r, Dom.ANY, 2, 3), t(r, Dom.ANY, 1, 3), t(r, Dom.ANY, 4, 3));
            add("concatenate axis -1", false, in -> Tensor.concatenate(List.of(in[0], in[1]), -1),
                    t(r, Dom.ANY, 2, 3, 1), t(r, Dom.ANY, 2, 3, 4));
            add("stack axis 0", false, in -> Tensor.stack(List.of(in[0], in[1]), 0), t(r, Dom.ANY, 2, 3), t(r, Dom.ANY, 2, 3));
            add("stack axis -1", false, in -> Tensor.stack(List.of(in[0], in[1], in[2]), -1),
                    t(r, Dom.ANY, 2, 3), t(r, Dom.ANY, 2, 3), t(r, Dom.ANY, 2, 3));
            add("tile (2,3)", false, in -> in[0].tile(2, 3), t(r, Dom.ANY, 2, 2));
            add("tile (1,2,1)", false, in -> in[0].tile(1, 2, 1), t(r, Dom.ANY, 2, 3, 2));
            add("repeatElements(2, axis 1)", false, in -> in[0].repeatElements(2, 1), t(r, Dom.ANY, 2, 3));
            add("repeatElements(3, axis 0)", false, in -> in[0].repeatElements(3, 0), t(r, Dom.ANY, 2, 3));
            Tensor idx = Tensor.of(new long[] {4, 0, 4, 2});
            add("gather axis 0 (repeated indices)", false, in -> in[0].gather(idx, 0), t(r, Dom.ANY, 5, 3));
            Tensor idx1 = Tensor.of(new long[] {2, 2, 0});
            add("gather axis 1", false, in -> in[0].gather(idx1, 1), t(r, Dom.ANY, 2, 3, 2));
            add("expandDims(1)", false, in -> in[0].expandDims(1), t(r, Dom.ANY, 3, 4));
            add("squeeze(1)", false, in -> in[0].squeeze(1), t(r, Dom.ANY, 3, 1, 4));
            add("expand (1,3)->(4,3)", false, in -> in[0].expand(4, 3), t(r, Dom.ANY, 1, 3));
            add("expand (3,1)->(2,3,5)", false, in -> in[0].expand(2, 3, 5), t(r, Dom.ANY, 3, 1));
            add("contiguous of a permuted view", false, in -> in[0].permute(1, 0).contiguous().mul(in[0].permute(1, 0)),
                    t(r, Dom.ANY, 3, 2));
        }

        // ---- convolution and pooling (NHWC, HWIO)
        {
            SplittableRandom r = new SplittableRandom(61);
            add("conv2d valid s1", false, in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, "valid"),
                    t(r, Dom.ANY, 2, 5, 5, 3), t(r, Dom.ANY, 3, 3, 3, 4));
            add("conv2d same s1", false, in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, "same"),
                    t(r, Dom.ANY, 1, 6, 6, 2), t(r, Dom.ANY, 3, 3, 2, 3));
            add("conv2d valid s2", false, in -> NN.conv2d(in[0], in[1], new int[] {2, 2}, "valid"),
                    t(r, Dom.ANY, 2, 7, 7, 2), t(r, Dom.ANY, 3, 3, 2, 2));
            add("conv2d same s2 (asymmetric padding)", false, in -> NN.conv2d(in[0], in[1], new int[] {2, 2}, "same"),
                    t(r, Dom.ANY, 1, 6, 5, 2), t(r, Dom.ANY, 2, 3, 2, 3));
            add("maxPool2d 2x2 s2", false, in -> NN.maxPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, "valid"),
                    t(r, Dom.ANY, 2, 4, 4, 3));
            add("maxPool2d 3x3 s2 overlapping", false, in -> NN.maxPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, "valid"),
                    t(r, Dom.ANY, 1, 7, 7, 2));
            add("maxPool2d 2x2 s2 same", false, in -> NN.maxPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, "same"),
                    t(r, Dom.ANY, 1, 5, 5, 2));
            add("avgPool2d 2x2 s2", false, in -> NN.avgPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, "valid"),
                    t(r, Dom.ANY, 2, 4, 4, 3));
            add("avgPool2d 3x3 s3", false, in -> NN.avgPool2d(in[0], new int[] {3, 3}, new int[] {3, 3}, "valid"),
                    t(r, Dom.ANY, 1, 6, 6, 2));
            add("avgPool2d 2x2 s2 same", false, in -> NN.avgPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, "same"),
                    t(r, Dom.ANY, 1, 5, 5, 2));
        }
    }

    static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] r = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            r[i] = inputs[i].detach().copy().requiresGrad(true);
        }
        return r;
    }

    @TestFactory
    Stream<DynamicTest> firstOrder() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                assertTrue(GradCheck.check(in -> project(c.op().apply(in)), leaves(c.inputs())), c.name())));
    }

    @TestFactory
    Stream<DynamicTest> secondOrder() {
        return cases().stream().filter(GC::gradGrad).map(c -> DynamicTest.dynamicTest(c.name(), () ->
                assertTrue(GradCheck.checkGradGrad(in -> project(c.op().apply(in)), leaves(c.inputs())), c.name())));
    }

    // ------------------------------------------------------------------ GradCheck must catch wrong gradients

    @Test
    void catchesABackwardThatDoublesTheGradient() {
        SplittableRandom r = new SplittableRandom(71);
        Tensor x = t(r, Dom.ANY, 3, 4).requiresGrad(true);
        Function<Tensor[], Tensor> wrong = in -> {
            Tensor y = in[0].mul(1.0);
            y.registerHook(g -> g.mul(2));
            return y.sum();
        };
        assertThrows(GradCheck.GradCheckException.class, () -> GradCheck.check(wrong, x));
        // The same function without the hook passes, so the failure above is the hook's doing.
        Function<Tensor[], Tensor> right = in -> in[0].mul(1.0).sum();
        assertTrue(GradCheck.check(right, x));
    }

    @Test
    void catchesAGradientThatIgnoresOnePath() {
        SplittableRandom r = new SplittableRandom(72);
        Tensor x = t(r, Dom.AWAY0, 2, 3).requiresGrad(true);
        // d/dx sum(x * stopgrad(x)) as the tape sees it is x, but the function's true derivative is 2x.
        Function<Tensor[], Tensor> wrong = in -> in[0].mul(in[0].detach()).sum();
        GradCheck.GradCheckException e = assertThrows(GradCheck.GradCheckException.class, () -> GradCheck.check(wrong, x));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "GradCheckException needs a message");
    }

    @Test
    void catchesAWrongSecondDerivative() {
        SplittableRandom r = new SplittableRandom(73);
        Tensor x = t(r, Dom.AWAY0, 4).requiresGrad(true);
        // f = sum(x^2 * x): first derivative right (3x^2), but the hook detaches the gradient flowing into
        // x^2, so the double-backward graph misses a term: analytic f'' = 4x instead of 6x.
        Function<Tensor[], Tensor> f = in -> {
            Tensor y = in[0].square();
            y.registerHook(Tensor::detach);
            return y.mul(in[0]).sum();
        };
        assertTrue(GradCheck.check(f, x));
        assertThrows(GradCheck.GradCheckException.class, () -> GradCheck.checkGradGrad(f, x));
    }
}
