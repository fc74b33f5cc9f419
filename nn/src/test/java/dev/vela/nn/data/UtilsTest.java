/* Tests Utils.toCategorical (int[] and tensor forms, inferred class count, bad labels) and fromCategorical. */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

class UtilsTest {
    @Test
    void oneHotRows() {
        Tensor t = Utils.toCategorical(new int[] {0, 2, 1, 2}, 4);
        assertEquals("(4, 4)", t.shape().toString());
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new float[] {
                1, 0, 0, 0,
                0, 0, 1, 0,
                0, 1, 0, 0,
                0, 0, 1, 0}, t.toFloatArray(), 0f);
        assertEquals("(4, 3)", Utils.toCategorical(new int[] {0, 2, 1, 2}).shape().toString());
    }

    @Test
    void tensorLabelsOfAnyNumericDtype() {
        Tensor col = Tensor.of(new float[][] {{1}, {0}, {3}});          // (n, 1) floats, as Keras often gets them
        Tensor t = Utils.toCategorical(col, 4);
        assertEquals("(3, 4)", t.shape().toString());
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1}, t.toFloatArray(), 0f);
        Tensor fromInts = Utils.toCategorical(Tensor.of(new long[] {2, 0}), 3);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, fromInts.toFloatArray(), 0f);
        Tensor grid = Utils.toCategorical(Tensor.of(new int[][] {{0, 1}, {1, 0}}), 2);
        assertEquals("(2, 2, 2)", grid.shape().toString());
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, grid.toFloatArray(), 0f);
        assertArrayEquals(new int[] {1, 0, 3}, Utils.fromCategorical(t).toIntArray());
    }

    @Test
    void badLabelsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Utils.toCategorical(new int[] {0, 1, 5}, 3));
        assertTrue(e.getMessage().contains("label 5 at index 2") && e.getMessage().contains("0..2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Utils.toCategorical(new int[] {-1}, 3));
        assertTrue(e.getMessage().contains("label -1 at index 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Utils.toCategorical(Tensor.of(new float[] {0, 1.5f}), 3));
        assertTrue(e.getMessage().contains("1.5") && e.getMessage().contains("index 1"), e.getMessage());
    }
}
