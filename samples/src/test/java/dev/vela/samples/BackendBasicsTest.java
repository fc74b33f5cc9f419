/*
 * Runs tutorial 3's backend part and checks the symbolic sum, the fed values and the product of the variables.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendBasicsTest {

    @Test
    void symbolicSumFeedingAndDot(@TempDir Path out) throws Exception {
        var run = SampleTesting.capture(() -> BackendBasics.run(new String[] {"--out", out.toString()}));
        BackendBasics.Result r = run.result();
        assertEquals("Tensor(\"add:0\", shape=(2, 2), dtype=float32)", r.symbolic());
        assertTrue(run.output().contains("Tensor(\"add:0\", shape=(2, 2), dtype=float32)"), run.output());
        assertArrayEquals(new float[] {6, 8, 10, 12}, r.fed());
        assertArrayEquals(new float[] {3, 2, 7, 4}, r.product()); // [[1, 2], [3, 4]] . [[1, 0], [1, 1]]
        String dot = Files.readString(r.graphFile());
        assertTrue(dot.startsWith("digraph") && dot.contains("add") && dot.contains("Placeholder_1"), dot);
        assertTrue(run.output().contains(" |Placeholder 'Placeholder:0' (2, 2) float32"), "the debugPrint dump");
    }
}
