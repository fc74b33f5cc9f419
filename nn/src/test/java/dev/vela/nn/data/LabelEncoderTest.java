/* Tests LabelEncoder: sorted classes as scikit-learn, the round trip, unseen labels and use before fit. */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

class LabelEncoderTest {
    @Test
    void sortedClassesAndRoundTrip() {
        String[] y = {"paris", "tokyo", "amsterdam", "paris", "Tokyo"};
        LabelEncoder enc = new LabelEncoder();
        int[] codes = enc.fitTransform(y);
        // NumPy's sort order: upper case before lower case
        assertArrayEquals(new String[] {"Tokyo", "amsterdam", "paris", "tokyo"}, enc.classes());
        assertArrayEquals(new int[] {2, 3, 1, 2, 0}, codes);
        assertArrayEquals(y, enc.inverseTransform(codes));
        assertArrayEquals(y, enc.inverseTransform(Tensor.of(codes)));
        assertArrayEquals(y, enc.inverseTransform(Tensor.of(new float[] {2, 3, 1, 2, 0})));
        Tensor t = enc.transformToTensor("tokyo", "amsterdam");
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[] {3, 1}, t.toIntArray());
        assertEquals(4, enc.numClasses());
    }

    @Test
    void classNamesSortNumericallyOnlyAsStrings() {
        LabelEncoder enc = new LabelEncoder().fit("Class_10", "Class_2", "Class_1");
        assertArrayEquals(new String[] {"Class_1", "Class_10", "Class_2"}, enc.classes());
    }

    @Test
    void unseenLabelsAndUnfittedUseAreErrors() {
        LabelEncoder enc = new LabelEncoder();
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> enc.transform("a"));
        assertTrue(s.getMessage().contains("fit"), s.getMessage());
        enc.fit("a", "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.transform("a", "c", "d", "c"));
        assertTrue(e.getMessage().contains("previously unseen labels: [c, d]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enc.inverseTransform(0, 2));
        assertTrue(e.getMessage().contains("code 2 at index 1") && e.getMessage().contains("0..1"), e.getMessage());
    }
}
