/*
 * What the CUDA module can tell about itself before any device is opened: whether CUDA can be used, and why not.
 */
package dev.vela.cuda;

/**
 * Facts about CUDA support on this machine, for callers that only want the verdict. The checks themselves
 * (platform, driver and CUDA 13 libraries, Bytedeco's bindings, {@code cuInit}, devices and their compute
 * capability) live in {@link CudaLibs}.
 *
 * <pre>{@code
 * jshell> dev.vela.cuda.CudaSupport.unavailableReason()
 * $1 ==> "no NVIDIA driver: libcuda.so.1 not found (it comes with the NVIDIA driver, ...)"
 * jshell> dev.vela.cuda.CudaSupport.isAvailable()
 * $2 ==> false
 * }</pre>
 */
public final class CudaSupport {

    private CudaSupport() {
    }

    /**
     * Says, for a person, why CUDA cannot be used on this machine.
     *
     * @return null when CUDA is usable, else a one-paragraph explanation (see {@link CudaLibs#unavailableReason()})
     */
    public static String unavailableReason() {
        return CudaLibs.unavailableReason();
    }

    /** True when {@link #unavailableReason()} is null. */
    public static boolean isAvailable() {
        return CudaLibs.unavailableReason() == null;
    }
}
