/*
 * Runs the CUDA kernels on the CPU: compiles each src/test/emu/test_*.cpp (a kernel source plus the CUDA emulation
 * of cuda_emu.h) with g++, runs it, and checks its report; the random numbers the kernels produce are compared with
 * CounterRng here. See src/test/emu/README.md.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vela.cpu.CounterRng;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel emulation tests of {@code src/test/emu}: every {@code test_*.cpp} compiles with {@code g++} (with
 * AddressSanitizer and UndefinedBehaviorSanitizer when they work here), exits with status 0 and reports
 * {@code ALL: <n> checks, 0 failures}; the {@code RNG} lines it prints match {@link CounterRng}: uniform values bit
 * for bit, normal values within a few ulps (the emulated kernel uses the host's {@code log1p} and {@code cos}).
 * Compilation runs in the background on all cores, the biggest sources first, while earlier binaries run.
 * Skipped without {@code g++} on the PATH or on a system other than Linux.
 */
class KernelEmulationTest {
    private static final String EMU = "src/test/emu";
    private static final long COMPILE_TIMEOUT_S = 600;
    private static final long RUN_TIMEOUT_S = 600;
    private static final List<String> BASE_FLAGS = List.of("-std=c++17", "-O0", "-g");
    private static final List<String> SANITIZER_FLAGS =
            List.of("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer");
    /** Sanitizer settings for the test binaries (LeakSanitizer needs ptrace, which containers often forbid). */
    private static final Map<String, String> RUN_ENV = Map.of(
            "ASAN_OPTIONS", "detect_leaks=0:allow_user_segv_handler=1",
            "UBSAN_OPTIONS", "print_stacktrace=1");
    private static final Pattern SUMMARY = Pattern.compile("^ALL: (\\d+) checks, (\\d+) failures$", Pattern.MULTILINE);
    private static final int MAX_LINES_SHOWN = 40;
    private static final String EXTRA_FLAGS = "// g++ flags:";

    private static Path workDir;
    private static ExecutorService compilers;

    /** The folder of the emulation sources, from the module directory (Maven's working directory) or the root. */
    static Path emuDir() {
        for (Path p : List.of(Paths.get(EMU), Paths.get("cuda").resolve(EMU))) {
            if (Files.isDirectory(p)) return p.toAbsolutePath();
        }
        throw new AssertionError("kernel emulation sources not found at " + Paths.get(EMU).toAbsolutePath());
    }

