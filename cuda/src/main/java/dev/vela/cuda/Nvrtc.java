/*
 * Run-time compilation of the CUDA C++ kernels to CUBINs for the device's own architecture.
 */
package dev.vela.cuda;

import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetNumSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * NVRTC: compiles a CUDA C++ source (with in-memory headers) to a CUBIN for one real architecture. Most
 * callers go through {@link KernelCache#cubin}, which keeps the results on disk.
 *
 * <pre>{@code
 * byte[] cubin = Nvrtc.compile("elementwise.cu", source,
 *         Map.of("vela_common.cuh", header), "sm_90", List.of());
 * Nvrtc.version();  // "13.0"
 * }</pre>
 */
public final class Nvrtc {
    private static final Pattern ARCH = Pattern.compile("sm_(\\d+)");

    private Nvrtc() {
    }

    /** NVRTC's version, e.g. "13.0". Needs CUDA to be available. */
    public static String version() {
        CudaLibs.requireAvailable();
        int[] major = new int[1];
        int[] minor = new int[1];
        Cu.check(nvrtcVersion(major, minor), "nvrtcVersion", null);
        return major[0] + "." + minor[0];
    }

    /** The real architectures this NVRTC can compile for, e.g. [75, 80, 86, 87, 89, 90, 100, 103, 110, 120, 121]. */
    public static int[] supportedArchs() {
        CudaLibs.requireAvailable();
        int[] n = new int[1];
        Cu.check(nvrtcGetNumSupportedArchs(n), "nvrtcGetNumSupportedArchs", null);
        int[] archs = new int[n[0]];
        if (n[0] > 0) Cu.check(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs", null);
        return archs;
    }

    /**
     * Compiles {@code source} to a CUBIN for {@code arch} ("sm_90") with options
     * {@code --gpu-architecture=<arch> -std=c++17} followed by {@code options}.
     *
     * @param fileName the name NVRTC uses in messages ("elementwise.cu")
     * @param headers  in-memory headers by include name ("vela_common.cuh" -> its text)
     * @throws CudaException with NVRTC's log (its file(line) messages) when compilation fails
     */
    public static byte[] compile(String fileName, String source, Map<String, String> headers, String arch,
                                 List<String> options) {
        CudaLibs.requireAvailable();
        requireArch(arch);
        List<String> names = new ArrayList<>(headers.keySet());
        List<String> texts = new ArrayList<>();
        for (String n : names) texts.add(headers.get(n));
        List<String> opts = new ArrayList<>();
        opts.add("--gpu-architecture=" + arch);
        opts.add("-std=c++17");
        opts.addAll(options);

        _nvrtcProgram prog = new _nvrtcProgram();
        try (BytePointer src = new BytePointer(source, StandardCharsets.UTF_8);
             BytePointer name = new BytePointer(fileName, StandardCharsets.UTF_8);
             PointerPointer<?> hdrTexts = names.isEmpty() ? null
                     : new PointerPointer<>(texts.toArray(new String[0]), StandardCharsets.UTF_8);
             PointerPointer<?> hdrNames = names.isEmpty() ? null
                     : new PointerPointer<>(names.toArray(new String[0]), StandardCharsets.UTF_8)) {
            Cu.check(nvrtcCreateProgram(prog, src, name, names.size(), hdrTexts, hdrNames), "nvrtcCreateProgram",
                    "creating the NVRTC program for " + fileName);
            try (PointerPointer<?> optPtrs = new PointerPointer<>(opts.toArray(new String[0]), StandardCharsets.UTF_8)) {
                int rc = nvrtcCompileProgram(prog, opts.size(), optPtrs);
                if (rc != Cu.SUCCESS) {
                    throw new CudaException(rc, "nvrtcCompileProgram", "compiling " + fileName + " for " + arch
                            + " with " + String.join(" ", opts) + "; NVRTC " + safeVersion() + " log:\n" + log(prog));
                }
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                Cu.check(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize", fileName + " for " + arch);
                long n = size.get();
                if (n <= 0 || n > Integer.MAX_VALUE) {
                    throw new CudaException("NVRTC produced no CUBIN for " + fileName + " (" + arch + "), size " + n
                            + "; is " + arch + " a real architecture?");
                }
                byte[] cubin = new byte[(int) n];
                Cu.check(nvrtcGetCUBIN(prog, cubin), "nvrtcGetCUBIN", fileName + " for " + arch);
                return cubin;
            }
        } finally {
            if (!prog.isNull()) nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtcGetProgramLogSize(prog, size) != Cu.SUCCESS) return "(no log)";
            long n = size.get();
            if (n <= 1) return "(empty log)";
            byte[] buf = new byte[(int) n];
            if (nvrtcGetProgramLog(prog, buf) != Cu.SUCCESS) return "(no log)";
            int len = buf[buf.length - 1] == 0 ? buf.length - 1 : buf.length;
            return new String(buf, 0, len, StandardCharsets.UTF_8).strip();
        }
    }

    private static String safeVersion() {
        try {
            return version();
        } catch (RuntimeException e) {
            return "(version unknown)";
        }
    }

    /** Checks that {@code arch} looks like "sm_XY" and that this NVRTC supports it. */
    private static void requireArch(String arch) {
        int n = parseArch(arch);
        int[] supported = supportedArchs();
        for (int s : supported) if (s == n) return;
        if (supported.length == 0) return; // cannot tell: let NVRTC decide
        throw new CudaException("NVRTC " + safeVersion() + " cannot compile for " + arch + "; it supports sm_"
                + supported[0] + " to sm_" + supported[supported.length - 1]
                + " (a newer CUDA toolkit is needed for this GPU)");
    }

    /** "sm_90" -> 90; anything else -> IllegalArgumentException. */
    static int parseArch(String arch) {
        Matcher m = arch == null ? null : ARCH.matcher(arch);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a real GPU architecture like sm_90, got " + arch);
        }
        return Integer.parseInt(m.group(1));
    }
}
