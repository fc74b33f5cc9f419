// The CUDA backend: the kernel SPI mapped onto Vela's own NVRTC-compiled kernels (see cuda/KERNELS.md).
package dev.vela.cuda;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.spi.Backend;
import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.Storage;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every kernel of the {@link Backend} SPI on one CUDA device. Work is queued on the context's stream and
 * the host waits only when it reads values ({@link #toArray}, {@link #get}, {@link #synchronize}). Views are
 * passed to the kernels as {@code Layout} structs after merging dimensions that are contiguous in every
 * operand, so most strided cases run with rank 1 or 2 index math; fully contiguous operands take the
 * vectorised kernels.
 *
 * <p>Index checks of gather and indexAdd run on the device: the kernel records the first bad index in a
 * small device buffer, which the backend reads right after the launch (one 24-byte copy), so a bad index
 * throws from the op that used it, with the same message as on the CPU.
 */
public final class CudaBackend implements Backend {
    /** Threads per block for the elementwise and index kernels. */
    static final int BLOCK = 256;

    private final CudaContext ctx;
    private final Device device;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final AtomicLong created = new AtomicLong();
    private CachingAllocator.Block errBuffer;

    CudaBackend(CudaContext ctx) {
        this.ctx = ctx;
        this.device = Device.cuda(ctx.device());
    }

    CudaContext context() { return ctx; }

    @Override public Device device() { return device; }

    @Override public long allocationCount() { return created.get(); }

    // ------------------------------------------------------------------ plumbing

    private static String file(String kernel) {
        if (kernel.startsWith("unary_") || kernel.startsWith("binary_") || kernel.startsWith("copy_")
                || kernel.startsWith("fill_") || kernel.startsWith("where_")) return "elementwise.cu";
        if (kernel.startsWith("reduce_") || kernel.startsWith("argreduce_") || kernel.startsWith("softmax_")) return "reduce.cu";
        if (kernel.startsWith("gemm")) return "matmul.cu";
        if (kernel.startsWith("gather_") || kernel.startsWith("index_add_")) return "index.cu";
        if (kernel.startsWith("patches_") || kernel.startsWith("unpatches_")) return "conv.cu";
        if (kernel.startsWith("random_")) return "random.cu";
        throw new IllegalArgumentException("cuda: no kernel file holds '" + kernel + "'");
    }

    private Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) {
            k = ctx.loadModule(file(name)).kernel(name);
            kernels.put(name, k);
        }
        return k;
    }

    /** The kernel-name suffix of a dtype (see KERNELS.md). */
    static String sfx(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
            case INT64 -> "i64";
            case BOOL -> "u8";
        };
    }

    private static CudaStorage cs(View v) {
        if (!(v.storage() instanceof CudaStorage s)) {
            throw new IllegalArgumentException("cuda: expected a tensor on a CUDA device, got one on " + v.storage().device());
        }
        return s;
    }

    /** A one-dimensional grid for n elements handled `perThread` at a time by blocks of BLOCK threads. */
    private int grid(long n, int perThread) {
        long blocks = (n + (long) BLOCK * perThread - 1) / ((long) BLOCK * perThread);
        long cap = (long) ctx.smCount() * 32;
        return (int) Math.max(1, Math.min(blocks, cap));
    }

    /** Blocks for a grid-stride kernel: at least 1, at most what keeps every SM busy many times over. */
    private int capGrid(long blocks) {
        return (int) Math.max(1, Math.min(blocks, (long) ctx.smCount() * 64));
    }

    private void launch1d(String op, String kernel, long n, int perThread, Object... args) {
        ctx.makeCurrent();
        kernel(kernel).launch(op, grid(n, perThread), 1, 1, BLOCK, 1, 1, 0, args);
    }

    /** Dimensions merged across operands that share a shape; size-1 dimensions dropped. */
    record Merged(long[] shape, long[][] strides) {
        LayoutArg layout(int operand, long offset) { return new LayoutArg(offset, shape, strides[operand]); }
    }

    static Merged merge(int[] shape, int[]... strides) {
        List<Long> sh = new ArrayList<>();
        List<long[]> st = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            long[] s = new long[strides.length];
            for (int o = 0; o < strides.length; o++) s[o] = strides[o][d];
            if (!sh.isEmpty()) {
                int last = sh.size() - 1;
                long[] prev = st.get(last);
                boolean mergeable = true;
                for (int o = 0; o < strides.length; o++) {
                    if (prev[o] != s[o] * shape[d]) { mergeable = false; break; }
                }
                if (mergeable) {
                    sh.set(last, sh.get(last) * shape[d]);
                    st.set(last, s);
                    continue;
                }
            }
            sh.add((long) shape[d]);
            st.add(s);
        }
        long[] outShape = new long[sh.size()];
        long[][] outStrides = new long[strides.length][sh.size()];
        for (int d = 0; d < sh.size(); d++) {
            outShape[d] = sh.get(d);
            for (int o = 0; o < strides.length; o++) outStrides[o][d] = st.get(d)[o];
        }
        if (outShape.length > LayoutArg.MAX_RANK) {
            throw new IllegalArgumentException("cuda: a view of rank " + outShape.length + " after merging dimensions "
                    + java.util.Arrays.toString(shape) + " exceeds the kernels' limit of " + LayoutArg.MAX_RANK);
        }
        return new Merged(outShape, outStrides);
    }

    private CudaStorage newStorage(DType dtype, long size, boolean zero) {
        long bytes = size * dtype.byteSize();
        ctx.makeCurrent();
        CachingAllocator.Block b = ctx.allocator().allocate(bytes);
        if (zero && bytes > 0) ctx.memsetZero(b.ptr(), bytes);
        created.incrementAndGet();
        return new CudaStorage(this, dtype, size, b);
    }

    /** A contiguous temporary holding v's elements as {@code as}. */
    private View contiguousCopy(View v, DType as) {
        CudaStorage tmp = newStorage(as, v.size(), false);
        View c = new View(tmp, v.shape(), View.contiguousStrides(v.shape()), 0);
        copy(v, c);
        return c;
    }

    private View contiguous(View v) { return v.isContiguous() ? v : contiguousCopy(v, v.storage().dtype()); }

    private static void release(View tmp, View original) {
        if (tmp != original) tmp.storage().close();
    }

    // ------------------------------------------------------------------ buffers

    @Override
    public synchronized Storage allocate(DType dtype, long size) {
        if (size < 0) throw new IllegalArgumentException("cuda: cannot allocate " + size + " elements of " + dtype);
        return newStorage(dtype, size, true);
    }

    @Override
    public synchronized Storage fromArray(Object a) {
        Object src = a;
        DType t;
        long n;
        switch (a) {
            case float[] f -> { t = DType.FLOAT32; n = f.length; }
            case double[] d -> { t = DType.FLOAT64; n = d.length; }
            case int[] i -> { t = DType.INT32; n = i.length; }
            case long[] l -> { t = DType.INT64; n = l.length; }
            case boolean[] b -> {
                byte[] bytes = new byte[b.length];
                for (int i = 0; i < b.length; i++) bytes[i] = (byte) (b[i] ? 1 : 0);
                src = bytes;
                t = DType.BOOL;
                n = b.length;
            }
            default -> throw new IllegalArgumentException("fromArray: unsupported array type " + a.getClass().getSimpleName());
        }
        CudaStorage s = newStorage(t, n, false);
        if (n > 0) ctx.copyToDevice(src, 0, n, s.ptr());
        return s;
    }

    @Override
    public synchronized Object toArray(View v, DType as) {
        View c = v.isContiguous() && v.storage().dtype() == as ? v : contiguousCopy(v, as);
        try {
            Object host = ctx.copyToHost(cs(c).ptr(c.offset()), as, c.size()); // an empty array when size is 0
            if (as == DType.BOOL) {
                byte[] b = (byte[]) host;
                boolean[] r = new boolean[b.length];
                for (int i = 0; i < b.length; i++) r[i] = b[i] != 0;
                return r;
            }
            return host;
        } finally {
            release(c, v);
        }
    }

    @Override
    public synchronized double get(Storage s, long index) {
        CudaStorage c = (CudaStorage) s;
        Object one = ctx.copyToHost(c.ptr(index), c.dtype(), 1);
        return switch (one) {
            case float[] f -> f[0];
            case double[] d -> d[0];
            case int[] i -> i[0];
            case long[] l -> l[0];
            case byte[] b -> b[0];
            default -> throw new IllegalStateException("cuda: unexpected host array " + one.getClass());
        };
    }

    /** Waits for all queued work; an asynchronous kernel fault surfaces here naming the last op launched. */
    public synchronized void synchronize() {
        ctx.makeCurrent();
        ctx.synchronize(ctx.lastOp());
    }

    // ------------------------------------------------------------------ copy / fill / elementwise

    @Override
    public synchronized void copy(View src, View dst) {
        long n = dst.size();
        if (n == 0) return;
        CudaStorage s = cs(src), d = cs(dst);
        DType st = s.dtype(), dt = d.dtype();
        if (src.isContiguous() && dst.isContiguous()) {
            if (st == dt) {
                ctx.makeCurrent();
                ctx.copyDeviceToDevice(d.ptr(dst.offset()), s.ptr(src.offset()), n * st.byteSize());
            } else {
                launch1d("copy", "copy_contig_" + sfx(st) + "_" + sfx(dt), n, 4, n, s.ptr(src.offset()), d.ptr(dst.offset()));
            }
            return;
        }
        Merged m = merge(dst.shape(), src.strides(), dst.strides());
        launch1d("copy", "copy_strided_" + sfx(st) + "_" + sfx(dt), n, 1,
                n, s.ptr(), m.layout(0, src.offset()), d.ptr(), m.layout(1, dst.offset()));
    }

    @Override
    public synchronized void fill(View dst, double value) {
        long n = dst.size();
        if (n == 0) return;
        CudaStorage d = cs(dst);
        String t = sfx(d.dtype());
        if (dst.isContiguous()) {
            launch1d("fill", "fill_contig_" + t, n, 4, n, value, d.ptr(dst.offset()));
        } else {
            Merged m = merge(dst.shape(), dst.strides());
            launch1d("fill", "fill_strided_" + t, n, 1, n, value, d.ptr(), m.layout(0, dst.offset()));
        }
    }

    @Override
    public synchronized void unary(UnaryOp op, double p0, double p1, View x, View out) {
        long n = out.size();
        if (n == 0) return;
        CudaStorage xs = cs(x), os = cs(out);
        View xv = x;
        if (xs.dtype() != os.dtype()) xv = contiguousCopy(x, os.dtype());
        try {
            String t = sfx(os.dtype());
            String name = "unary:" + op.name().toLowerCase(java.util.Locale.ROOT);
            if (xv.isContiguous() && out.isContiguous()) {
                launch1d(name, "unary_contig_" + t, n, 4, op.ordinal(), p0, p1, n, cs(xv).ptr(xv.offset()), os.ptr(out.offset()));
            } else {
                Merged m = merge(out.shape(), xv.strides(), out.strides());
                launch1d(name, "unary_strided_" + t, n, 1, op.ordinal(), p0, p1, n,
                        cs(xv).ptr(), m.layout(0, xv.offset()), os.ptr(), m.layout(1, out.offset()));
            }
        } finally {
            release(xv, x);
        }
    }

    @Override
    public synchronized void binary(BinaryOp op, View a, View b, View out) {
        long n = out.size();
        if (n == 0) return;
        CudaStorage as = cs(a), bs = cs(b), os = cs(out);
        DType t = as.dtype();
        View bv = bs.dtype() == t ? b : contiguousCopy(b, t);
        View ov = out;
        boolean boolOut = os.dtype() == DType.BOOL && t != DType.BOOL;
        if (os.dtype() != t && !boolOut) ov = newView(t, out.shape()); // computed in t, converted below
        try {
            String name = "binary:" + op.name().toLowerCase(java.util.Locale.ROOT);
            String k = "binary_" + "%s" + "_" + sfx(t) + (boolOut ? "_u8" : "");
            CudaStorage ovs = cs(ov);
            if (a.isContiguous() && bv.isContiguous() && ov.isContiguous()) {
                launch1d(name, k.formatted("contig"), n, 4, op.ordinal(), n,
                        as.ptr(a.offset()), cs(bv).ptr(bv.offset()), ovs.ptr(ov.offset()));
            } else {
                Merged m = merge(out.shape(), a.strides(), bv.strides(), ov.strides());
                launch1d(name, k.formatted("strided"), n, 1, op.ordinal(), n,
                        as.ptr(), m.layout(0, a.offset()), cs(bv).ptr(), m.layout(1, bv.offset()),
                        ovs.ptr(), m.layout(2, ov.offset()));
            }
            if (ov != out) copy(ov, out);
        } finally {
            release(bv, b);
            release(ov, out);
        }
    }

    private View newView(DType t, int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return new View(newStorage(t, n, false), shape, View.contiguousStrides(shape), 0);
    }

    @Override
    public synchronized void where(View cond, View a, View b, View out) {
        long n = out.size();
        if (n == 0) return;
        View c = cs(cond).dtype() == DType.BOOL ? cond : contiguousCopy(cond, DType.BOOL);
        try {
            Merged m = merge(out.shape(), c.strides(), a.strides(), b.strides(), out.strides());
            launch1d("where", "where_" + sfx(cs(out).dtype()), n, 1, n,
                    cs(c).ptr(), m.layout(0, c.offset()), cs(a).ptr(), m.layout(1, a.offset()),
                    cs(b).ptr(), m.layout(2, b.offset()), cs(out).ptr(), m.layout(3, out.offset()));
        } finally {
            release(c, cond);
        }
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public synchronized void reduce(ReduceOp op, View x, int[] axes, View out) {
        CudaStorage xs = cs(x), os = cs(out);
        DType t = os.dtype();
        View xv = xs.dtype() == t ? x : contiguousCopy(x, t);
        try {
            int r = xv.rank();
            boolean[] red = new boolean[r];
            for (int a : axes) red[a] = true;
            List<Integer> keptDims = new ArrayList<>(), redDims = new ArrayList<>();
            for (int i = 0; i < r; i++) (red[i] ? redDims : keptDims).add(i);
            int[] kShape = pick(xv.shape(), keptDims), kStr = pick(xv.strides(), keptDims);
            int[] rShape = pick(xv.shape(), redDims), rStr = pick(xv.strides(), redDims);
            long outer = prod(kShape), inner = prod(rShape);
            if (outer == 0) return;
            Merged mk = merge(kShape, kStr), mr = merge(rShape, rStr);
            LayoutArg lk = mk.layout(0, xv.offset()), lr = mr.layout(0, 0);
            String name = "reduce:" + op.name().toLowerCase(java.util.Locale.ROOT);
            long outPtr = os.ptr(out.offset());
            boolean keptInnermostContiguous = mk.shape().length > 0 && mk.strides()[0][mk.shape().length - 1] == 1
                    && (mr.shape().length == 0 || mr.strides()[0][mr.shape().length - 1] != 1);
            if (keptInnermostContiguous || inner <= 8) {
                // inner >= 64: a block folds 32 kept indices with its 8 warps; else one thread per kept index
                long blocks = inner >= 64 ? (outer + 31) / 32 : (outer + BLOCK - 1) / BLOCK;
                ctx.makeCurrent();
                kernel("reduce_cols_" + sfx(t)).launch(name, capGrid(blocks), 1, 1, BLOCK, 1, 1, 0,
                        op.ordinal(), outer, inner, cs(xv).ptr(), lk, lr, outPtr);
                return;
            }
            long nchunks = 1;
            if (outer < 2L * ctx.smCount() && inner > 16384) {
                nchunks = Math.min((inner + 4095) / 4096, (4L * ctx.smCount() + outer - 1) / outer);
            }
            if (nchunks <= 1) {
                rows(name, t, op, outer, inner, inner, cs(xv).ptr(), lk, lr, outPtr);
                return;
            }
            long chunk = (inner + nchunks - 1) / nchunks;
            nchunks = (inner + chunk - 1) / chunk;
            View partial = newView(t, new int[] {(int) (outer * nchunks)});
            try {
                rows(name, t, op, outer, inner, chunk, cs(xv).ptr(), lk, lr, cs(partial).ptr());
                LayoutArg pk = new LayoutArg(0, new long[] {outer}, new long[] {nchunks});
                LayoutArg pr = new LayoutArg(0, new long[] {nchunks}, new long[] {1});
                rows(name, t, op, outer, nchunks, nchunks, cs(partial).ptr(), pk, pr, outPtr);
            } finally {
                partial.storage().close();
            }
        } finally {
            release(xv, x);
        }
    }

    private void rows(String name, DType t, ReduceOp op, long outer, long inner, long chunk, long x,
                      LayoutArg lk, LayoutArg lr, long out) {
        long c = Math.max(1, Math.min(chunk, inner));
        long outputs = outer * ((inner + c - 1) / c);
        // runs of at most 2048 elements: one warp per output (8 per block); longer runs: one block per output
        long blocks = c <= 2048 ? (outputs + 7) / 8 : outputs;
        ctx.makeCurrent();
        kernel("reduce_rows_" + sfx(t)).launch(name, capGrid(blocks), 1, 1, BLOCK, 1, 1, 0, op.ordinal(), outer, inner, c, x, lk, lr, out);
    }

    private static int[] pick(int[] a, List<Integer> idx) {
        int[] r = new int[idx.size()];
        for (int i = 0; i < r.length; i++) r[i] = a[idx.get(i)];
        return r;
    }

    private static long prod(int[] a) {
        long n = 1;
        for (int v : a) n *= v;
        return n;
    }

    @Override
    public synchronized boolean softmaxLastAxis(View x, boolean log, View out) {
        CudaStorage xs = cs(x), os = cs(out);
        DType t = os.dtype();
        if (xs.dtype() != t || !t.isFloating() || !x.isContiguous() || !out.isContiguous() || x.rank() == 0) return false;
        long cols = x.shape()[x.rank() - 1];
        long rows = cols == 0 ? 0 : x.size() / cols;
        if (rows == 0) return true;
        ctx.makeCurrent();
        String name = log ? "logSoftmax" : "softmax";
        if (cols <= 1024) {
            int grid = capGrid((rows + 7) / 8);
            kernel("softmax_warp_" + sfx(t)).launch(name, grid, 1, 1, BLOCK, 1, 1, 0, log ? 1 : 0, rows, cols, xs.ptr(x.offset()), os.ptr(out.offset()));
        } else {
            int grid = capGrid(rows);
            kernel("softmax_block_" + sfx(t)).launch(name, grid, 1, 1, BLOCK, 1, 1, 0, log ? 1 : 0, rows, cols, xs.ptr(x.offset()), os.ptr(out.offset()));
        }
        return true;
    }

    @Override
    public synchronized void argReduce(boolean max, View x, int axis, View out) {
        CudaStorage os = cs(out);
        View xv = cs(x).dtype() == DType.BOOL ? contiguousCopy(x, DType.INT32) : x;
        try {
            int r = xv.rank();
            if (r == 0) {
                fill(out, 0);
                return;
            }
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < r; i++) if (i != axis) kept.add(i);
            int[] kShape = pick(xv.shape(), kept), kStr = pick(xv.strides(), kept);
            long outer = prod(kShape);
            if (outer == 0) return;
            Merged mk = merge(kShape, kStr);
            long len = xv.shape()[axis];
            long stride = xv.strides()[axis];
            // a contiguous axis of 32 or more: one warp per output; else one thread per output
            long blocks = Math.abs(stride) == 1 && len >= 32 ? (outer + 7) / 8 : (outer + BLOCK - 1) / BLOCK;
            ctx.makeCurrent();
            kernel("argreduce_" + sfx(cs(xv).dtype())).launch(max ? "argmax" : "argmin", capGrid(blocks), 1, 1, BLOCK, 1, 1, 0,
                    max ? 1 : 0, outer, len, cs(xv).ptr(), mk.layout(0, xv.offset()), stride, os.ptr(out.offset()));
        } finally {
            release(xv, x);
        }
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public synchronized void matmul(View a, View b, View out) {
        int batch = a.shape()[0], m = a.shape()[1], k = a.shape()[2], n = b.shape()[2];
        if (batch == 0 || m == 0 || n == 0) return;
        CudaStorage as = cs(a), bs = cs(b), os = cs(out);
        DType t = os.dtype();
        if (t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new IllegalArgumentException("matmul: cuda supports float32 and float64, got " + t);
        }
        String kname;
        int tile;
        if (t == DType.FLOAT64) {
            kname = "gemm_f64";
            tile = 64;
        } else {
            long tiles128 = (long) ((m + 127) / 128) * ((n + 127) / 128) * batch;
            boolean small = tiles128 < ctx.smCount();
            kname = small ? "gemm64_f32" : "gemm_f32";
            tile = small ? 64 : 128;
        }
        ctx.makeCurrent();
        Kernel kern = kernel(kname);
        int gx = (n + tile - 1) / tile, gy = (m + tile - 1) / tile;
        for (int z0 = 0; z0 < batch; z0 += 65535) {
            int nb = Math.min(65535, batch - z0);
            long ao = a.offset() + (long) z0 * a.strides()[0];
            long bo = b.offset() + (long) z0 * b.strides()[0];
            long co = out.offset() + (long) z0 * out.strides()[0];
            kern.launch("matmul", gx, gy, nb, BLOCK, 1, 1, 0, m, n, k,
                    as.ptr(ao), (long) a.strides()[0], (long) a.strides()[1], (long) a.strides()[2],
                    bs.ptr(bo), (long) b.strides()[0], (long) b.strides()[1], (long) b.strides()[2],
                    os.ptr(co), (long) out.strides()[0], (long) out.strides()[1], (long) out.strides()[2]);
        }
    }

    // ------------------------------------------------------------------ gather / scatter

    private long[] outerInner(int[] shape, int axis) {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        return new long[] {outer, inner};
    }

    private long errPtr() {
        if (errBuffer == null) {
            ctx.makeCurrent();
            errBuffer = ctx.allocator().allocate(3 * Long.BYTES);
            ctx.memsetZero(errBuffer.ptr(), 3 * Long.BYTES);
        }
        return errBuffer.ptr();
    }

    /** Reads the device-side index check of the op just launched and throws as the CPU backend does. */
    private void checkIndices(String op, long len) {
        long[] err = (long[]) ctx.copyToHost(errBuffer.ptr(), DType.INT64, 3);
        if (err[0] != 0) {
            ctx.memsetZero(errBuffer.ptr(), 3 * Long.BYTES);
            throw new IndexOutOfBoundsException(op + ": index " + err[2] + " at position " + err[1]
                    + " is out of range for a dimension of size " + len + " (checked on " + device + ")");
        }
    }

    @Override
    public synchronized void gather(View x, View index, int axis, View out) {
        CudaStorage os = cs(out);
        long[] oi = outerInner(x.shape(), axis);
        long len = x.shape()[axis];
        long nidx = index.size();
        View xc = contiguous(x);
        View ic = cs(index).dtype() == DType.INT64 && index.isContiguous() ? index : contiguousCopy(index, DType.INT64);
        try {
            long n = oi[0] * nidx * oi[1];
            long err = errPtr();
            if (nidx == 0) return;
            // the kernel checks every index even when there is nothing to copy (outer or inner 0)
            launch1d("gather", "gather_" + sfx(os.dtype()), Math.max(n, nidx), 1, oi[0], nidx, oi[1], len,
                    cs(xc).ptr(xc.offset()), cs(ic).ptr(ic.offset()), os.ptr(out.offset()), err);
            checkIndices("gather", len);
        } finally {
            release(xc, x);
            release(ic, index);
        }
    }

    @Override
    public synchronized void indexAdd(View src, View index, int axis, View out) {
        CudaStorage os = cs(out);
        long[] oi = outerInner(out.shape(), axis);
        long len = out.shape()[axis];
        long nidx = index.size();
        if (nidx == 0) return;
        View sc = cs(src).dtype() == os.dtype() ? contiguous(src) : contiguousCopy(src, os.dtype());
        View ic = cs(index).dtype() == DType.INT64 && index.isContiguous() ? index : contiguousCopy(index, DType.INT64);
        try {
            long n = Math.max(oi[0] * nidx * oi[1], nidx);
            launch1d("indexAdd", "index_add_" + sfx(os.dtype()), n, 1, oi[0], nidx, oi[1], len,
                    cs(sc).ptr(sc.offset()), cs(ic).ptr(ic.offset()), os.ptr(out.offset()), errPtr());
            checkIndices("indexAdd", len);
        } finally {
            release(sc, src);
            release(ic, index);
        }
    }

    // ------------------------------------------------------------------ convolution helpers

    @Override
    public synchronized void patches(View x, int kh, int kw, int sh, int sw, int padTop, int padLeft, double padValue, View out) {
        long n = out.size();
        if (n == 0) return;
        View xc = cs(x).dtype() == cs(out).dtype() ? contiguous(x) : contiguousCopy(x, cs(out).dtype());
        try {
            int[] s = x.shape();
            launch1d("patches", "patches_" + sfx(cs(out).dtype()), n, 1, s[0], s[1], s[2], s[3], kh, kw, sh, sw, padTop, padLeft,
                    out.shape()[1], out.shape()[2], padValue, cs(xc).ptr(xc.offset()), cs(out).ptr(out.offset()));
        } finally {
            release(xc, x);
        }
    }

    @Override
    public synchronized void unpatches(View cols, int kh, int kw, int sh, int sw, int padTop, int padLeft, View out) {
        long n = out.size();
        if (n == 0) return;
        View cc = cs(cols).dtype() == cs(out).dtype() ? contiguous(cols) : contiguousCopy(cols, cs(out).dtype());
        try {
            int[] s = out.shape();
            launch1d("unpatches", "unpatches_" + sfx(cs(out).dtype()), n, 1, s[0], s[1], s[2], s[3], kh, kw, sh, sw, padTop, padLeft,
                    cols.shape()[1], cols.shape()[2], cs(cc).ptr(cc.offset()), cs(out).ptr(out.offset()));
        } finally {
            release(cc, cols);
        }
    }

    // ------------------------------------------------------------------ random

    @Override
    public synchronized void randomUniform(View out, long seed, long counter, double low, double high) {
        random(out, "random_uniform_", seed, counter, low, high);
    }

    @Override
    public synchronized void randomNormal(View out, long seed, long counter, double mean, double std) {
        random(out, "random_normal_", seed, counter, mean, std);
    }

    private void random(View out, String kernel, long seed, long counter, double p0, double p1) {
        long n = out.size();
        if (n == 0) return;
        DType t = cs(out).dtype();
        View target = t.isFloating() && out.isContiguous() ? out : newView(DType.FLOAT64, out.shape());
        try {
            DType tt = cs(target).dtype();
            launch1d("random", kernel + sfx(tt), n, 1, n, seed, counter, p0, p1, cs(target).ptr(target.offset()));
            if (target != out) copy(target, out);
        } finally {
            release(target, out);
        }
    }

    // ------------------------------------------------------------------ memory

    /** The caching allocator's counters (bytes in use, reserved from the driver, peak). */
    public CachingAllocator.Stats memoryStats() { return ctx.allocator().stats(); }

    /** Returns every cached, unused block to the driver. */
    public synchronized void emptyCache() {
        synchronize();
        ctx.allocator().emptyCache();
    }

    /** Device buffers currently alive (not closed and not yet cleaned). */
    public int liveBuffers() { return ctx.allocator().liveBlocks() - (errBuffer == null ? 0 : 1); }

    @Override
    public String toString() { return "CudaBackend(" + device + ", " + ctx.name() + ")"; }
}
