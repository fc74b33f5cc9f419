/*
 * Finds out, before anything native is loaded, whether CUDA can be used here, and says why not in words.
 */
package dev.vela.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Diagnoses and loads the CUDA libraries: the driver ({@code libcuda.so.1}), the runtime
 * ({@code libcudart.so.13}), NVRTC ({@code libnvrtc.so.13}) and Bytedeco's JNI bindings for them.
 *
 * <p>The checks run once, in this order, and the first that fails gives the reason: the platform is
 * linux-x86_64; each library can be opened (with {@code dlopen}, through {@code java.lang.foreign}, so that a
 * missing library is named instead of surfacing as an {@link UnsatisfiedLinkError}); Bytedeco's bindings
 * load; {@code cuInit(0)} succeeds; the driver speaks CUDA 13; there is a device; and at least one device
 * has compute capability 7.5 or newer (the oldest CUDA 13 supports).
 *
 * <pre>{@code
 * jshell> CudaLibs.unavailableReason()
 * $1 ==> "no NVIDIA driver: libcuda.so.1 not found ..."      // null where CUDA works
 * jshell> CudaLibs.describeDevices()
 * $2 ==> [cuda:0: NVIDIA H100 80GB HBM3, 79.1 GiB, compute capability 9.0, 132 SMs, driver 13.0, runtime 13.0]
 * }</pre>
 */
public final class CudaLibs {
    /** The oldest compute capability CUDA 13 supports, as major * 10 + minor (7.5, Turing). */
    public static final int MIN_COMPUTE_CAPABILITY = 75;
    /** The oldest driver API version Vela's bindings need (CUDA 13.0, driver 580). */
    public static final int MIN_DRIVER_VERSION = 13000;

    static final String DRIVER_LIB = "libcuda.so.1";
    static final String RUNTIME_LIB = "libcudart.so.13";
    static final String NVRTC_LIB = "libnvrtc.so.13";
    static final String INSTALL_HINT = "install CUDA 13 or put its lib64 on LD_LIBRARY_PATH, or build with -Pcuda-redist";

    private static final Object LOCK = new Object();
    private static volatile boolean probed;
    /** Why the libraries or the driver cannot be used (checks a to e), or null. */
    private static String baseReason;
    /** baseReason, or why no device is usable, or null. */
    private static String reason;
    private static volatile boolean nativesLoaded;

    private CudaLibs() {
    }

    /**
     * Null when CUDA can be used, else one paragraph for a person saying why not and what to do. The result
     * is computed once per JVM.
     */
    public static String unavailableReason() {
        probe();
        return reason;
    }

    /** Throws {@link IllegalStateException} with {@link #unavailableReason()} when CUDA cannot be used. */
    public static void requireAvailable() {
        String r = unavailableReason();
        if (r != null) throw new IllegalStateException("CUDA cannot be used: " + r);
    }

    /**
     * One line per CUDA device, e.g.
     * {@code "cuda:0: NVIDIA H100 80GB HBM3, 79.1 GiB, compute capability 9.0, 132 SMs, driver 13.0, runtime 13.0"};
     * a device older than compute capability 7.5 gets {@code " (unusable: ...)"} appended. When CUDA cannot be
     * used at all, the single line {@code "cuda: unavailable: <reason>"}.
     */
    public static List<String> describeDevices() {
        probe();
        if (baseReason != null) return List.of("cuda: unavailable: " + baseReason);
        List<String> out = new ArrayList<>();
        int driver = Native.driverVersion();
        int runtime = Native.runtimeVersion();
        int count = Native.deviceCount();
        for (int d = 0; d < count; d++) {
            try {
                int[] cc = Native.computeCapability(d);
                String line = describeLine(d, Native.deviceName(d), Native.totalMemory(d), cc[0], cc[1],
                        Native.attribute(d, 16 /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */), driver, runtime);
                String bad = capabilityReason(cc[0], cc[1]);
                out.add(bad == null ? line : line + " (unusable: " + bad + ")");
            } catch (RuntimeException e) {
                out.add("cuda:" + d + ": cannot be queried: " + e.getMessage());
            }
        }
        return out;
    }

    /** The number of CUDA devices; 0 when CUDA cannot be used. */
    public static int deviceCount() {
        probe();
        return baseReason != null ? 0 : Native.deviceCount();
    }

    /**
     * Why device {@code device} cannot be used (no such device, or too old a compute capability), or null
     * when it can. Requires CUDA to be available.
     */
    public static String deviceUnusableReason(int device) {
        requireAvailable();
        int count = Native.deviceCount();
        if (device < 0 || device >= count) {
            return "cuda:" + device + " does not exist: this machine has " + count + " CUDA device"
                    + (count == 1 ? "" : "s") + (count > 0 ? " (cuda:0 to cuda:" + (count - 1) + ")" : "");
        }
        int[] cc = Native.computeCapability(device);
        String bad = capabilityReason(cc[0], cc[1]);
        return bad == null ? null : "cuda:" + device + " (" + Native.deviceName(device) + ") is unusable: " + bad;
    }

