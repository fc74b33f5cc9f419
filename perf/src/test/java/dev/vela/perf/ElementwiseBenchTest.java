/*
 * Checks that ElementwiseBench's setup builds the operands it documents and that the measured
 * operation computes the right thing (tests never assert on time).
 */
package dev.vela.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElementwiseBenchTest {

    @ParameterizedTest
    @ValueSource(ints = {1024, 1048576})
    void setupAndAddGiveTheExpectedSums(int size) {
        ElementwiseBench bench = new ElementwiseBench();
        bench.size = size;
        bench.setup();
        // sum of i/size for i < size is (size - 1) / 2; every b is 1
        assertEquals((size - 1) / 2.0, bench.a.sum().item(), 1e-6 * size);
        assertEquals(size, bench.b.sum().item(), 0.0);
        var c = bench.add();
        assertEquals("(" + size + ",)", c.shape().toString());
        // (size - 1) / 2 + size
        assertEquals((3.0 * size - 1) / 2.0, c.sum().item(), 1e-6 * size);
    }

    @Test
    void addIsElementwise() {
        ElementwiseBench bench = new ElementwiseBench();
        bench.size = 4;
        bench.setup();
        assertEquals(1.75, bench.add().getDouble(3), 1e-7);
    }
}
