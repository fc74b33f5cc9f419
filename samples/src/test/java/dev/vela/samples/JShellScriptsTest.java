/*
 * Runs the JShell scripts of tutorials 1 and 3 non-interactively, as `./vela shell FILE` does, and checks what
 * they print.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JShellScriptsTest {

    /** samples/src/main/jshell, seen from the module folder (the working directory of the tests). */
    static final Path SCRIPTS = Path.of("src", "main", "jshell");

    @Test
    void tutorial1TrainsLogisticRegression(@TempDir Path tmp) throws Exception {
        String out = runScript(SCRIPTS.resolve("tutorial1.jsh"), tmp);
        assertTrue(out.contains("yHat = Tensor(\"sigmoid:0\", shape=(?, 1), dtype=float32)"), out);
        assertTrue(out.contains("pp(yHat) = sigmoid(add(matmul(x, W), b))"), out);
        assertTrue(out.contains(" | | |Variable 'W' (5, 1) float32"), "debugPrint: " + out);
        double first = SampleTesting.printed(out, "iteration    0: loss");
        double last = SampleTesting.printed(out, "final loss =");
        assertEquals(Math.log(2), first, 0.01);
        assertTrue(last < 0.45, "final loss " + last);
        assertTrue(SampleTesting.printed(out, "accuracy =") >= 0.7, out);
        // the script and the LogisticRegression sample build the same data and model: the same final loss
        var sample = SampleTesting.capture(() -> LogisticRegression.run(new String[] {"--out", tmp.resolve("lr").toString()}));
        assertEquals(sample.result().finalLoss(), last, 1e-4);
    }

    @Test
    void tutorial3BackendParts(@TempDir Path tmp) throws Exception {
        String out = runScript(SCRIPTS.resolve("tutorial3-backend.jsh"), tmp);
        assertTrue(out.contains("c = a + b -> Tensor(\"add:0\", shape=(2, 2), dtype=float32)"), out);
        assertTrue(out.contains("add 'add:0' (2, 2) float32 [id A]"), out);
        assertTrue(out.contains("digraph G {"), out);
        assertTrue(out.contains("f([[1, 2], [3, 4]], [[5, 6], [7, 8]]) = [6.0, 8.0, 10.0, 12.0]"), out);
        assertTrue(out.contains("eval(dot(v, w)) = [3.0, 2.0, 7.0, 4.0]"), out);
    }

    /** Runs jshell from this JDK on {@code script} then /exit, as the launcher does; returns stdout and stderr. */
    static String runScript(Path script, Path tmp) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(script), "no script " + script.toAbsolutePath());
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assertTrue(Files.isExecutable(jshell), "jshell of this JDK: " + jshell);
        Path exit = tmp.resolve("exit.jsh");
        Files.writeString(exit, "/exit\n");
        List<String> cmd = new ArrayList<>(List.of(jshell.toString(),
                "--class-path", classPath(),
                "--add-modules", "jdk.incubator.vector",
                "-R--add-modules", "-Rjdk.incubator.vector", "-R--enable-native-access=ALL-UNNAMED",
                "-R-Djava.awt.headless=true",
                script.toString(), exit.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path log = tmp.resolve(script.getFileName() + ".out");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(done, "jshell did not finish in 5 minutes:\n" + out);
        assertEquals(0, p.exitValue(), "jshell's exit status:\n" + out);
        assertTrue(!out.contains("Error:") && !out.contains("Exception"), "the script ran without errors:\n" + out);
        return out;
    }

    /**
     * The test class path without JUnit and Surefire: Vela's modules (classes folders or jars) and the third-party
     * jars. Surefire may hand the forked JVM a manifest-only jar; its Class-Path is read then.
     */
    static String classPath() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        String surefire = System.getProperty("surefire.test.class.path");
        String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        for (String e : cp.split(File.pathSeparator)) {
            if (e.isBlank()) continue;
            Path path = Path.of(e);
            if (path.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    Manifest m = jar.getManifest();
                    String listed = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (listed != null) {
                        for (String u : listed.trim().split("\\s+")) {
                            entries.add(Path.of(java.net.URI.create(u)).toString());
                        }
                    }
                }
            } else {
                entries.add(path.toString());
            }
        }
        List<String> kept = new ArrayList<>();
        for (String e : entries) {
            String name = Path.of(e).getFileName().toString();
            if (name.startsWith("junit-") || name.startsWith("surefire") || name.startsWith("opentest4j")
                    || name.startsWith("apiguardian") || name.equals("test-classes")) continue;
            kept.add(e);
        }
        return String.join(File.pathSeparator, kept);
    }
}
