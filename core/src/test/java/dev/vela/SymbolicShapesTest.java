// Graph ops on placeholders with unknown (None) dimensions: the values must follow the fed shapes.
package dev.vela;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SymbolicShapesTest {
    @Test
    void sliceOnOneAxisKeepsTheWholeUnknownAxes() {
        Tensor x = K.placeholder("x", -1, 4);
        KFunction f = K.function(List.of(x), List.of(x.slice(1, 1, 3)));
        Tensor out = f.call(Tensor.arange(12).reshape(3, 4)).get(0);
        assertArrayEquals(new int[] {3, 2}, out.dims());
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, out.toFloatArray());
    }

    @Test
    void concatenateGradientOnAnUnknownBatch() {
        Tensor a = K.placeholder("a", -1, 2), b = K.placeholder("b", -1, 3);
        Tensor w = K.variable(Tensor.of(new float[][] {{1}, {2}, {3}, {4}, {5}}));
        Tensor loss = K.sum(K.dot(K.concatenate(List.of(a, b), 1), w));
        Tensor ga = K.gradients(loss, List.of(a)).get(0);
        // d loss / d a[i, j] = w[j] for every row, whatever the batch size
        Tensor g = K.function(List.of(a, b), List.of(ga)).call(Tensor.ones(5, 2), Tensor.ones(5, 3)).get(0);
        assertArrayEquals(new int[] {5, 2}, g.dims());
        float[] v = g.toFloatArray();
        for (int i = 0; i < 5; i++) {
            assertEquals(1f, v[2 * i]);
            assertEquals(2f, v[2 * i + 1]);
        }
    }

    @Test
    void meanOverAnUnknownBatchCountsTheFedRows() {
        Tensor x = K.placeholder("x", -1, 2);
        KFunction f = K.function(List.of(x), List.of(K.mean(x)));
        assertEquals(2.5, f.call(Tensor.of(new float[][] {{1, 2}, {3, 4}})).get(0).item(), 1e-6);
        assertEquals(3.5, f.call(Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}})).get(0).item(), 1e-6);
    }
}
