// Training a functional model with two inputs and two outputs: fit, evaluate, log names and per-output losses.
package dev.vela.nn;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import dev.vela.Vela;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiIOTest {
    /** y1 = a·w1 (regression), y2 = sign of sum(b) (classification): each output depends on its own input. */
    @Test
    void twoInputsTwoOutputsTrainAndReportPerOutputLosses() {
        Vela.seed(21);
        Layer.resetNames();
        Generator g = new Generator(5);
        int n = 256;
        Tensor a = g.normal(DType.FLOAT32, 0, 1, n, 3), b = g.normal(DType.FLOAT32, 0, 1, n, 4);
        Tensor y1 = a.matmul(Tensor.of(new float[][] {{1}, {-2}, {0.5f}}));
        Tensor y2 = b.sum(1, true).gt(0).to(DType.FLOAT32);

        Tensor inA = Input.of("a", 3), inB = Input.of("b", 4);
        Tensor merged = new Concatenate().apply(List.of(new Dense(8, "tanh").apply(inA), new Dense(8, "tanh").apply(inB)));
        Tensor out1 = new Dense(1).name("reg").apply(merged);
        Tensor out2 = new Dense(1).name("cls").apply(merged);
        Model m = new Model(List.of(inA, inB), List.of(out1, out2));
        m.compile("adam", "mean_squared_error", "mae");
        assertEquals(List.of("loss", "reg_loss", "cls_loss", "reg_mae", "cls_mae"), m.metricsNames());

        List<Double> before = m.evaluate(List.of(a, b), List.of(y1, y2), 64);
        assertEquals(before.get(0), before.get(1) + before.get(2), 1e-5, "total loss is the sum of the output losses");
        History h = m.fit(List.of(a, b), List.of(y1, y2), new FitOptions().epochs(40).batchSize(32).verbose(0));
        List<Double> after = m.evaluate(List.of(a, b), List.of(y1, y2), 64);
        assertTrue(after.get(1) < 0.25 * before.get(1), "regression loss fell: " + before + " -> " + after);
        assertTrue(after.get(2) < before.get(2), "classification loss fell: " + before + " -> " + after);
        assertEquals(40, h.history().get("reg_loss").size());
        // the logged epoch loss is the sum of the logged output losses
        int last = 39;
        assertEquals(h.history().get("loss").get(last),
                h.history().get("reg_loss").get(last) + h.history().get("cls_loss").get(last), 1e-5);

        List<Tensor> p = m.predict(List.of(a, b), 50);
        assertEquals(List.of(n, 1), List.of(p.get(0).dims()[0], p.get(0).dims()[1]));
        double mse = p.get(0).sub(y1).square().mean().item();
        assertEquals(after.get(1), mse, 1e-4, "evaluate's reg_loss equals the MSE of predict's first output");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(List.of(a), List.of(y1, y2), new FitOptions().verbose(0)));
        assertTrue(e.getMessage().contains("2 input(s)"), e.getMessage());
    }
}