    static List<Path> testSources() throws IOException {
        try (Stream<Path> s = Files.list(emuDir())) {
            return s.filter(p -> p.getFileName().toString().matches("test_.*\\.cpp"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    static Optional<Path> gxx() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Paths.get(dir, "g++");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    record Result(int exitCode, String output, double seconds) {}

    /** Runs {@code cmd} in {@code dir} with stdout and stderr together in {@code log}; fails the test on a timeout. */
    static Result run(List<String> cmd, Path dir, Path log, long timeoutS, Map<String, String> env)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            fail("timed out after " + timeoutS + " s: " + String.join(" ", cmd) + "\n" + lastLines(out, MAX_LINES_SHOWN));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The lines of a test's output that explain a failure: its FAIL lines, sanitizer errors and the first frames of
     * their stack traces; the last lines of the output when there are none.
     */
    static String diagnostics(String output) {
        List<String> picked = new ArrayList<>();
        int frames = 0;
        for (String l : output.lines().toList()) {
            boolean frame = l.matches("\\s+#\\d+ .*");
            if (l.startsWith("FAIL") || l.contains("runtime error") || l.contains("ERROR: AddressSanitizer")
                    || l.startsWith("SUMMARY:") || (frame && frames++ < 12)) {
                picked.add(l);
            }
            if (picked.size() >= MAX_LINES_SHOWN) break;
        }
        return picked.isEmpty() ? lastLines(output, MAX_LINES_SHOWN) : String.join("\n", picked);
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The sanitizer flags when a program built with them runs here, else none. */
    static List<String> sanitizerFlags(Path gxx) throws IOException, InterruptedException {
        Path dir = workDir.resolve("probe");
        Files.createDirectories(dir);
        Path src = dir.resolve("probe.cpp");
        Files.writeString(src, "#include <vector>\nint main() { std::vector<int> v(3); return v[1]; }\n");
        List<String> cmd = new ArrayList<>(List.of(gxx.toString()));
        cmd.addAll(SANITIZER_FLAGS);
        cmd.addAll(List.of("-o", dir.resolve("probe").toString(), src.toString()));
        if (run(cmd, dir, dir.resolve("compile.log"), COMPILE_TIMEOUT_S, Map.of()).exitCode() != 0) return List.of();
        Result r = run(List.of(dir.resolve("probe").toString()), dir, dir.resolve("run.log"), RUN_TIMEOUT_S, RUN_ENV);
        return r.exitCode() == 0 ? SANITIZER_FLAGS : List.of();
    }

    record Build(List<String> command, Result result, Path binary) {}

    @AfterAll
    static void cleanUp() throws IOException, InterruptedException {
        if (compilers != null) {
            compilers.shutdownNow();
            compilers.awaitTermination(COMPILE_TIMEOUT_S, TimeUnit.SECONDS);
        }
        if (workDir != null) KernelSourcesCompileTest.deleteTree(workDir);
    }

    /**
     * Every kernel source is included by some emulation test, and none is in the emulation folder (where it would
     * shadow the real one: a quoted include looks next to the including file first).
     */
    @Test
    void everyKernelSourceIsEmulated() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path t : testSources()) all.append(Files.readString(t, StandardCharsets.UTF_8));
        for (Path cu : KernelSourcesCompileTest.sources("*.cu")) {
            String include = "#include \"" + cu.getFileName() + "\"";
            assertTrue(all.indexOf(include) >= 0, () -> "no test in " + emuDir() + " has " + include);
        }
        try (Stream<Path> s = Files.list(emuDir())) {
            List<Path> strays = s.filter(p -> p.getFileName().toString().matches(".*\\.cuh?")).toList();
            assertTrue(strays.isEmpty(), () -> "kernel sources in " + emuDir() + " would shadow the real ones: " + strays);
        }
    }

    @TestFactory
    Stream<DynamicTest> kernelsPassOnTheEmulator() throws Exception {
        List<Path> sources = new ArrayList<>(testSources());
        sources.sort(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed());  // longest compiles first
        Optional<Path> gxx = gxx();
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        Map<Path, Future<Build>> builds = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>(BASE_FLAGS);
        if (gxx.isPresent() && linux) {
            workDir = Files.createTempDirectory("vela-emu");
            flags.addAll(sanitizerFlags(gxx.get()));
            int threads = Math.max(1, Math.min(sources.size(), Runtime.getRuntime().availableProcessors()));
            compilers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "g++ kernel emulation");
                t.setDaemon(true);
                return t;
            });
            for (Path src : sources) builds.put(src, compilers.submit(() -> compile(gxx.get(), flags, src)));
        }
        return sources.stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(), () -> {
            Assumptions.assumeTrue(linux, "kernel emulation needs Linux: kernel emulation tests skipped");
            Assumptions.assumeTrue(gxx.isPresent(), "g++ not found: kernel emulation tests skipped");
            check(src, builds.get(src));
        }));
    }

    static Build compile(Path gxx, List<String> flags, Path src) throws IOException, InterruptedException {
        String name = src.getFileName().toString().replace(".cpp", "");
        Path dir = workDir.resolve(name);
        Files.createDirectories(dir);
        Path binary = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(gxx.toString()));
        cmd.addAll(flags);
        cmd.addAll(extraFlags(src));
        cmd.addAll(List.of("-I" + emuDir(), "-I" + KernelSourcesCompileTest.kernelsDir(), "-o", binary.toString(), src.toString()));
        return new Build(cmd, run(cmd, dir, dir.resolve("compile.log"), COMPILE_TIMEOUT_S, Map.of()), binary);
    }

    /** The flags a test source asks for on a line {@code // g++ flags: ...} (e.g. -O1 where the run dominates). */
    static List<String> extraFlags(Path src) throws IOException {
        for (String line : Files.readAllLines(src, StandardCharsets.UTF_8)) {
            if (line.startsWith(EXTRA_FLAGS)) return List.of(line.substring(EXTRA_FLAGS.length()).trim().split("\\s+"));
        }
        return List.of();
    }

    static void check(Path src, Future<Build> future) throws Exception {
        String file = src.getFileName().toString();
        Build b;
        try {
            b = future.get();
        } catch (ExecutionException e) {
            throw new AssertionError("compiling " + file + " failed", e.getCause());
        }
        assertEquals(0, b.result().exitCode(), () -> String.join(" ", b.command()) + " failed:\n"
                + lastLines(b.result().output(), 4 * MAX_LINES_SHOWN));

        Result r = run(List.of(b.binary().toString()), b.binary().getParent(), b.binary().getParent().resolve("run.log"),
                RUN_TIMEOUT_S, RUN_ENV);
        String out = r.output();
        Matcher m = SUMMARY.matcher(out);
        boolean summarised = m.find();
        boolean passed = r.exitCode() == 0 && summarised && m.group(2).equals("0")
                && out.lines().noneMatch(l -> l.startsWith("FAIL"));
        assertTrue(passed, () -> file + " (built with " + String.join(" ", b.command()) + ") exited with " + r.exitCode()
                + (summarised ? ", " + m.group() : ", without its summary line") + ":\n" + diagnostics(out));

        RngReport rng = checkRng(out);
        assertTrue(rng.mismatches().isEmpty(), () -> file + ": kernel random numbers differ from CounterRng ("
                + rng.mismatches().size() + " of " + rng.values() + "):\n"
                + String.join("\n", rng.mismatches().subList(0, Math.min(MAX_LINES_SHOWN, rng.mismatches().size()))));
        if (Files.readString(src, StandardCharsets.UTF_8).contains("#include \"random.cu\"")) {
            assertTrue(rng.values() >= 1000, file + " printed only " + rng.values() + " RNG values");
        }
        System.out.printf(Locale.ROOT, "%s: compiled in %.1f s, ran in %.1f s: %s checks%s%n", file, b.result().seconds(),
                r.seconds(), m.group(1), rng.values() > 0 ? ", " + rng.summary() : "");
    }

    // ============================================================================ RNG comparison

    record RngReport(int values, int normals, int exactNormals, List<String> mismatches) {
        String summary() {
            return values + " RNG values match CounterRng (" + exactNormals + " of " + normals + " normal values bit-exact)";
        }
    }

    /**
     * Compares each {@code RNG <dist> <type> <seed> <position> <a bits> <b bits> <value bits>} line with
     * {@code a + (b - a) * CounterRng.uniform(seed, position)} or {@code a + b * CounterRng.normal(seed, position)},
     * computed in double and rounded to the type, as {@code CpuBackend} does.
     */
    static RngReport checkRng(String output) {
        int values = 0, normals = 0, exact = 0;
        List<String> mismatches = new ArrayList<>();
        for (String line : output.lines().filter(l -> l.startsWith("RNG ")).toList()) {
            String[] f = line.split(" ");
            if (f.length != 8) {
                mismatches.add("malformed: " + line);
                continue;
            }
            long seed = Long.parseUnsignedLong(f[3]);
            long position = Long.parseUnsignedLong(f[4]);
            double a = Double.longBitsToDouble(Long.parseUnsignedLong(f[5], 16));
            double b = Double.longBitsToDouble(Long.parseUnsignedLong(f[6], 16));
            boolean normal = f[1].equals("normal");
            double g = normal ? CounterRng.normal(seed, position) : CounterRng.uniform(seed, position);
            double expected = normal ? a + b * g : a + (b - a) * g;
            // normal: Java's and the host's log1p and cos may differ by an ulp or two
            double tolerance = normal ? 4 * Math.ulp(b * g) + Math.ulp(expected) : 0;
            boolean ok, bitExact;
            if (f[2].equals("f64")) {
                double got = Double.longBitsToDouble(Long.parseUnsignedLong(f[7], 16));
                bitExact = Double.doubleToRawLongBits(got) == Double.doubleToRawLongBits(expected);
                ok = bitExact || Math.abs(got - expected) <= tolerance;
            } else {
                float got = Float.intBitsToFloat(Integer.parseUnsignedInt(f[7], 16));
                float exp = (float) expected;
                bitExact = Float.floatToRawIntBits(got) == Float.floatToRawIntBits(exp);
                ok = bitExact || (normal && Math.abs(got - exp) <= Math.ulp(exp));
            }
            values++;
            if (normal) {
                normals++;
                if (bitExact) exact++;
            }
            if (!ok) {
                mismatches.add(String.format(Locale.ROOT, "%s %s seed=%d position=%d: kernel %s, CounterRng %s",
                        f[1], f[2], seed, position, f[2].equals("f64")
                                ? Double.toString(Double.longBitsToDouble(Long.parseUnsignedLong(f[7], 16)))
                                : Float.toString(Float.intBitsToFloat(Integer.parseUnsignedInt(f[7], 16))),
                        f[2].equals("f64") ? Double.toString(expected) : Float.toString((float) expected)));
            }
        }
        return new RngReport(values, normals, exact, mismatches);
    }

    /** The comparison itself: it accepts CounterRng's values and rejects a value one ulp off (uniform). */
    @Test
    void rngComparisonAcceptsCounterRngAndRejectsOthers() {
        long seed = -7, pos = Long.MAX_VALUE;
        double u = 2 + (5.0 - 2) * CounterRng.uniform(seed, pos);
        double n = 0.5 + 2 * CounterRng.normal(seed, pos);
        String ok = String.format(Locale.ROOT, "RNG uniform f64 %s %s %016x %016x %016x%nRNG normal f32 %s %s %016x %016x %08x%n",
                Long.toUnsignedString(seed), Long.toUnsignedString(pos), Double.doubleToRawLongBits(2.0),
                Double.doubleToRawLongBits(5.0), Double.doubleToRawLongBits(u), Long.toUnsignedString(seed),
                Long.toUnsignedString(pos), Double.doubleToRawLongBits(0.5), Double.doubleToRawLongBits(2.0),
                Float.floatToRawIntBits((float) n));
        RngReport good = checkRng(ok);
        assertEquals(2, good.values());
        assertTrue(good.mismatches().isEmpty(), () -> good.mismatches().toString());
        String off = String.format(Locale.ROOT, "RNG uniform f64 %s %s %016x %016x %016x%n", Long.toUnsignedString(seed),
                Long.toUnsignedString(pos), Double.doubleToRawLongBits(2.0), Double.doubleToRawLongBits(5.0),
                Double.doubleToRawLongBits(Math.nextUp(u)));
        assertEquals(1, checkRng(off).mismatches().size());
    }
}
