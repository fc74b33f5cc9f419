/*
 * What the CUDA module can tell about itself before the backend exists: why CUDA cannot be used yet.
 */
package dev.vela.cuda;

/**
 * Facts about CUDA support in this build of Vela.
 *
 * <p>The CUDA backend (NVRTC-compiled kernels launched through the driver API) is not built yet;
 * until it is, asking for a CUDA device should explain that instead of silently using the CPU.
 *
 * <pre>{@code
 * jshell> dev.vela.cuda.CudaSupport.unavailableReason()
 * $1 ==> "the CUDA backend is not built yet (issue 6): ..."
 * }</pre>
 */
public final class CudaSupport {

    private CudaSupport() {
    }

    /**
     * Says, for a person, why CUDA cannot be used by this build.
     *
     * @return a non-empty explanation
     */
    public static String unavailableReason() {
        return "the CUDA backend is not built yet (issue 6): this build of Vela computes on the CPU only; "
                + "a later vela-cuda will compile its kernels with NVRTC and needs an NVIDIA driver and CUDA 13";
    }
}
