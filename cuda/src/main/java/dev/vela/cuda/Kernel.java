/*
 * One kernel function: launch-shape checks, argument slots prepared once, the launch itself.
 */
package dev.vela.cuda;

import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A kernel of a {@link CudaModule}, launched on its context's stream.
 *
 * <p>Arguments are {@link Long} (8 bytes: device pointers, {@code long long}, {@code unsigned long long}),
 * {@link Integer} (4), {@link Double} (8), {@link Float} (4) or {@link LayoutArg} (the 144-byte Layout struct),
 * matching the kernel's C parameters in order and type (KERNELS.md). Kernel argument buffers are prepared
 * once per kernel, not per launch: the first launch allocates a native slot for every argument and the
 * {@code void**} array of their addresses; later launches only write the values into the slots, and must
 * pass the same argument types.
 *
 * <pre>{@code
 * Kernel k = ctx.loadModule("elementwise.cu").kernel("binary_contig_f32");
 * k.launch("add", Kernel.gridSize(n, 256 * 4, 65535 * 8), 1, 1, 256, 1, 1, 0,
 *         BinaryOp.ADD.ordinal(), n, a.ptr(), b.ptr(), out.ptr());
 * }</pre>
 *
 * <p>Launches are asynchronous: an error inside the kernel surfaces at the next synchronisation
 * ({@link CudaContext#synchronize(String)}), which names the last op launched.
 */
public final class Kernel {
    private final CudaModule module;
    private final String name;
    private final CUfunc_st function;
    private final String label;
    private KernelArgs args;

    Kernel(CudaModule module, String name, CUfunc_st function) {
        this.module = module;
        this.name = name;
        this.function = function;
        this.label = name + " (" + module.fileName() + ")";
    }

    /**
     * Launches the kernel on the context's stream.
     *
     * @param op          the op it computes, for messages ("matmul")
     * @param sharedBytes dynamic shared memory per block
     * @param args        the kernel's arguments (see the class comment)
     * @throws IllegalArgumentException for a launch shape the kernel cannot handle, an argument of another type,
     *                                  argument types that differ from the first launch's, or a layout of rank > 8
     * @throws CudaException            when cuLaunchKernel fails
     */
    public synchronized void launch(String op, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                                    Object... args) {
        validateLaunch(op, name, gx, gy, gz, bx, by, bz, sharedBytes);
        if (this.args == null) {
            KernelArgs prepared = KernelArgs.prepare(op, name, args);
            prepared.write(op, args); // may throw (rank > 8) before the slots are kept
            this.args = prepared;
        } else {
            this.args.write(op, args);
        }
        CudaContext ctx = module.context();
        ctx.makeCurrent();
        String previous = ctx.lastOp();
        ctx.recordLaunch(op + " (kernel " + name + ")");
        int rc = cuLaunchKernel(function, gx, gy, gz, bx, by, bz, sharedBytes, ctx.stream(), this.args.params(),
                (PointerPointer<?>) null);
        if (rc != Cu.SUCCESS) {
            throw new CudaException(rc, "cuLaunchKernel", op + ": kernel " + label + " on " + ctx + ", grid ("
                    + gx + ", " + gy + ", " + gz + "), block (" + bx + ", " + by + ", " + bz + "), shared "
                    + sharedBytes + " bytes, arguments " + LaunchArgs.signature(LaunchArgs.kinds(op, name, args))
                    + (Cu.isStickyError(rc) ? "; this is probably an asynchronous error from earlier work on the device "
                    + "(last op launched before: " + previous + "); " + CudaContext.STICKY_NOTE : ""));
        }
    }

    /**
     * Checks a launch shape without launching: every dimension at least 1, grid x up to 2^31-1, grid y and z
     * up to 65535, block x and y up to 1024 and z up to 64, at most 1024 threads a block.
     *
     * @throws IllegalArgumentException naming the op, the kernel and the shape
     */
    public static void validateLaunch(String op, String kernel, int gx, int gy, int gz, int bx, int by, int bz,
                                      int sharedBytes) {
        LaunchArgs.validateLaunch(op, kernel, gx, gy, gz, bx, by, bz, sharedBytes);
    }

    /** {@link #validateLaunch(String, String, int, int, int, int, int, int, int)} without shared memory. */
    public static void validateLaunch(String op, String kernel, int gx, int gy, int gz, int bx, int by, int bz) {
        LaunchArgs.validateLaunch(op, kernel, gx, gy, gz, bx, by, bz, 0);
    }

    /**
     * Blocks for {@code work} items at {@code perBlock} items a block, at least 1 and at most
     * {@code maxBlocks} (grid-stride kernels cover the rest).
     */
    public static int gridSize(long work, long perBlock, int maxBlocks) {
        if (perBlock <= 0 || maxBlocks <= 0) {
            throw new IllegalArgumentException("gridSize: perBlock and maxBlocks must be positive");
        }
        long blocks = work <= 0 ? 1 : (work - 1) / perBlock + 1;
        return (int) Math.max(1, Math.min(blocks, maxBlocks));
    }

    public String name() { return name; }

    public CudaModule module() { return module; }

    @Override
    public String toString() { return "Kernel[" + label + "]"; }
}
