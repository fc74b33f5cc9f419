/*
 * The native half of the CUDA layer without a GPU: builds a fake libcuda.so.1 and libnvrtc.so.13 with gcc
 * and runs FakeDriverCheck against them in a child JVM, so the JNI calls (argument passing, output
 * parameters, copies, launches, error paths) run for real. Skipped where gcc is missing.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeDriverTest {
    @TempDir
    static Path dir;
    static Path lib;

    @BeforeAll
    static void buildFakeLibraries() throws Exception {
        lib = dir.resolve("lib");
        Files.createDirectories(lib);
        for (String f : List.of("fakecuda.c", "fakenvrtc.c", "nvrtc.map")) {
            try (InputStream in = FakeDriverTest.class.getResourceAsStream("/dev/vela/cuda/fakecuda/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        gcc("-shared", "-fPIC", "-O1", "-o", lib.resolve("libcuda.so.1").toString(), "-Wl,-soname,libcuda.so.1",
                dir.resolve("fakecuda.c").toString(), "-lpthread");
        gcc("-shared", "-fPIC", "-O1", "-o", lib.resolve("libnvrtc.so.13").toString(), "-Wl,-soname,libnvrtc.so.13",
                "-Wl,--version-script=" + dir.resolve("nvrtc.map"), dir.resolve("fakenvrtc.c").toString());
    }

    private static void gcc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException noGcc) {
            Assumptions.abort("gcc is not on the PATH: the fake CUDA driver cannot be built");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gcc timed out");
        Assumptions.assumeTrue(p.exitValue() == 0, () -> "gcc could not build the fake driver: " + out);
    }

    /** Runs FakeDriverCheck in a child JVM with the fake libraries first on the library path. */
    private static String check(String mode, Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-Dvela.cache=" + dir.resolve("cache"), "-cp", System.getProperty("java.class.path"),
                FakeDriverCheck.class.getName(), mode).redirectErrorStream(true);
        String old = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", lib + (old == null || old.isEmpty() ? "" : ":" + old));
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "timed out:\n" + out);
        assertEquals(0, p.exitValue(), () -> "FakeDriverCheck " + mode + " failed:\n" + out);
        assertTrue(out.contains("CHECKS PASSED"), out);
        return out;
    }

    @Test
    void theWholeDevicePathRunsAgainstTheFakeDriver() throws Exception {
        String out = check("main", Map.of());
        assertTrue(out.contains("ok   Layout by value, 8-byte aligned"), out);
    }

    @Test
    void anOldSecondDeviceIsListedButRefused() throws Exception {
        check("second-device-old", Map.of("FAKE_CUDA_DEVICES", "2", "FAKE_CUDA_OLD_DEVICE", "1"));
    }

    @Test
    void aDriverWithoutDevicesIsExplained() throws Exception {
        check("no-device", Map.of("FAKE_CUDA_DEVICES", "0"));
    }

    @Test
    void onlyOldDevicesMeanCudaIsUnavailable() throws Exception {
        check("all-old", Map.of("FAKE_CUDA_OLD_DEVICE", "0"));
    }
}
