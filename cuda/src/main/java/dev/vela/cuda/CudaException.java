/*
 * The one exception type for failed CUDA driver and NVRTC calls.
 */
package dev.vela.cuda;

/**
 * A CUDA driver or NVRTC call failed. The message names the call, the error's name and description, and
 * what Vela was doing (the op and kernel, the file being compiled...).
 *
 * <pre>{@code
 * try {
 *     Cu.check(cuMemAlloc(ptr, bytes), "cuMemAlloc", "allocating 4096 bytes on cuda:0");
 * } catch (CudaException e) {
 *     e.code();       // 2
 *     e.getMessage(); // "cuMemAlloc failed with CUDA_ERROR_OUT_OF_MEMORY (2): out of memory; allocating 4096 bytes on cuda:0"
 * }
 * }</pre>
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String call;

    /** An error that did not come from a CUDA return code; {@link #code()} is -1. */
    public CudaException(String message) {
        super(message);
        this.code = -1;
        this.call = null;
    }

    /**
     * A failed call: {@code code} is the CUresult (or nvrtcResult when {@code call} starts with "nvrtc"),
     * {@code call} the function's name, {@code context} what it was done for (may be null).
     */
    public CudaException(int code, String call, String context) {
        super(format(code, call, context));
        this.code = code;
        this.call = call;
    }

    /** The CUDA (or NVRTC) error code, or -1 when the exception did not come from a return code. */
    public int code() { return code; }

    /** The failed call's name, or null. */
    public String call() { return call; }

    private static String withCode(String name, int code) {
        return name.endsWith(" " + code) ? name : name + " (" + code + ")";
    }

    static String format(int code, String call, String context) {
        boolean nvrtc = call != null && call.startsWith("nvrtc");
        StringBuilder sb = new StringBuilder();
        sb.append(call == null ? "a CUDA call" : call).append(" failed with ");
        if (nvrtc) {
            sb.append(withCode(Cu.nvrtcErrorName(code), code));
        } else {
            String name = Cu.errorName(code);
            String text = Cu.errorString(code);
            sb.append(withCode(name, code));
            if (text != null && !text.isBlank() && !text.equals(name)) sb.append(": ").append(text);
        }
        if (context != null && !context.isBlank()) sb.append("; ").append(context);
        return sb.toString();
    }
}
