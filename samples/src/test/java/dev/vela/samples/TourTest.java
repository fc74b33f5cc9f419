/*
 * Runs the Tour with System.out captured and checks numbers it computed and printed.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TourTest {

    private static String runTour() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            Tour.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static double printed(String output, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s*=\\s*(\\S+)").matcher(output);
        assertTrue(m.find(), () -> "the tour should print '" + label + " = ...':\n" + output);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void tourPrintsComputedResults() {
        String output = runTour();
        // (a @ a + 1) = [[8, 11], [16, 23]], all positive, sum 58
        assertEquals(58.0, printed(output, "y.item()"), 1e-6);
        assertEquals(2.5, printed(output, "a.mean().item()"), 1e-6);
        assertTrue(output.contains("z.requiresGrad()    = false"), output);
        assertTrue(output.contains(") = true"), () -> "GradCheck should pass:\n" + output);
    }
}
