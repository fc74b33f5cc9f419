/*
 * Compiles every CUDA kernel source with nvcc (when it is installed) so that a syntax error in a kernel fails
 * the build even on machines without a GPU, and checks the sources against the ABI of cuda/KERNELS.md.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.UnaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel sources under {@code src/main/resources/dev/vela/cuda/kernels}: each {@code .cu} file compiles with
 * {@code nvcc -cubin -arch=sm_90} and defines every kernel KERNELS.md promises for it; each also compiles to PTX
 * with {@code -std=c++17} (as NVRTC compiles it) and uses no system header or host-only macro, which NVRTC does
 * not have; the op codes of {@code vela_common.cuh} match the Java enums.
 */
class KernelSourcesCompileTest {
    private static final String KERNELS = "src/main/resources/dev/vela/cuda/kernels";
    private static final List<String> ALL = List.of("f32", "f64", "i32", "i64", "u8");
    private static final List<String> FLOATS = List.of("f32", "f64");
    private static final long NVCC_TIMEOUT_S = 600;

    /** The kernels each file must define, from the suffix lists of KERNELS.md. */
    static Map<String, List<String>> expectedKernels() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        List<String> ew = new ArrayList<>();
        for (String t : ALL) {
            for (String k : List.of("unary_contig_", "unary_strided_", "binary_contig_", "binary_strided_",
                    "fill_contig_", "fill_strided_", "where_")) {
                ew.add(k + t);
            }
            ew.add("binary_contig_" + t + "_u8");
            ew.add("binary_strided_" + t + "_u8");
            for (String d : ALL) {
                ew.add("copy_contig_" + t + "_" + d);
                ew.add("copy_strided_" + t + "_" + d);
            }
        }
        m.put("elementwise.cu", ew);
        List<String> red = new ArrayList<>();
        for (String t : FLOATS) {
            for (String k : List.of("reduce_rows_", "reduce_cols_", "softmax_warp_", "softmax_block_")) {
                red.add(k + t);
            }
        }
        for (String t : List.of("f32", "f64", "i32", "i64")) red.add("argreduce_" + t);
        m.put("reduce.cu", red);
        m.put("matmul.cu", List.of("gemm_f32", "gemm64_f32", "gemm_f64"));
        List<String> idx = new ArrayList<>();
        for (String t : ALL) idx.add("gather_" + t);
        for (String t : List.of("f32", "f64", "i32", "i64")) idx.add("index_add_" + t);
        m.put("index.cu", idx);
        List<String> conv = new ArrayList<>();
        for (String t : FLOATS) {
            conv.add("patches_" + t);
            conv.add("unpatches_" + t);
        }
        m.put("conv.cu", conv);
        List<String> rnd = new ArrayList<>();
        for (String t : FLOATS) {
            rnd.add("random_uniform_" + t);
            rnd.add("random_normal_" + t);
        }
        m.put("random.cu", rnd);
        return m;
    }

    /** The kernel folder, from the module directory (Maven's working directory) or the repository root. */
    static Path kernelsDir() {
        for (Path p : List.of(Paths.get(KERNELS), Paths.get("cuda").resolve(KERNELS))) {
            if (Files.isDirectory(p)) return p.toAbsolutePath();
        }
        throw new AssertionError("kernel sources not found at " + Paths.get(KERNELS).toAbsolutePath());
    }

    static List<Path> sources(String glob) throws IOException {
        try (Stream<Path> s = Files.list(kernelsDir())) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    static Optional<Path> nvcc() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Paths.get(dir, "nvcc");
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        Path p = Paths.get("/usr/local/cuda/bin/nvcc");
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    static Path requireNvcc() {
        Optional<Path> n = nvcc();
        Assumptions.assumeTrue(n.isPresent(), "nvcc not found on PATH or /usr/local/cuda/bin: kernel sources not compiled");
        return n.get();
    }

    record Result(int exitCode, String output) {}

    /** Runs {@code cmd} with its output (stdout and stderr) going to {@code log}. */
    static Result run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(NVCC_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + NVCC_TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** True when {@code bytes} holds {@code name} as a whole NUL-terminated string (an ELF string table entry). */
    static boolean containsSymbol(byte[] bytes, String name) {
        byte[] needle = ("\0" + name + "\0").getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    @Test
    void everyPromisedFileExists() throws IOException {
        List<String> present = sources("*.cu").stream().map(p -> p.getFileName().toString()).toList();
        for (String f : expectedKernels().keySet()) {
            assertTrue(present.contains(f), "KERNELS.md promises " + f + " in " + kernelsDir() + ", found " + present);
        }
        assertTrue(Files.isRegularFile(kernelsDir().resolve("vela_common.cuh")), "vela_common.cuh is missing");
    }

    @TestFactory
    Stream<DynamicTest> eachFileCompilesToCubinWithItsKernels() throws IOException {
        Map<String, List<String>> expected = expectedKernels();
        return sources("*.cu").stream().map(src -> DynamicTest.dynamicTest("nvcc -cubin " + src.getFileName(), () -> {
            Path nvcc = requireNvcc();
            String file = src.getFileName().toString();
            Path tmp = Files.createTempDirectory("vela-kernels");
            try {
                Path cubin = tmp.resolve(file.replace(".cu", ".cubin"));
                List<String> cmd = List.of(nvcc.toString(), "-cubin", "-arch=sm_90", "-I" + kernelsDir(),
                        "-o", cubin.toString(), src.toString());
                Result r = run(cmd, tmp.resolve("nvcc.log"));
                assertEquals(0, r.exitCode(), () -> String.join(" ", cmd) + " failed:\n" + r.output());
                byte[] bytes = Files.readAllBytes(cubin);
                List<String> missing = new ArrayList<>();
                for (String k : expected.getOrDefault(file, List.of())) {
                    if (!containsSymbol(bytes, k)) missing.add(k);
                }
                assertTrue(missing.isEmpty(), () -> file + " does not define the kernels " + missing
                        + " that KERNELS.md promises");
            } finally {
                deleteTree(tmp);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachFileCompilesAsNvrtcWould() throws IOException {
        return sources("*.cu").stream().map(src -> DynamicTest.dynamicTest("nvcc -std=c++17 -ptx " + src.getFileName(), () -> {
            Path nvcc = requireNvcc();
            String file = src.getFileName().toString();
            Path tmp = Files.createTempDirectory("vela-kernels");
            try {
                Path ptx = tmp.resolve(file.replace(".cu", ".ptx"));
                List<String> cmd = List.of(nvcc.toString(), "-ptx", "-arch=compute_90", "-std=c++17",
                        "-I" + kernelsDir(), "-o", ptx.toString(), src.toString());
                Result r = run(cmd, tmp.resolve("nvcc.log"));
                assertEquals(0, r.exitCode(), () -> String.join(" ", cmd) + " failed:\n" + r.output());
            } finally {
                deleteTree(tmp);
            }
        }));
    }

    /** NVRTC has no system headers: no {@code #include <...>}, and none of the macros they would define. */
    @TestFactory
    Stream<DynamicTest> noSystemHeadersOrHostMacros() throws IOException {
        Pattern include = Pattern.compile("^\\s*#\\s*include\\s*<");
        Pattern localInclude = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"");
        Pattern hostOnly = Pattern.compile("\\b(INFINITY|NAN|HUGE_VALF?|FLT_[A-Z_]+|DBL_[A-Z_]+|INT_MAX|INT_MIN|UINT_MAX"
                + "|LLONG_MAX|LLONG_MIN|ULLONG_MAX|CUDART_[A-Z0-9_]+|M_PI|size_t|uint64_t|int64_t|uint32_t|int32_t|uint8_t)\\b|\\bstd::");
        List<Path> files = new ArrayList<>(sources("*.cu"));
        files.addAll(sources("*.cuh"));
        return files.stream().map(f -> DynamicTest.dynamicTest("NVRTC-safe " + f.getFileName(), () -> {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String code = stripLineComment(line);
                int n = i + 1;
                assertTrue(!include.matcher(code).find(), () -> f.getFileName() + ":" + n
                        + " includes a system header, which NVRTC does not provide: " + line.trim());
                Matcher li = localInclude.matcher(code);
                if (li.find()) {
                    assertTrue(Files.isRegularFile(kernelsDir().resolve(li.group(1))), () -> f.getFileName() + ":" + n
                            + " includes " + li.group(1) + ", which is not in the kernel folder");
                }
                Matcher h = hostOnly.matcher(code);
                assertTrue(!h.find(), () -> f.getFileName() + ":" + n + " uses " + h.group()
                        + ", which needs a host header NVRTC lacks: " + line.trim());
            }
        }));
    }

    private static String stripLineComment(String line) {
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }

    /** The enumerators of {@code enum <name> { ... }} in the header, in order, without comments and initialisers. */
    static List<String> enumerators(String header, String name) {
        String noComments = header.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        Matcher m = Pattern.compile("enum\\s+" + name + "\\s*\\{([^}]*)\\}").matcher(noComments);
        assertTrue(m.find(), "vela_common.cuh declares no enum " + name);
        List<String> names = new ArrayList<>();
        for (String part : m.group(1).split(",")) {
            String s = part.replaceAll("=.*", "").trim();
            if (!s.isEmpty()) names.add(s);
        }
        return names;
    }

    static List<String> javaNames(Enum<?>[] values, String prefix) {
        return Arrays.stream(values).map(e -> prefix + e.name()).toList();
    }

    @Test
    void opCodesMatchJavaEnums() throws IOException {
        String header = Files.readString(kernelsDir().resolve("vela_common.cuh"), StandardCharsets.UTF_8);
        assertEquals(javaNames(UnaryOp.values(), "U_"), enumerators(header, "VelaUnary"),
                "enum VelaUnary must list UnaryOp's constants in order (the op code is the ordinal)");
        assertEquals(javaNames(BinaryOp.values(), "B_"), enumerators(header, "VelaBinary"),
                "enum VelaBinary must list BinaryOp's constants in order (the op code is the ordinal)");
        assertEquals(javaNames(ReduceOp.values(), "R_"), enumerators(header, "VelaReduce"),
                "enum VelaReduce must list ReduceOp's constants in order (the op code is the ordinal)");
    }

    @Test
    void symbolSearchMatchesWholeNames() {
        byte[] strtab = "\0.text.gemm64_f32\0gemm64_f32\0binary_contig_f32_u8\0".getBytes(StandardCharsets.US_ASCII);
        assertTrue(containsSymbol(strtab, "gemm64_f32"));
        assertTrue(containsSymbol(strtab, "binary_contig_f32_u8"));
        assertTrue(!containsSymbol(strtab, "binary_contig_f32"));
        assertTrue(!containsSymbol(strtab, "gemm_f32"));
    }
}
