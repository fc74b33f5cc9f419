/*
 * One loaded CUBIN (one kernel source file) and its kernels.
 */
package dev.vela.cuda;

import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;

/**
 * A compiled kernel file loaded into a {@link CudaContext} ({@code cuModuleLoadData}); get it with
 * {@link CudaContext#loadModule}. Kernels are looked up once and cached.
 *
 * <pre>{@code
 * CudaModule m = CudaContext.get(0).loadModule("elementwise.cu");
 * Kernel k = m.kernel("unary_contig_f32");
 * }</pre>
 */
public final class CudaModule {
    private final CudaContext context;
    private final String fileName;
    private final CUmod_st module;
    private final Map<String, Kernel> kernels = new ConcurrentHashMap<>();

    CudaModule(CudaContext context, String fileName, CUmod_st module) {
        this.context = context;
        this.fileName = fileName;
        this.module = module;
    }

    /**
     * The kernel {@code name} ({@code extern "C"}, so its plain name).
     *
     * @throws CudaException naming the module and the kernel when the module has no such kernel
     */
    public Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        return k != null ? k : kernels.computeIfAbsent(name, this::lookUp);
    }

    private Kernel lookUp(String name) {
        context.makeCurrent();
        CUfunc_st fn = new CUfunc_st();
        int rc = cuModuleGetFunction(fn, module, name);
        if (rc != Cu.SUCCESS) {
            throw new CudaException(rc, "cuModuleGetFunction", "module " + fileName + " on " + context
                    + " has no kernel '" + name + "'");
        }
        return new Kernel(this, name, fn);
    }

    /** The kernel source file this module was compiled from, e.g. "elementwise.cu". */
    public String fileName() { return fileName; }

    public CudaContext context() { return context; }

    @Override
    public String toString() { return "CudaModule[" + fileName + " on " + context + "]"; }
}
