// Eager and traced agree: every oracle op built on placeholders and run through K.function, values and K.gradients.
package dev.vela;

import dev.vela.testing.Oracle;
import dev.vela.testing.Oracle.Case;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * For every case of the oracle file ({@code -Dvela.oracle.cases} or the shared public file, as
 * {@link OracleConformanceTest} finds it), in float64: the op is applied once eagerly (inputs recorded on
 * the tape) and once on placeholders of the exact input shapes and dtypes (index inputs as int64, like
 * the eager conformance test), the traced expression is compiled with {@code K.function} and fed the
 * case's inputs, and the two results must agree (shape, dtype, values to 1e-12). Where the case has
 * gradients, {@code K.gradients(sum(out * upstream), differentiated placeholders)} run through
 * {@code K.function} must agree with the eager tape's {@code backward(upstream)} (to 1e-10).
 *
 * <p>The op mapping is {@link OracleConformanceTest#apply}, shared so both tests exercise the same API calls.
 */
class TracedOracleTest {

    static final double VALUE_TOL = 1e-12;
    static final double GRAD_TOL = 1e-10;

    @TestFactory
    Stream<DynamicTest> eagerAndTracedAgree() {
        List<Case> cases = OracleConformanceTest.loadOrSkip();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> runCase(c)));
    }

    static void runCase(Case c) {
        String tag = c.id() + " [" + c.op() + ", traced]";
        int n = c.inputs().size();
        DType dtype = DType.FLOAT64;

        // ---- eager, on the tape
        Tensor[] eagerIn = new Tensor[n];
        for (int i = 0; i < n; i++) {
            eagerIn[i] = OracleConformanceTest.buildInput(c, i, dtype);
            if (c.differentiable(i)) eagerIn[i].requiresGrad(true);
        }
        OracleConformanceTest.Args ea = new OracleConformanceTest.Args(c);
        Tensor eagerOut = OracleConformanceTest.apply(c, ea, eagerIn);
        ea.assertAllUsed();
        assertNotNull(eagerOut, tag + ": eager op returned null");
        assertTrue(!eagerOut.isSymbolic(), tag + ": the eager result is symbolic");

        // ---- traced, on placeholders of the exact shapes and dtypes
        K.clearSession();
        Tensor[] ph = new Tensor[n];
        Object[] feed = new Object[n];
        for (int i = 0; i < n; i++) {
            Tensor v = OracleConformanceTest.buildInput(c, i, dtype);
            ph[i] = K.placeholder("in" + i, v.dtype(), v.dims());
            feed[i] = v;
        }
        OracleConformanceTest.Args ta = new OracleConformanceTest.Args(c);
        Tensor traced;
        try {
            traced = OracleConformanceTest.apply(c, ta, ph);
        } catch (RuntimeException e) {
            throw new AssertionError(tag + ": building the op on placeholders failed: " + e, e);
        }
        assertNotNull(traced, tag + ": traced op returned null");
        assertTrue(traced.isSymbolic(), tag + ": the op on placeholders did not build a graph node: " + traced);
        assertArrayEquals(eagerOut.dims(), traced.dims(), tag + ": inferred shape " + traced.shape()
                + " vs eager " + eagerOut.shape());
        assertEquals(eagerOut.dtype(), traced.dtype(), tag + ": inferred dtype");

        KFunction f = K.function(List.of(ph), List.of(traced));
        Tensor got = f.call(feed).get(0);
        assertEquals(eagerOut.dtype(), got.dtype(), tag + ": output dtype");
        String msg = Oracle.compare(tag + " output", eagerOut.dims(), eagerOut.toDoubleArray(), got.dims(),
                got.toDoubleArray(), VALUE_TOL, VALUE_TOL);
        if (msg != null) fail(msg);
        // a second call gives the same values (plans and reused buffers replay correctly)
        Tensor again = f.call(feed).get(0);
        msg = Oracle.compare(tag + " output, second call", eagerOut.dims(), eagerOut.toDoubleArray(), again.dims(),
                again.toDoubleArray(), VALUE_TOL, VALUE_TOL);
        if (msg != null) fail(msg);

        if (c.upstream() == null) return;

        // ---- gradients: eager tape vs K.gradients of sum(out * upstream)
        Tensor up = c.upstream().toTensor(dtype);
        eagerOut.backward(up);
        List<Tensor> wrt = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (c.differentiable(i)) {
                wrt.add(ph[i]);
                which.add(i);
            }
        }
        assertTrue(!wrt.isEmpty(), tag + ": has an upstream but no differentiated input");
        Tensor objective = traced.mul(up).sum();
        List<Tensor> grads;
        try {
            grads = K.gradients(objective, wrt);
        } catch (RuntimeException e) {
            throw new AssertionError(tag + ": K.gradients failed: " + e, e);
        }
        assertEquals(wrt.size(), grads.size());
        for (Tensor g : grads) assertNotNull(g, tag + ": K.gradients gave null");
        List<Tensor> gv = K.function(List.of(ph), grads).call(feed);
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < which.size(); k++) {
            int i = which.get(k);
            Tensor eg = eagerIn[i].grad();
            if (eg == null) {
                problems.add(tag + " grad of input " + i + ": the eager tape gave none");
                continue;
            }
            Tensor tg = gv.get(k);
            if (tg.dtype() != eg.dtype()) {
                problems.add(tag + " grad of input " + i + ": dtype " + tg.dtype() + ", eager " + eg.dtype());
            }
            String gm = Oracle.compare(tag + " grad of input " + i, eg.dims(), eg.toDoubleArray(), tg.dims(),
                    tg.toDoubleArray(), GRAD_TOL, GRAD_TOL);
            if (gm != null) problems.add(gm);
        }
        if (!problems.isEmpty()) fail(String.join("\n", problems));
    }
}
