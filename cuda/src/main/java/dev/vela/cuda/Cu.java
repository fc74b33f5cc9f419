/*
 * Return-code checking for the CUDA driver API and readable names for its error codes.
 */
package dev.vela.cuda;

import java.util.Map;

/**
 * Checks CUDA driver (and NVRTC) return codes.
 *
 * <pre>{@code
 * Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize", "matmul (gemm_f32)");
 * Cu.errorName(700); // "CUDA_ERROR_ILLEGAL_ADDRESS"
 * }</pre>
 *
 * <p>Names and descriptions come from {@code cuGetErrorName}/{@code cuGetErrorString} (and
 * {@code nvrtcGetErrorString}) once the native libraries are loaded; before that (and on machines without
 * CUDA) a built-in table of the common codes is used, so messages can be built anywhere.
 */
public final class Cu {
    /** CUDA_SUCCESS / NVRTC_SUCCESS. */
    public static final int SUCCESS = 0;
    /** CUDA_ERROR_OUT_OF_MEMORY. */
    public static final int ERROR_OUT_OF_MEMORY = 2;
    /** CUDA_ERROR_NOT_FOUND (for example an unknown kernel name). */
    public static final int ERROR_NOT_FOUND = 500;

    private static final Map<Integer, String[]> DRIVER_ERRORS = Map.ofEntries(
            e(0, "CUDA_SUCCESS", "no error"),
            e(1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"),
            e(2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"),
            e(3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"),
            e(4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"),
            e(34, "CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library"),
            e(36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER", "the call requires a newer driver"),
            e(46, "CUDA_ERROR_DEVICE_UNAVAILABLE", "CUDA-capable device(s) is/are busy or unavailable"),
            e(100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"),
            e(101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"),
            e(200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"),
            e(201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"),
            e(209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"),
            e(218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"),
            e(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain"),
            e(400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"),
            e(500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"),
            e(600, "CUDA_ERROR_NOT_READY", "device not ready"),
            e(700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"),
            e(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"),
            e(702, "CUDA_ERROR_LAUNCH_TIMEOUT", "the launch timed out and was terminated"),
            e(710, "CUDA_ERROR_ASSERT", "device-side assert triggered"),
            e(715, "CUDA_ERROR_ILLEGAL_INSTRUCTION", "an illegal instruction was encountered"),
            e(716, "CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address"),
            e(719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"),
            e(801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"),
            e(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "system has unsupported display driver / cuda driver combination"),
            e(999, "CUDA_ERROR_UNKNOWN", "unknown error"));

    private static final String[] NVRTC_ERRORS = {
        "NVRTC_SUCCESS", "NVRTC_ERROR_OUT_OF_MEMORY", "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        "NVRTC_ERROR_INVALID_INPUT", "NVRTC_ERROR_INVALID_PROGRAM", "NVRTC_ERROR_INVALID_OPTION",
        "NVRTC_ERROR_COMPILATION", "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION", "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID", "NVRTC_ERROR_INTERNAL_ERROR", "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
    };

    private Cu() {
    }

    private static Map.Entry<Integer, String[]> e(int code, String name, String text) {
        return Map.entry(code, new String[] {name, text});
    }

    /**
     * Throws a {@link CudaException} naming {@code call}, the error and {@code context} unless
     * {@code rc} is CUDA_SUCCESS (0).
     */
    public static void check(int rc, String call, String context) {
        if (rc != SUCCESS) throw new CudaException(rc, call, context);
    }

    /**
     * True for the errors a kernel fault leaves behind (illegal address, device assert, misaligned address,
     * launch failure...): they are reported by whatever call comes next, and the context stays unusable.
     */
    public static boolean isStickyError(int code) {
        return switch (code) {
            case 700, 702, 710, 714, 715, 716, 717, 718, 719 -> true;
            default -> false;
        };
    }

    /** The CUresult's name, e.g. "CUDA_ERROR_OUT_OF_MEMORY" (cuGetErrorName once the driver is loaded). */
    public static String errorName(int code) {
        if (CudaLibs.nativesLoaded()) {
            try {
                String s = Native.errorName(code);
                if (s != null) return s;
            } catch (Throwable ignored) {
                // fall back to the table
            }
        }
        String[] known = DRIVER_ERRORS.get(code);
        return known != null ? known[0] : "CUDA error " + code;
    }

    /** The CUresult's description, e.g. "out of memory" (cuGetErrorString once the driver is loaded), or null. */
    public static String errorString(int code) {
        if (CudaLibs.nativesLoaded()) {
            try {
                String s = Native.errorString(code);
                if (s != null) return s;
            } catch (Throwable ignored) {
                // fall back to the table
            }
        }
        String[] known = DRIVER_ERRORS.get(code);
        return known != null ? known[1] : null;
    }

    /** The nvrtcResult's name, e.g. "NVRTC_ERROR_COMPILATION" (nvrtcGetErrorString once NVRTC is loaded). */
    public static String nvrtcErrorName(int code) {
        if (CudaLibs.nativesLoaded()) {
            try {
                String s = Native.nvrtcErrorString(code);
                if (s != null) return s;
            } catch (Throwable ignored) {
                // fall back to the table
            }
        }
        return code >= 0 && code < NVRTC_ERRORS.length ? NVRTC_ERRORS[code] : "NVRTC error " + code;
    }

    /** The native look-ups, in their own class so that nothing loads the bindings before CudaLibs has. */
    private static final class Native {
        static String errorName(int code) {
            // the driver points p at a static string: nothing to free
            org.bytedeco.javacpp.BytePointer p = new org.bytedeco.javacpp.BytePointer();
            if (org.bytedeco.cuda.global.cudart.cuGetErrorName(code, p) != SUCCESS || p.isNull()) return null;
            return p.getString();
        }

        static String errorString(int code) {
            org.bytedeco.javacpp.BytePointer p = new org.bytedeco.javacpp.BytePointer();
            if (org.bytedeco.cuda.global.cudart.cuGetErrorString(code, p) != SUCCESS || p.isNull()) return null;
            return p.getString();
        }

        static String nvrtcErrorString(int code) {
            org.bytedeco.javacpp.BytePointer p = org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString(code);
            return p == null || p.isNull() ? null : p.getString();
        }
    }
}
