/* Tests TrainTest.split: scikit-learn's sizes, disjoint parts covering every row, x/y alignment, seeds, errors. */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

class TrainTestTest {
    /** x row i is (i, -i), y_i = 10 i. */
    private static Tensor x(int n) {
        float[] v = new float[2 * n];
        for (int i = 0; i < n; i++) {
            v[2 * i] = i;
            v[2 * i + 1] = -i;
        }
        return Tensor.fromArray(v, n, 2);
    }

    private static Tensor y(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = 10 * i;
        return Tensor.of(v);
    }

    private static void checkPartition(TrainTest.Split s, int n) {
        float[] xtr = s.xTrain().toFloatArray(), xte = s.xTest().toFloatArray();
        int[] ytr = s.yTrain().toIntArray(), yte = s.yTest().toIntArray();
        boolean[] seen = new boolean[n];
        for (int i = 0; i < ytr.length; i++) {
            int r = (int) xtr[2 * i];
            assertEquals(-r, xtr[2 * i + 1], 0f);
            assertEquals(10 * r, ytr[i], "x and y rows stay together");
            assertEquals(r, s.trainIndex()[i]);
            assertFalse(seen[r], "row " + r + " twice");
            seen[r] = true;
        }
        for (int i = 0; i < yte.length; i++) {
            int r = (int) xte[2 * i];
            assertEquals(10 * r, yte[i]);
            assertEquals(r, s.testIndex()[i]);
            assertFalse(seen[r], "row " + r + " in both parts");
            seen[r] = true;
        }
        for (int i = 0; i < n; i++) assertTrue(seen[i], "row " + i + " in neither part");
    }

    @Test
    void fractionalSizesRoundTheTestPartUp() {
        TrainTest.Split s = TrainTest.split(x(10), y(10), 0.25, 0);
        assertEquals("(7, 2)", s.xTrain().shape().toString());
        assertEquals("(3, 2)", s.xTest().shape().toString());      // ceil(2.5) = 3, as scikit-learn
        checkPartition(s, 10);

        TrainTest.Split half = TrainTest.split(x(1000), y(1000), 0.5, 0);
        assertEquals(500, half.xTrain().shape().dim(0));
        assertEquals(500, half.xTest().shape().dim(0));
        checkPartition(half, 1000);
        assertEquals(334, TrainTest.testCount(1000, 1 / 3.0));
    }

    @Test
    void integerSizeIsACount() {
        TrainTest.Split s = TrainTest.split(x(10), y(10), 4, 3);
        assertEquals(4, s.xTest().shape().dim(0));
        assertEquals(6, s.yTrain().shape().dim(0));
        checkPartition(s, 10);
    }

    @Test
    void shuffledBySeedReproducibly() {
        TrainTest.Split a = TrainTest.split(x(100), y(100), 0.3, 42), b = TrainTest.split(x(100), y(100), 0.3, 42);
        TrainTest.Split c = TrainTest.split(x(100), y(100), 0.3, 43);
        assertArrayEquals(a.testIndex(), b.testIndex());
        assertArrayEquals(a.xTest().toFloatArray(), b.xTest().toFloatArray(), 0f);
        assertFalse(Arrays.equals(a.testIndex(), c.testIndex()));
        int[] sorted = a.trainIndex().clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, a.trainIndex()), "shuffled, not in input order");

        TrainTest.Split plain = TrainTest.split(x(10), y(10), 0.2, 0, false);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, plain.trainIndex());
        assertArrayEquals(new int[] {8, 9}, plain.testIndex());
        assertArrayEquals(new int[] {80, 90}, plain.yTest().toIntArray());

        TrainTest.Split xOnly = TrainTest.split(x(10), null, 0.5, 1);
        assertNull(xOnly.yTrain());
        assertEquals(5, xOnly.train().size());
    }

    @Test
    void badSizesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainTest.split(x(10), y(10), 1.0, 0));
        assertTrue(e.getMessage().contains("testSize=1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainTest.split(x(10), y(10), 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainTest.split(x(10), y(10), 10, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainTest.split(x(1), y(1), 0.5, 0));   // empty train part
        e = assertThrows(IllegalArgumentException.class, () -> TrainTest.split(x(10), y(9), 0.5, 0));
        assertTrue(e.getMessage().contains("(10, 2)") && e.getMessage().contains("(9"), e.getMessage());
    }
}