    /** True once Bytedeco's cudart and nvrtc bindings are loaded (so the native calls may be made). */
    static boolean nativesLoaded() { return nativesLoaded; }

    // ---------------------------------------------------------------- the probe

    private static void probe() {
        if (probed) return;
        synchronized (LOCK) {
            if (probed) return;
            baseReason = computeBaseReason();
            reason = baseReason != null ? baseReason : deviceReason();
            probed = true;
        }
    }

    private static String computeBaseReason() {
        String r = platformReason(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (r != null) return r;
        r = libraryReason();
        if (r != null) return r;
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.cuda.global.cudart.class);
            org.bytedeco.javacpp.Loader.load(org.bytedeco.cuda.global.nvrtc.class);
        } catch (Throwable t) {
            return "the CUDA libraries were found but Bytedeco's JNI bindings for them could not be loaded ("
                    + t.getClass().getSimpleName() + ": " + t.getMessage() + "); " + INSTALL_HINT;
        }
        nativesLoaded = true;
        int rc = Native.init();
        if (rc != 0) {
            String hint = switch (rc) {
                case 100 -> "the driver is installed but sees no GPU (check nvidia-smi, CUDA_VISIBLE_DEVICES, "
                        + "or that the container was started with the GPU exposed)";
                case 34 -> "the libcuda.so.1 found is the toolkit's stub library, not the driver's; "
                        + "remove the stubs directory from LD_LIBRARY_PATH";
                case 803 -> "the user-space driver library does not match the kernel module (reboot after a "
                        + "driver update, or fix the container's driver mounts)";
                default -> "check nvidia-smi";
            };
            return "cuInit failed with " + Cu.errorName(rc) + " (" + rc + "): " + Cu.errorString(rc) + "; " + hint;
        }
        int driver = Native.driverVersion();
        if (driver < MIN_DRIVER_VERSION) {
            return "the NVIDIA driver supports CUDA " + formatVersion(driver) + " but Vela's CUDA backend needs "
                    + "CUDA 13 (driver 580 or newer): update the NVIDIA driver";
        }
        int count = Native.deviceCount();
        if (count == 0) {
            return "no CUDA device: the NVIDIA driver loaded but reports no device "
                    + "(check nvidia-smi and CUDA_VISIBLE_DEVICES)";
        }
        return null;
    }

    /** Null when some device is new enough, else why none is. */
    private static String deviceReason() {
        int count = Native.deviceCount();
        List<String> old = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            int[] cc = Native.computeCapability(d);
            if (capabilityReason(cc[0], cc[1]) == null) return null;
            old.add("cuda:" + d + " (" + Native.deviceName(d) + ") has compute capability " + cc[0] + "." + cc[1]);
        }
        return "no usable CUDA device: " + String.join(", ", old) + "; CUDA 13 supports compute capability 7.5 "
                + "(Turing) or newer";
    }

    // ---------------------------------------------------------------- pure helpers (tested without CUDA)

    /** Null on linux-x86_64 (the only platform Vela's CUDA bindings are built for), else the reason. */
    static String platformReason(String osName, String osArch) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) return null;
        return "Vela's CUDA backend is built for linux-x86_64 only, and this is " + osName + " on " + osArch;
    }

    /** Null when compute capability major.minor is supported by CUDA 13, else why not. */
    static String capabilityReason(int major, int minor) {
        if (major * 10 + minor >= MIN_COMPUTE_CAPABILITY) return null;
        return "compute capability " + major + "." + minor + " is not supported by CUDA 13, which needs 7.5 "
                + "(Turing) or newer";
    }

    /** 13000 -> "13.0", 12080 -> "12.8" (the CUDA version encoding 1000 * major + 10 * minor). */
    static String formatVersion(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    /** The line {@link #describeDevices()} prints for one device. */
    static String describeLine(int index, String name, long totalBytes, int ccMajor, int ccMinor, int sms,
                               int driverVersion, int runtimeVersion) {
        return String.format(Locale.ROOT, "cuda:%d: %s, %.1f GiB, compute capability %d.%d, %d SMs, driver %s, runtime %s",
                index, name, totalBytes / (1024.0 * 1024 * 1024), ccMajor, ccMinor, sms,
                formatVersion(driverVersion), formatVersion(runtimeVersion));
    }

    /**
     * Null when the three libraries can be opened, else which are missing and what to do. Each library is
     * tried by name (the loader's search path: LD_LIBRARY_PATH, ld.so.cache) and then in the usual CUDA
     * install folders, where Bytedeco's loader also looks. Runtime libraries bundled by the cuda-redist jar
     * count as present.
     */
    static String libraryReason() {
        StringBuilder sb = new StringBuilder();
        if (!canOpen(DRIVER_LIB, List.of())) {
            sb.append("no NVIDIA driver: ").append(DRIVER_LIB).append(" not found (it comes with the NVIDIA driver, "
                    + "version 580 or newer for CUDA 13; in a container, start it with the GPU exposed, e.g. "
                    + "docker run --gpus all)");
        }
        List<String> missing = new ArrayList<>();
        List<Path> dirs = cudaLibraryDirs();
        for (String lib : List.of(RUNTIME_LIB, NVRTC_LIB)) {
            if (!bundled(lib) && !canOpen(lib, dirs)) missing.add(lib);
        }
        if (!missing.isEmpty()) {
            if (!sb.isEmpty()) sb.append("; also ");
            sb.append(String.join(" and ", missing)).append(missing.size() == 1 ? " was" : " were")
                    .append(" not found: ").append(INSTALL_HINT);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static boolean bundled(String lib) {
        return CudaLibs.class.getResource("/org/bytedeco/cuda/linux-x86_64/" + lib) != null;
    }

    /** dlopen by name, then in each folder; an opened library stays loaded (Bytedeco's JNI libraries use it). */
    static boolean canOpen(String lib, List<Path> dirs) {
        try {
            SymbolLookup.libraryLookup(lib, Arena.global());
            return true;
        } catch (RuntimeException notFound) {
            // try the folders
        }
        for (Path dir : dirs) {
            Path p = dir.resolve(lib);
            if (!Files.exists(p)) continue;
            try {
                SymbolLookup.libraryLookup(p, Arena.global());
                return true;
            } catch (RuntimeException notLoadable) {
                // next folder
            }
        }
        return false;
    }

    /** CUDA_HOME, CUDA_PATH, /usr/local/cuda and /usr/local/cuda-13.* (lib64 and targets/x86_64-linux/lib). */
    static List<Path> cudaLibraryDirs() {
        Set<Path> roots = new LinkedHashSet<>();
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        roots.add(Path.of("/usr/local/cuda"));
        Path local = Path.of("/usr/local");
        if (Files.isDirectory(local)) {
            try (var s = Files.list(local)) {
                s.filter(p -> p.getFileName().toString().startsWith("cuda-13")).sorted().forEach(roots::add);
            } catch (java.io.IOException | RuntimeException ignored) {
                // not listable: keep the others
            }
        }
        List<Path> dirs = new ArrayList<>();
        for (Path r : roots) {
            dirs.add(r.resolve("lib64"));
            dirs.add(r.resolve("lib"));
            dirs.add(r.resolve("targets/x86_64-linux/lib"));
        }
        return dirs;
    }

    // ---------------------------------------------------------------- native queries (only after loading)

    /** The driver queries; only called once the bindings are loaded. */
    static final class Native {
        private Native() {
        }

        static int init() { return org.bytedeco.cuda.global.cudart.cuInit(0); }

        static int driverVersion() {
            int[] v = new int[1];
            Cu.check(org.bytedeco.cuda.global.cudart.cuDriverGetVersion(v), "cuDriverGetVersion", null);
            return v[0];
        }

        static int runtimeVersion() {
            int[] v = new int[1];
            int rc = org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion(v);
            if (rc != 0) throw new CudaException("cudaRuntimeGetVersion failed with cudaError " + rc);
            return v[0];
        }

        static int deviceCount() {
            int[] n = new int[1];
            Cu.check(org.bytedeco.cuda.global.cudart.cuDeviceGetCount(n), "cuDeviceGetCount", null);
            return n[0];
        }

        static int device(int ordinal) {
            int[] d = new int[1];
            Cu.check(org.bytedeco.cuda.global.cudart.cuDeviceGet(d, ordinal), "cuDeviceGet", "cuda:" + ordinal);
            return d[0];
        }

        static String deviceName(int ordinal) {
            byte[] buf = new byte[256];
            Cu.check(org.bytedeco.cuda.global.cudart.cuDeviceGetName(buf, buf.length, device(ordinal)),
                    "cuDeviceGetName", "cuda:" + ordinal);
            int n = 0;
            while (n < buf.length && buf[n] != 0) n++;
            return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }

        static long totalMemory(int ordinal) {
            try (org.bytedeco.javacpp.SizeTPointer p = new org.bytedeco.javacpp.SizeTPointer(1)) {
                Cu.check(org.bytedeco.cuda.global.cudart.cuDeviceTotalMem(p, device(ordinal)),
                        "cuDeviceTotalMem", "cuda:" + ordinal);
                return p.get();
            }
        }

        static int attribute(int ordinal, int attribute) {
            int[] v = new int[1];
            Cu.check(org.bytedeco.cuda.global.cudart.cuDeviceGetAttribute(v, attribute, device(ordinal)),
                    "cuDeviceGetAttribute", "cuda:" + ordinal + ", attribute " + attribute);
            return v[0];
        }

        static int[] computeCapability(int ordinal) {
            return new int[] {
                attribute(ordinal, 75 /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR */),
                attribute(ordinal, 76 /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR */)};
        }
    }
}
