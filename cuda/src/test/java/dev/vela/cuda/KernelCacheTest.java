/*
 * The kernel cache without NVRTC: keys, the cache folder, intact/damaged files, atomic writes, resources.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {
    static final String SRC = "#include \"vela_common.cuh\"\nextern \"C\" __global__ void k() {}\n";
    static final Map<String, String> HDR = Map.of("vela_common.cuh", "#pragma once\n");

    static String key(String src, Map<String, String> headers, String arch, String version, List<String> opts) {
        return KernelCache.key(src, headers, arch, version, opts);
    }

    @Test
    void keyChangesWithEveryInput() {
        String base = key(SRC, HDR, "sm_90", "13.0", List.of());
        assertTrue(base.matches("[0-9a-f]{64}"), base);
        assertNotEquals(base, key(SRC + " ", HDR, "sm_90", "13.0", List.of()), "source");
        assertNotEquals(base, key(SRC, Map.of("vela_common.cuh", "#pragma once\n//"), "sm_90", "13.0", List.of()),
                "header text");
        assertNotEquals(base, key(SRC, Map.of("other.cuh", "#pragma once\n"), "sm_90", "13.0", List.of()),
                "header name");
        assertNotEquals(base, key(SRC, Map.of(), "sm_90", "13.0", List.of()), "no header");
        assertNotEquals(base, key(SRC, HDR, "sm_80", "13.0", List.of()), "arch");
        assertNotEquals(base, key(SRC, HDR, "sm_90", "13.1", List.of()), "NVRTC version");
        assertNotEquals(base, key(SRC, HDR, "sm_90", "13.0", List.of("-lineinfo")), "options");
        assertNotEquals(key(SRC, HDR, "sm_90", "13.0", List.of("-a", "-b")),
                key(SRC, HDR, "sm_90", "13.0", List.of("-b", "-a")), "option order");
        // fields do not run into each other
        assertNotEquals(key("ab", HDR, "sm_90", "13.0", List.of()), key("a", HDR, "bsm_90", "13.0", List.of()));
        assertNotEquals(key(SRC, HDR, "sm_90", "13.0", List.of("-ab")),
                key(SRC, HDR, "sm_90", "13.0", List.of("-a", "b")));
    }

    @Test
    void equalInputsGiveEqualKeysWhateverTheHeaderMapOrder() {
        Map<String, String> h1 = new LinkedHashMap<>();
        h1.put("a.cuh", "A");
        h1.put("b.cuh", "B");
        Map<String, String> h2 = new LinkedHashMap<>();
        h2.put("b.cuh", "B");
        h2.put("a.cuh", "A");
        assertEquals(key(SRC, h1, "sm_90", "13.0", List.of("-x")), key(new String(SRC), h2, "sm_90", "13.0",
                List.of("-x")));
    }

    @Test
    void cacheDirHonoursTheVelaCacheProperty(@TempDir Path tmp) {
        String old = System.getProperty("vela.cache");
        try {
            System.setProperty("vela.cache", tmp.toString());
            assertEquals(tmp.resolve("cuda"), KernelCache.cacheDir());
            System.clearProperty("vela.cache");
            assertEquals(Path.of(System.getProperty("user.home"), ".vela", "cache", "cuda"), KernelCache.cacheDir());
        } finally {
            if (old == null) System.clearProperty("vela.cache");
            else System.setProperty("vela.cache", old);
        }
    }

    /** A minimal, complete ELF64 little-endian image with {@code payload} bytes of content and headers at the end. */
    static byte[] fakeCubin(int payload, byte fill) {
        int phoff = 64 + payload;
        int phnum = 2;
        int shoff = phoff + 56 * phnum;
        int shnum = 3;
        byte[] b = new byte[shoff + 64 * shnum];
        Arrays.fill(b, 64, 64 + payload, fill);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        h.putLong(0x20, phoff);
        h.putLong(0x28, shoff);
        h.putShort(0x34, (short) 64);
        h.putShort(0x36, (short) 56);
        h.putShort(0x38, (short) phnum);
        h.putShort(0x3A, (short) 64);
        h.putShort(0x3C, (short) shnum);
        return b;
    }

    static final class CountingCompiler implements Supplier<byte[]> {
        final AtomicInteger calls = new AtomicInteger();
        final byte[] result;

        CountingCompiler(byte[] result) { this.result = result; }

        @Override
        public byte[] get() {
            calls.incrementAndGet();
            return result.clone();
        }
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void compilesOnceThenLoadsFromDisk(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("cuda");
        byte[] cubin = fakeCubin(1000, (byte) 7);
        CountingCompiler nvrtc = new CountingCompiler(cubin);
        String key = key(SRC, HDR, "sm_90", "13.0", List.of());
        assertArrayEquals(cubin, KernelCache.loadOrCompile(dir, key, nvrtc));
        assertEquals(1, nvrtc.calls.get());
        Path file = dir.resolve(key + ".cubin");
        assertArrayEquals(cubin, Files.readAllBytes(file));
        assertArrayEquals(cubin, KernelCache.loadOrCompile(dir, key, nvrtc));
        assertEquals(1, nvrtc.calls.get(), "the second time comes from the cache");
        assertEquals(List.of(file), files(dir), "only the cubin: no temporary files are left");
    }

    @Test
    void damagedCacheFilesAreCompiledAgain(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("cuda");
        byte[] cubin = fakeCubin(5000, (byte) 3);
        CountingCompiler nvrtc = new CountingCompiler(cubin);
        String key = "0123abcd";
        Path file = dir.resolve(key + ".cubin");
        KernelCache.loadOrCompile(dir, key, nvrtc);
        int expected = 1;
        byte[][] damaged = {
            new byte[0],                                   // empty
            Arrays.copyOf(cubin, cubin.length - 1),        // truncated: the headers at the end are cut
            Arrays.copyOf(cubin, 64),                      // only the ELF header
            "not an ELF file at all, just some text that is long enough to be a header, really it is".getBytes(),
        };
        for (byte[] bad : damaged) {
            Files.write(file, bad);
            assertArrayEquals(cubin, KernelCache.loadOrCompile(dir, key, nvrtc));
            assertEquals(++expected, nvrtc.calls.get(), "recompiled after a damaged file of " + bad.length + " bytes");
            assertArrayEquals(cubin, Files.readAllBytes(file), "the damaged file was replaced");
        }
        byte[] flippedMagic = cubin.clone();
        flippedMagic[1] = 'X';
        Files.write(file, flippedMagic);
        KernelCache.loadOrCompile(dir, key, nvrtc);
        assertEquals(++expected, nvrtc.calls.get());
        assertEquals(List.of(file), files(dir), "no temporary files are left");
    }

    @Test
    void anUnwritableCacheStillReturnsTheCompiledKernel(@TempDir Path tmp) throws IOException {
        Path notADir = tmp.resolve("file");
        Files.writeString(notADir, "x");
        byte[] cubin = fakeCubin(10, (byte) 1);
        CountingCompiler nvrtc = new CountingCompiler(cubin);
        assertArrayEquals(cubin, KernelCache.loadOrCompile(notADir.resolve("cuda"), "k", nvrtc));
        assertArrayEquals(cubin, KernelCache.loadOrCompile(notADir.resolve("cuda"), "k", nvrtc));
        assertEquals(2, nvrtc.calls.get());
    }

    @Test
    void elfCheckAcceptsCompleteImagesOnly() {
        byte[] ok = fakeCubin(100, (byte) 0);
        assertTrue(KernelCache.isCompleteElf(ok));
        assertFalse(KernelCache.isCompleteElf(null));
        assertFalse(KernelCache.isCompleteElf(new byte[10]));
        assertFalse(KernelCache.isCompleteElf(Arrays.copyOf(ok, ok.length - 1)));
        byte[] class32 = ok.clone();
        class32[4] = 1;
        assertFalse(KernelCache.isCompleteElf(class32));
        byte[] hugeOffset = ok.clone();
        ByteBuffer.wrap(hugeOffset).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, Long.MAX_VALUE - 10);
        assertFalse(KernelCache.isCompleteElf(hugeOffset));
    }

    @Test
    void aRealCubinFromNvccPassesTheElfCheck(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("k.cu");
        Files.writeString(src, "extern \"C\" __global__ void k(float* x) { x[threadIdx.x] += 1.0f; }\n");
        Path out = tmp.resolve("k.cubin");
        Process p;
        try {
            p = new ProcessBuilder("nvcc", "-cubin", "-arch=sm_90", src.toString(), "-o", out.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noNvcc) {
            Assumptions.abort("nvcc is not on the PATH");
            return;
        }
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "nvcc could not compile");
        byte[] cubin = Files.readAllBytes(out);
        assertTrue(KernelCache.isCompleteElf(cubin), "nvcc's CUBIN is a complete ELF image");
        assertFalse(KernelCache.isCompleteElf(Arrays.copyOf(cubin, cubin.length - 8)), "truncation is detected");
    }

    @Test
    void resourcesAreReadFromTheKernelFolder() {
        assertEquals("kernel cache fixture: \u03c0 \u2248 3.14159\n", KernelCache.resource("kernelcache_fixture.txt"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelCache.resource("no_such.cu"));
        assertTrue(e.getMessage().contains("/dev/vela/cuda/kernels/no_such.cu"), e.getMessage());
    }
}
