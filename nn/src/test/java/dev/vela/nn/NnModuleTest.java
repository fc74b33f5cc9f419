/*
 * Placeholder test for the nn module: proves the module builds against core and that the computation of a
 * dense layer (x @ W + b, then an activation) gives the expected numbers with core's tensors.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

class NnModuleTest {

    @Test
    void denseLayerByHand() {
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {-1, -2, -3}});
        Tensor w = Tensor.ones(3, 4);
        Tensor b = Tensor.of(new float[] {0, 1, 2, 3});
        Tensor y = x.matmul(w).add(b).relu();
        assertEquals("(2, 4)", y.shape().toString());
        assertArrayEquals(new float[] {6, 7, 8, 9, 0, 0, 0, 0}, y.toFloatArray(), 1e-6f);
    }
}
