/*
 * The on-disk cache of compiled kernels, keyed by everything that affects the CUBIN; and the kernel sources.
 */
package dev.vela.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Compiled kernels on disk, so NVRTC runs once per source, header, architecture, NVRTC version and option
 * set, not once per JVM. Files are {@code <cacheDir>/<sha256>.cubin}, where the cache folder is the system
 * property {@code vela.cache} (default {@code ~/.vela/cache}) plus {@code /cuda}. Files are written to a
 * temporary name and atomically moved into place, so concurrent JVMs never see half a file; a file that is
 * empty or not a complete ELF image (a CUBIN is an ELF file) is compiled again and replaced.
 *
 * <pre>{@code
 * String src = KernelCache.resource("elementwise.cu");
 * byte[] cubin = KernelCache.cubin("elementwise.cu", src,
 *         Map.of("vela_common.cuh", KernelCache.resource("vela_common.cuh")), "sm_90", List.of());
 * }</pre>
 */
public final class KernelCache {
    /** Where the kernel sources live on the class path. */
    public static final String RESOURCE_DIR = "/dev/vela/cuda/kernels/";

    private static final System.Logger LOG = System.getLogger(KernelCache.class.getName());
    private static final Map<String, String> RESOURCES = new ConcurrentHashMap<>();

    private KernelCache() {
    }

    /**
     * The CUBIN of {@code source} for {@code arch}: from the disk cache when present and intact, else
     * compiled with {@link Nvrtc#compile} and stored.
     */
    public static byte[] cubin(String fileName, String source, Map<String, String> headers, String arch,
                               List<String> options) {
        String key = key(source, headers, arch, Nvrtc.version(), options);
        return loadOrCompile(cacheDir(), key, () -> Nvrtc.compile(fileName, source, headers, arch, options));
    }

    /**
     * The cache key: SHA-256 (hex) over the source, each header's name and text (in name order), the
     * architecture, the NVRTC version and the options (in order), each length-prefixed so no two different
     * inputs run together into the same bytes.
     */
    public static String key(String source, Map<String, String> headers, String arch, String nvrtcVersion,
                             List<String> options) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        update(md, "vela-cubin-1");
        update(md, source);
        Map<String, String> sorted = new TreeMap<>(headers);
        update(md, Integer.toString(sorted.size()));
        for (Map.Entry<String, String> h : sorted.entrySet()) {
            update(md, h.getKey());
            update(md, h.getValue());
        }
        update(md, arch);
        update(md, nvrtcVersion);
        update(md, Integer.toString(options.size()));
        for (String o : options) update(md, o);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, String s) {
        byte[] b = (s == null ? "\0null" : s).getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(8).putLong(b.length).array());
        md.update(b);
    }

    /** {@code vela.cache} (or {@code ~/.vela/cache}) + {@code /cuda}, read on every call. */
    public static Path cacheDir() {
        String p = System.getProperty("vela.cache");
        Path base = p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".vela", "cache");
        return base.resolve("cuda");
    }

    /**
     * The bytes cached under {@code key} in {@code dir} when that file is intact, else {@code compiler}'s
     * result, written atomically (temporary file + ATOMIC_MOVE). A cache that cannot be written is reported
     * in the log and otherwise ignored.
     */
    static byte[] loadOrCompile(Path dir, String key, Supplier<byte[]> compiler) {
        Path file = dir.resolve(key + ".cubin");
        try {
            byte[] cached = Files.readAllBytes(file);
            if (isCompleteElf(cached)) return cached;
            LOG.log(System.Logger.Level.WARNING, "the cached kernel " + file + " is damaged ("
                    + cached.length + " bytes); compiling it again");
        } catch (NoSuchFileException absent) {
            // compile below
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the cached kernel " + file + ": " + e);
        }
        byte[] compiled = compiler.get();
        if (isCompleteElf(compiled)) {
            try {
                store(dir, file, compiled);
            } catch (IOException | UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the kernel cache " + file + ": " + e);
            }
        }
        return compiled;
    }

    private static void store(Path dir, Path file, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * True when {@code b} is a 64-bit little-endian ELF image whose program and section header tables lie
     * inside it (a truncated CUBIN fails this, since its section headers are at the end).
     */
    static boolean isCompleteElf(byte[] b) {
        if (b == null || b.length < 64) return false;
        if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return false;
        if (b[4] != 2 || b[5] != 1) return false; // ELFCLASS64, ELFDATA2LSB
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20);
        long shoff = h.getLong(0x28);
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        int shentsize = Short.toUnsignedInt(h.getShort(0x3A));
        int shnum = Short.toUnsignedInt(h.getShort(0x3C));
        return within(phoff, (long) phentsize * phnum, b.length) && within(shoff, (long) shentsize * shnum, b.length);
    }

    private static boolean within(long offset, long size, long length) {
        if (size == 0) return offset >= 0 && offset <= length;
        return offset >= 0 && offset <= length && size <= length - offset;
    }

    /**
     * The text (UTF-8) of the kernel resource {@code /dev/vela/cuda/kernels/<name>} on the class path.
     *
     * @throws IllegalStateException when it is not there
     */
    public static String resource(String name) {
        return RESOURCES.computeIfAbsent(name, n -> {
            String path = RESOURCE_DIR + n;
            try (InputStream in = KernelCache.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("the CUDA kernel source " + path + " is not on the class path "
                            + "(the vela-cuda jar should contain it; was it built from a complete checkout?)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CUDA kernel source " + path, e);
            }
        });
    }
}
