/* Tests Batches: batch sizes with a partial last batch, each sample once per epoch, x/y alignment, seeded shuffles. */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

class BatchesTest {
    private static Tensor x(int n) {
        float[] v = new float[3 * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) v[3 * i + j] = 100 * i + j;
        return Tensor.fromArray(v, n, 3);
    }

    private static Tensor y(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.of(v);
    }

    /** The sample ids of one epoch, batch by batch, checking that each x row matches its y. */
    private static List<int[]> epoch(Iterator<XY> it) {
        List<int[]> out = new ArrayList<>();
        while (it.hasNext()) {
            XY b = it.next();
            int[] ids = b.y().toIntArray();
            float[] xs = b.x().toFloatArray();
            assertEquals(ids.length, b.x().shape().dim(0));
            for (int i = 0; i < ids.length; i++) {
                for (int j = 0; j < 3; j++) assertEquals(100 * ids[i] + j, xs[3 * i + j], 0f, "x row of sample " + ids[i]);
            }
            out.add(ids);
        }
        return out;
    }

    private static int[] sizes(List<int[]> e) {
        return e.stream().mapToInt(a -> a.length).toArray();
    }

    private static void coversOnce(List<int[]> e, int n) {
        int[] all = e.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        int[] want = new int[n];
        for (int i = 0; i < n; i++) want[i] = i;
        assertArrayEquals(want, all, "each sample exactly once per epoch");
    }

    @Test
    void inOrderWithPartialLastBatch() {
        Batches b = Batches.of(x(10), y(10), 3);
        assertEquals(4, b.numBatches());
        List<int[]> e = epoch(b.iterator());
        assertArrayEquals(new int[] {3, 3, 3, 1}, sizes(e));
        assertArrayEquals(new int[] {0, 1, 2}, e.get(0));
        assertArrayEquals(new int[] {9}, e.get(3));
        coversOnce(e, 10);
        Batches dropped = b.dropRemainder();
        assertEquals(3, dropped.numBatches());
        assertArrayEquals(new int[] {3, 3, 3}, sizes(epoch(dropped.iterator())));
        assertArrayEquals(new int[] {10}, sizes(epoch(Batches.of(x(10), y(10), 64).iterator())));
        int seen = 0;
        for (XY batch : Batches.of(x(10), y(10), 4)) seen += batch.size();
        assertEquals(10, seen, "usable in a for-each loop");
    }

    @Test
    void shuffledEpochsCoverEverySampleAndAreReproducible() {
        Batches a = Batches.of(x(50), y(50), 8).shuffle(123);
        List<int[]> e0 = epoch(a.iterator()), e1 = epoch(a.iterator());
        assertArrayEquals(new int[] {8, 8, 8, 8, 8, 8, 2}, sizes(e0));
        coversOnce(e0, 50);
        coversOnce(e1, 50);
        int[] flat0 = e0.stream().flatMapToInt(Arrays::stream).toArray();
        int[] flat1 = e1.stream().flatMapToInt(Arrays::stream).toArray();
        assertFalse(Arrays.equals(flat0, flat1), "a new order every epoch");
        int[] identity = new int[50];
        for (int i = 0; i < 50; i++) identity[i] = i;
        assertFalse(Arrays.equals(identity, flat0), "shuffled");

        Batches again = Batches.of(x(50), y(50), 8).shuffle(123);
        assertArrayEquals(flat0, epoch(again.iterator()).stream().flatMapToInt(Arrays::stream).toArray());
        assertArrayEquals(flat1, epoch(again.iterator()).stream().flatMapToInt(Arrays::stream).toArray());
        assertArrayEquals(flat1, epoch(a.epoch(1)).stream().flatMapToInt(Arrays::stream).toArray(),
                "epoch(k) is random access");
        assertArrayEquals(flat0, a.order(0));
        int[] other = epoch(Batches.of(x(50), y(50), 8).shuffle(124).iterator()).stream()
                .flatMapToInt(Arrays::stream).toArray();
        assertFalse(Arrays.equals(flat0, other), "another seed, another order");
    }

    @Test
    void inputsWithoutTargetsAndBadArguments() {
        Iterator<XY> it = Batches.of(x(5), null, 2).iterator();
        XY first = it.next();
        assertNull(first.y());
        assertArrayEquals(new float[] {0, 1, 2, 100, 101, 102}, first.x().toFloatArray(), 0f);
        it.next();
        it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Batches.of(x(5), y(4), 2));
        assertTrue(e.getMessage().contains("(5, 3)") && e.getMessage().contains("(4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Batches.of(x(5), y(5), 0));
    }
}
