/*
 * What the sample tests share: running a sample with System.out captured, and checking that a figure is a real,
 * non-blank PNG.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

final class SampleTesting {

    private SampleTesting() {
    }

    /** A sample's result and everything it printed. */
    record Run<T>(T result, String output) {
    }

    static <T> Run<T> capture(Supplier<T> sample) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        T result;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            result = sample.get();
        } finally {
            System.setOut(saved);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        saved.println(output.length() > 4000 ? output.substring(0, 2000) + "\n...\n" + output.substring(output.length() - 2000) : output);
        return new Run<>(result, output);
    }

    /**
     * The file is a PNG that decodes, is at least {@code 300 x 200}, and has at least {@code minColors} distinct
     * colours (a blank or single-colour image fails); returns the number of distinct colours.
     */
    static int assertFigure(Path png, int minColors) throws IOException {
        assertTrue(Files.isRegularFile(png), () -> "expected the figure " + png);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
                () -> png + " is not a PNG file");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, () -> png + " does not decode");
        assertTrue(img.getWidth() >= 300 && img.getHeight() >= 200, () -> png + " is only " + img.getWidth() + "x" + img.getHeight());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) colors.add(img.getRGB(x, y));
        }
        int n = colors.size();
        assertTrue(n >= minColors, () -> png + " has only " + n + " distinct colours (expected at least " + minColors + ")");
        return n;
    }

    /** The number after {@code label} on the last line of {@code output} that has it, e.g. "Test accuracy: 0.97". */
    static double printed(String output, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*[:=]?\\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)").matcher(output);
        Double last = null;
        while (m.find()) last = Double.parseDouble(m.group(1));
        assertNotNull(last, () -> "expected '" + label + " <number>' in the output:\n" + output);
        return last;
    }
}
