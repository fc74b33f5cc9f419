// KFunction.profiling: per-step timings name the ops (and fused groups) that ran, with call counts.
package dev.vela;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KFunctionProfileTest {
    @Test
    void profileCountsEveryStepOfEveryCall() {
        Tensor x = K.placeholder("x", -1, 3);
        Tensor w = K.variable(Tensor.ones(3, 2));
        Tensor y = K.sigmoid(K.dot(x, w)).mul(2.0).add(1.0);
        KFunction f = K.function(List.of(x), List.of(y), List.of(K.update(w, w.mul(1.0))));
        f.call(Tensor.ones(4, 3));
        assertEquals("", f.profiling(true).profile(), "nothing recorded before the first profiled call");
        for (int i = 0; i < 3; i++) f.call(Tensor.ones(4, 3));
        String p = f.profile();
        assertTrue(p.contains("matmul"), p);
        assertTrue(p.matches("(?s).*\\s3 calls .*matmul.*"), p);
        assertTrue(p.contains("fused[sigmoid,mul,add] (4, 2)"), p);
        assertTrue(p.contains("(commit updates, copy outputs)"), p);
        f.profiling(false);
        f.call(Tensor.ones(4, 3));
        assertEquals("", f.profile(), "switching profiling off clears it");
    }
}
