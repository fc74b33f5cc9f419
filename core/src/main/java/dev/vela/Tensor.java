// The one tensor type: a strided view onto device storage, with its place on the gradient tape.
package dev.vela;

import dev.vela.spi.BinaryOp;
import dev.vela.spi.ReduceOp;
import dev.vela.spi.Storage;
import dev.vela.spi.UnaryOp;
import dev.vela.spi.View;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array on a device, eager by default, recorded on the gradient tape when it
 * requires grad. Shape ops return views that share storage where the layout allows it.
 * <pre>{@code
 * jshell> Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
 * jshell> Tensor y = a.matmul(a).add(1f).relu().sum();
 * jshell> y.backward(); a.grad()
 * $3 ==> Tensor(shape=(2, 2), dtype=float32, device=cpu)
 * [[ 7., 11.],
 *  [ 9., 13.]]
 * }</pre>
 */
public final class Tensor implements AutoCloseable {
    final Storage storage;
    final Shape shape;
    final int[] strides;
    final long offset;

    boolean requiresGrad;
    Tensor grad;
    Node gradFn;
    List<UnaryOperator<Tensor>> hooks;

    /** Symbolic tensors (those that depend on a placeholder) have no storage: their dtype and recipe live here. */
    final DType symDtype;
    final Sym sym;
    /** Name of a variable or symbolic tensor (null for anonymous eager tensors). */
    String name;
    /** A Keras backend variable: holds a value, but ops on it build graph nodes that read it when they run. */
    boolean variable;
    /** {@link #view()}, made once: storage, shape, strides and offset are final, so it never changes. */
    private View view;
    /** A placeholder (or expression on one) whose shape is only known when it is fed. */
    boolean anyShape;
    /** A K.constant: eager values, but ops on it build graph nodes (folded when compiled). */
    boolean graphLeaf;

    Tensor(Storage storage, Shape shape, int[] strides, long offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.symDtype = null;
        this.sym = null;
    }

    /** A symbolic tensor: shape (possibly with unknown dims), dtype, and the op that will compute it. */
    Tensor(Shape shape, DType dtype, Sym sym) {
        this.storage = null;
        this.shape = shape;
        this.strides = null;
        this.offset = 0;
        this.symDtype = dtype;
        this.sym = sym;
        this.name = sym.name;
    }

    // ============================================================== creation

    /** A float32 vector. */
    public static Tensor of(float[] data) { return fromArray(data, data.length); }

    public static Tensor of(float[][] data) { return ofNested(data, DType.FLOAT32); }

    public static Tensor of(float[][][] data) { return ofNested(data, DType.FLOAT32); }

    /** A float64 vector. */
    public static Tensor of(double[] data) { return fromArray(data, DType.FLOAT64, data.length); }

    public static Tensor of(double[][] data) { return ofNested(data, DType.FLOAT64); }

    public static Tensor of(double[][][] data) { return ofNested(data, DType.FLOAT64); }

    /** An int32 vector. */
    public static Tensor of(int[] data) { return wrap(Device.defaultDevice().backend().fromArray(data), data.length); }

    public static Tensor of(int[][] data) { return ofNested(data, DType.INT32); }

    /** An int64 vector. */
    public static Tensor of(long[] data) { return wrap(Device.defaultDevice().backend().fromArray(data), data.length); }

    /** A bool vector. */
    public static Tensor of(boolean[] data) { return wrap(Device.defaultDevice().backend().fromArray(data), data.length); }

    /**
     * From a (possibly nested) Java array of any depth: float → float32, double → float64, int → int32,
     * long → int64, boolean → bool; a boxed Number gives a float32 scalar. Ragged arrays are rejected.
     */
    public static Tensor of(Object nested) {
        if (nested instanceof Number n) return scalar(n.doubleValue());
        if (nested instanceof Tensor t) return t;
        if (nested == null || !nested.getClass().isArray()) {
            throw new IllegalArgumentException("Tensor.of: expected a Java array or a number, got "
                    + (nested == null ? "null" : nested.getClass().getSimpleName()));
        }
        Class<?> c = nested.getClass();
        while (c.getComponentType() != null) c = c.getComponentType();
        DType t;
        if (c == float.class) t = DType.FLOAT32;
        else if (c == double.class) t = DType.FLOAT64;
        else if (c == int.class) t = DType.INT32;
        else if (c == long.class) t = DType.INT64;
        else if (c == boolean.class) t = DType.BOOL;
        else throw new IllegalArgumentException("Tensor.of: unsupported element type " + c.getSimpleName());
        return ofNested(nested, t);
    }

    private static Tensor ofNested(Object nested, DType t) {
        List<Integer> dims = new ArrayList<>();
        Object cur = nested;
        while (cur != null && cur.getClass().isArray()) {
            int len = Array.getLength(cur);
            dims.add(len);
            if (len == 0) break;
            cur = Array.get(cur, 0);
        }
        // the innermost dimension is the primitive array; drop the boxed element level
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long n = 1;
        for (int d : shape) n *= d;
        double[] flat = new double[(int) n];
        int[] pos = {0};
        flatten(nested, 0, shape, flat, pos, new int[shape.length]);
        return fromArray(flat, t, shape);
    }

    private static void flatten(Object a, int depth, int[] shape, double[] out, int[] pos, int[] path) {
        int len = Array.getLength(a);
        if (len != shape[depth]) {
            throw new IllegalArgumentException("Tensor.of: ragged nested array: length " + len + " at index "
                    + Arrays.toString(Arrays.copyOf(path, depth)) + " but " + shape[depth] + " expected");
        }
        if (depth == shape.length - 1) { // the innermost primitive array: copy without boxing
            int p = pos[0];
            switch (a) {
                case float[] f -> { for (float v : f) out[p++] = v; }
                case double[] d -> { System.arraycopy(d, 0, out, p, d.length); p += d.length; }
                case int[] iv -> { for (int v : iv) out[p++] = v; }
                case long[] lv -> { for (long v : lv) out[p++] = v; }
                case boolean[] bv -> { for (boolean v : bv) out[p++] = v ? 1 : 0; }
                default -> throw new IllegalArgumentException("Tensor.of: unsupported element type " + a.getClass().getSimpleName());
            }
            pos[0] = p;
            return;
        }
        for (int i = 0; i < len; i++) {
            path[depth] = i;
            flatten(Array.get(a, i), depth + 1, shape, out, pos, path);
        }
    }

    private static Tensor wrap(Storage s, int... shape) {
        return new Tensor(s, Shape.of(shape), View.contiguousStrides(shape), 0);
    }

    /** A float32 scalar (shape {@code ()}). */
    public static Tensor scalar(double v) { return scalar(v, DType.FLOAT32); }

    public static Tensor scalar(double v, DType dtype) { return full(dtype, v); }

    /** A float32 tensor of the given shape holding a copy of {@code data} (row-major), on {@link Device#defaultDevice()}. */
    public static Tensor fromArray(float[] data, int... shape) {
        checkCount("fromArray", data.length, shape);
        return wrap(Device.defaultDevice().backend().fromArray(data), shape);
    }

    /** A tensor of {@code dtype} and {@code shape} from row-major values, on {@link Device#defaultDevice()}. */
    public static Tensor fromArray(double[] data, DType dtype, int... shape) {
        checkCount("fromArray", data.length, shape);
        Device dev = Device.defaultDevice();
        if (dev.isCpu()) {
            Tensor src = wrap(Device.CPU.backend().fromArray(data), shape);
            return dtype == DType.FLOAT64 ? src : Kern.cast(src, dtype);
        }
        // another device: convert on the host, then upload once
        Object host = dtype == DType.FLOAT64 ? data
                : Device.CPU.backend().toArray(wrap(Device.CPU.backend().fromArray(data), shape).view(), dtype);
        return wrap(dev.backend().fromArray(host), shape);
    }

    private static void checkCount(String op, long n, int[] shape) {
        long want = Shape.of(shape).size();
        if (want != n) {
            throw new IllegalArgumentException(op + ": " + n + " values cannot fill shape " + Shape.of(shape)
                    + " (" + want + " elements)");
        }
    }

    public static Tensor zeros(int... shape) { return zeros(Vela.floatx(), shape); }

    public static Tensor zeros(DType dtype, int... shape) {
        return Kern.empty(dtype, Shape.of(shape).raw(), Device.defaultDevice());
    }

    public static Tensor ones(int... shape) { return full(Vela.floatx(), 1.0, shape); }

    public static Tensor ones(DType dtype, int... shape) { return full(dtype, 1.0, shape); }

    /** A float32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) { return full(Vela.floatx(), value, shape); }

    public static Tensor full(DType dtype, double value, int... shape) {
        return fullOf(dtype, value, Shape.of(shape).raw());
    }

    /** {@link #full} of valid dimensions that it only reads (for forwards: no copy of a shape per call). */
    static Tensor fullOf(DType dtype, double value, int[] dims) {
        Tensor t = Kern.empty(dtype, dims, Device.defaultDevice());
        if (value != 0) Kern.be(t).fill(t.view(), value);
        return t;
    }

    /** Zeros with t's shape and dtype (symbolic when t is). */
    public static Tensor zerosLike(Tensor t) {
        if (t.isSymbolic()) return Op.apply(new ShapeOps.FillLike(0.0), t);
        return Kern.empty(t.dtype(), t.shape.raw(), t.device());
    }

    /** Ones with t's shape and dtype (symbolic when t is). */
    public static Tensor onesLike(Tensor t) {
        if (t.isSymbolic()) return Op.apply(new ShapeOps.FillLike(1.0), t);
        Tensor o = Kern.empty(t.dtype(), t.shape.raw(), t.device());
        Kern.be(o).fill(o.view(), 1.0);
        return o;
    }

    /** [start, stop) in steps of {@code step}, float32. */
    public static Tensor arange(double start, double stop, double step) {
        if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        int n = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return fromArray(v, Vela.floatx(), n);
    }

    /** 0, 1, ..., n-1 as float32. */
    public static Tensor arange(int n) { return arange(0, n, 1); }

    /** {@code n} evenly spaced values from a to b inclusive. */
    public static Tensor linspace(double a, double b, int n) {
        if (n < 0) throw new IllegalArgumentException("linspace: negative count " + n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        return fromArray(v, Vela.floatx(), n);
    }

    /** The n×n identity. */
    public static Tensor eye(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        return fromArray(v, Vela.floatx(), n, n);
    }

    /** Uniform [0, 1) from the default generator ({@link Vela#seed}). */
    public static Tensor rand(int... shape) { return rand(Generator.defaultGenerator(), shape); }

    public static Tensor rand(Generator g, int... shape) { return g.uniform(Vela.floatx(), 0, 1, shape); }

    /** Standard normal from the default generator. */
    public static Tensor randn(int... shape) { return randn(Generator.defaultGenerator(), shape); }

    public static Tensor randn(Generator g, int... shape) { return g.normal(Vela.floatx(), 0, 1, shape); }

    // ============================================================== info

    public Shape shape() { return shape; }

    public int[] dims() { return shape.dims(); }

    public int rank() { return shape.rank(); }

    public long size() { return shape.size(); }

    public DType dtype() { return storage != null ? storage.dtype() : symDtype; }

    /** The device holding the values; for a symbolic tensor, the device functions run on by default. */
    public Device device() { return storage != null ? storage.device() : Device.defaultDevice(); }

    /** True when this tensor depends on a placeholder: it has no values until a {@code K.function} runs it. */
    public boolean isSymbolic() { return storage == null; }

    /** The name of a variable or symbolic tensor, or null. */
    public String name() { return name; }

    View view() {
        if (storage == null) {
            throw new IllegalStateException("tensor " + sym.displayName() + " is symbolic (it depends on placeholder(s) "
                    + Sym.placeholdersOf(this) + "): it has no values; evaluate it with K.function(...) or K.eval(...)");
        }
        View v = view;
        if (v == null) view = v = new View(storage, shape.raw(), strides, offset); // a benign race: equal values
        return v;
    }

    /**
     * This matrix as a batch of one, [1, rows, cols], with stride 0 on dimensions of size 1 (what matmul's kernels
     * take); made once, like {@link #view()}.
     */
    View matrixView() {
        Derived d = derived();
        View v = d.matrix;
        if (v == null) {
            int[] s = shape.raw();
            if (s.length != 2) throw new IllegalStateException("matrixView of a rank-" + s.length + " tensor");
            view(); // the same check for symbolic tensors
            d.matrix = v = new View(storage, new int[] {1, s[0], s[1]},
                    new int[] {0, s[0] == 1 ? 0 : strides[0], s[1] == 1 ? 0 : strides[1]}, offset);
        }
        return v;
    }

    /** This new contiguous matrix (offset 0) as matmul's product view [1, rows, cols]; made once, like {@link #view()}. */
    View productView() {
        Derived d = derived();
        View v = d.product;
        if (v == null) {
            int[] s = shape.raw();
            if (s.length != 2 || offset != 0 || !isContiguous()) throw new IllegalStateException("productView of " + this);
            d.product = v = new View(storage, new int[] {1, s[0], s[1]}, new int[] {s[0] * s[1], s[1], 1}, 0);
        }
        return v;
    }

    /**
     * Views of this tensor that compiled functions ask for call after call (their operands are mostly the same
     * tensor objects every call: variables, and the arena's tensors). Each entry is one reference that is checked
     * against what it stands for before use (or depends on nothing else), so a race between threads costs at most
     * a miss. The kernel views (matrix, product) are immutable and used at any time; the tensor entries (reshaped,
     * permuted, expanded) only while a compiled function runs, where nothing records on the tensors returned (no
     * autograd), so sharing those objects is not observable beyond identity. Eager code gets fresh tensors.
     */
    private static final class Derived {
        View matrix, product;
        Tensor reshaped, permuted, expanded;
    }

    private Derived derived;

    private Derived derived() {
        Derived d = derived;
        if (d == null) derived = d = new Derived();
        return d;
    }

    /** Whether a compiled function is running on this thread (see {@link Derived}). */
    static boolean compiledRun() { return Arena.CURRENT.get() != null; }

    /** The permutation {@code p} of this tensor's axes, as a view (its last one is kept while a compiled function runs). */
    Tensor permuted(int[] p) {
        boolean compiled = compiledRun();
        if (compiled && derived != null) {
            Tensor c = derived.permuted;
            if (c != null && c.rank() == p.length) {
                boolean same = true;
                for (int i = 0; same && i < p.length; i++) same = c.shape.raw()[i] == shape.raw()[p[i]] && c.strides[i] == strides[p[i]];
                if (same) return c;
            }
        }
        int[] s = new int[p.length], st = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            s[i] = shape.raw()[p[i]];
            st[i] = strides[p[i]];
        }
        Tensor t = new Tensor(storage, Shape.wrap(s), st, offset);
        if (compiled) derived().permuted = t;
        return t;
    }

    /** This tensor broadcast to {@code to} as a view (its last one is kept while a compiled function runs). */
    Tensor expandedTo(int[] to) {
        boolean compiled = compiledRun();
        if (compiled && derived != null) {
            Tensor c = derived.expanded; // its strides follow from this tensor and the shape
            if (c != null && Arrays.equals(c.shape.raw(), to)) return c;
        }
        View v = Kern.broadcastView(this, to);
        Tensor t = new Tensor(storage, Shape.wrap(to.clone()), v.strides(), v.offset());
        if (compiled) derived().expanded = t;
        return t;
    }

    /** A contiguous tensor reinterpreted with another shape (same storage, nothing recorded). */
    Tensor viewAs(int[] newShape) {
        Tensor c = Kern.contiguous(this);
        // while a compiled function runs the tensor keeps the view it was last reshaped to (see Derived)
        boolean compiled = compiledRun() && c == this;
        if (compiled && derived != null) {
            Tensor v = derived.reshaped;
            if (v != null && Arrays.equals(v.shape.raw(), newShape)) return v;
        }
        Tensor v = new Tensor(c.storage, Shape.wrap(newShape.clone()), View.contiguousStrides(newShape), c.offset);
        if (compiled) derived().reshaped = v;
        return v;
    }

    /** Whether the elements are row-major without gaps. */
    public boolean isContiguous() { return storage != null && view().isContiguous(); }

    /** The value of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item: only a one-element tensor has an item, this one has shape " + shape);
        }
        return Kern.be(this).get(storage, offset);
    }

    /** Element at {@code index} (one index per dimension, negative counts from the end). */
    public double getDouble(int... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("getDouble: " + index.length + " indices for a tensor of rank " + rank());
        }
        long off = offset;
        for (int i = 0; i < index.length; i++) {
            int d = shape.raw()[i];
            int k = index[i] < 0 ? index[i] + d : index[i];
            if (k < 0 || k >= d) {
                throw new IndexOutOfBoundsException("getDouble: index " + index[i] + " is out of range for dimension "
                        + i + " of size " + d + " (shape " + shape + ")");
            }
            off += (long) k * strides[i];
        }
        return Kern.be(this).get(storage, off);
    }

    public float[] toFloatArray() { return (float[]) Kern.be(this).toArray(view(), DType.FLOAT32); }

    public double[] toDoubleArray() { return (double[]) Kern.be(this).toArray(view(), DType.FLOAT64); }

    public int[] toIntArray() { return (int[]) Kern.be(this).toArray(view(), DType.INT32); }

    public long[] toLongArray() { return (long[]) Kern.be(this).toArray(view(), DType.INT64); }

    public boolean[] toBooleanArray() { return (boolean[]) Kern.be(this).toArray(view(), DType.BOOL); }

    /** A contiguous tensor with the same values (this one when it is already contiguous). */
    public Tensor contiguous() {
        return !isSymbolic() && isContiguous() ? this : Op.apply(new ShapeOps.Contiguous(), this);
    }

    /** A new tensor with a copy of the values (recorded: the copy's gradient flows back). */
    public Tensor copy() { return Op.apply(new ShapeOps.Contiguous(true), this); }

    /** This tensor converted to {@code dtype} (itself when it already has it). Casts to float types are differentiable. */
    public Tensor to(DType dtype) { return dtype == dtype() ? this : Op.apply(new ElementwiseOps.Cast(dtype), this); }

    /** This tensor on {@code device} (itself when it is already there). */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        return Op.apply(new ElementwiseOps.ToDevice(device), this);
    }

    // ============================================================== autograd

    /** Marks a leaf tensor as a parameter whose gradient backward accumulates. Returns this. */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null && !flag) {
            throw new IllegalStateException("requiresGrad: this tensor is the result of op '" + gradFn.op.name()
                    + "'; use detach() to get a tensor that does not require grad");
        }
        if (flag && !dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad: only float tensors can require grad, this one is " + dtype());
        }
        requiresGrad = flag;
        return this;
    }

    public boolean requiresGrad() { return requiresGrad; }

    /** The accumulated gradient, or null before any backward reached this tensor. */
    public Tensor grad() { return grad; }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() { grad = null; }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() { return gradFn == null; }

    /** Backpropagates from a one-element tensor (implicit upstream 1) and frees the graph. */
    public void backward() { Autograd.backward(this, null, false); }

    /** Backpropagates {@code upstream} (same shape as this tensor) and frees the graph. */
    public void backward(Tensor upstream) { Autograd.backward(this, upstream, false); }

    public void backward(Tensor upstream, boolean retainGraph) { Autograd.backward(this, upstream, retainGraph); }

    /** The same values, cut from the graph (shares storage); for a symbolic tensor, a stop-gradient node. */
    public Tensor detach() {
        if (isSymbolic()) return Op.apply(new ShapeOps.StopGradient(), this);
        return new Tensor(storage, shape, strides, offset);
    }

    /** Calls {@code hook} with this tensor's gradient during backward; a non-null result replaces it. */
    public Tensor registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: the tensor (shape " + shape + ") does not require grad");
        }
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
        return this;
    }

    /**
     * Releases this tensor's device buffer now (for CUDA tensors: back to the caching allocator) rather than
     * when the garbage collector finds it unreachable. Views share the buffer, so they are closed too; using
     * any of them afterwards throws. On the CPU this does nothing. Usable in try-with-resources:
     * <pre>{@code
     * try (Tensor t = Tensor.randn(4096, 4096).to(Device.cuda(0))) { ... }
     * }</pre>
     */
    @Override
    public void close() {
        if (storage != null) storage.close();
    }

    /** The storage's in-place modification count. */
    public int version() { return storage.version(); }

    /** True for {@code K.variable}s. */
    public boolean isVariable() { return variable; }

    /** A copy of a variable's (or any eager tensor's) current value, as a plain tensor. */
    public Tensor getValue() {
        if (isSymbolic()) return K.eval(this);
        return copyValues();
    }

    /** A fresh contiguous copy of the values, outside any graph. */
    Tensor copyValues() {
        Tensor out = Kern.empty(dtype(), shape.raw(), device());
        Kern.be(this).copy(view(), out.view());
        return out;
    }

    /**
     * Replaces a variable's value with a copy of {@code value} (a Tensor or a Java array of the same shape).
     * A different shape is rejected and the variable is left unchanged.
     */
    public Tensor setValue(Object value) {
        Tensor v = value instanceof Tensor t ? t : Tensor.of(value);
        if (v.isSymbolic()) throw new IllegalArgumentException("setValue: the new value is symbolic; use K.eval first");
        if (!v.shape().equals(shape)) {
            throw new IllegalArgumentException("setValue: variable " + (name == null ? "" : "'" + name + "' ") + "has shape "
                    + shape + " but the new value has shape " + v.shape() + "; the variable is unchanged");
        }
        try (var ng = Autograd.noGrad()) {
            return copyFrom(v);
        }
    }

    // ============================================================== elementwise

    private Tensor u(UnaryOp op) { return Op.apply(new ElementwiseOps.Unary(op, 0, 0), this); }

    private Tensor u(UnaryOp op, double p0, double p1) { return Op.apply(new ElementwiseOps.Unary(op, p0, p1), this); }

    public Tensor neg() { return u(UnaryOp.NEG); }
    public Tensor abs() { return u(UnaryOp.ABS); }
    public Tensor exp() { return u(UnaryOp.EXP); }
    public Tensor log() { return u(UnaryOp.LOG); }
    public Tensor sqrt() { return u(UnaryOp.SQRT); }
    public Tensor square() { return u(UnaryOp.SQUARE); }
    public Tensor sigmoid() { return u(UnaryOp.SIGMOID); }
    public Tensor tanh() { return u(UnaryOp.TANH); }
    public Tensor relu() { return u(UnaryOp.RELU); }
    public Tensor sin() { return u(UnaryOp.SIN); }
    public Tensor cos() { return u(UnaryOp.COS); }
    public Tensor sign() { return u(UnaryOp.SIGN); }
    public Tensor reciprocal() { return u(UnaryOp.RECIPROCAL); }
    public Tensor floor() { return u(UnaryOp.FLOOR); }
    public Tensor ceil() { return u(UnaryOp.CEIL); }
    /** Round half to even. */
    public Tensor round() { return u(UnaryOp.ROUND); }
    public Tensor log1p() { return u(UnaryOp.LOG1P); }
    public Tensor expm1() { return u(UnaryOp.EXPM1); }
    /** log(1 + exp(x)), stable. */
    public Tensor softplus() { return u(UnaryOp.SOFTPLUS); }
    /** x / (1 + |x|). */
    public Tensor softsign() { return u(UnaryOp.SOFTSIGN); }
    public Tensor elu() { return elu(1.0); }
    public Tensor elu(double alpha) { return u(UnaryOp.ELU, alpha, 0); }
    /** Scaled ELU with the constants of Klambauer et al. */
    public Tensor selu() { return u(UnaryOp.SELU, 1.0507009873554804934193349852946, 1.6732632423543772848170429916717); }
    /** Keras's clip(0.2x + 0.5, 0, 1). */
    public Tensor hardSigmoid() { return u(UnaryOp.HARD_SIGMOID); }
    public Tensor leakyRelu(double alpha) { return u(UnaryOp.LEAKY_RELU, alpha, 0); }
    /** Values limited to [min, max]; NaN stays NaN. */
    public Tensor clip(double min, double max) {
        if (min > max) throw new IllegalArgumentException("clip: min " + min + " > max " + max);
        return u(UnaryOp.CLIP, min, max);
    }
    public Tensor pow(double exponent) { return u(UnaryOp.POW, exponent, 0); }
    /**
     * Zero where |x| is below the smallest normal number (flush-to-zero). Arithmetic on subnormal floats is
     * many times slower on most CPUs; optimizers apply this to state that decays geometrically.
     */
    public Tensor flushSubnormal() { return u(UnaryOp.FLUSH_SUBNORMAL); }

    /** x * scale + shift in one pass. */
    public Tensor affine(double scale, double shift) { return u(UnaryOp.AFFINE, scale, shift); }

    /**
     * Keras's relu with options: {@code alpha} slope below {@code threshold}, capped at {@code maxValue}
     * (NaN for no cap).
     */
    public Tensor relu(double alpha, double maxValue, double threshold) {
        Tensor x = this;
        Tensor r;
        if (alpha == 0 && threshold == 0) r = x.relu();
        else {
            Tensor above = x.gt(threshold);
            Tensor neg = threshold == 0 ? x.mul(alpha) : x.sub(threshold).mul(alpha);
            r = where(above, x, alpha == 0 ? zerosLike(x) : neg);
        }
        return Double.isNaN(maxValue) ? r : r.minimum(scalarLike(maxValue));
    }

    private Tensor scalarLike(double v) { return Tensor.full(dtype(), v); }

    private Tensor b(BinaryOp op, Tensor o) { return Op.apply(new ElementwiseOps.Binary(op), this, o); }

    private Tensor b(BinaryOp op, double v) { return b(op, scalarOperand(v)); }

    /** A scalar that adopts this tensor's dtype (Python-number semantics). */
    private Tensor scalarOperand(double v) {
        DType t = dtype().isFloating() ? dtype() : (v == Math.rint(v) && dtype() != DType.BOOL ? dtype() : DType.FLOAT32);
        return full(t, v);
    }

    public Tensor add(Tensor o) { return b(BinaryOp.ADD, o); }
    public Tensor add(double v) { return b(BinaryOp.ADD, v); }
    public Tensor sub(Tensor o) { return b(BinaryOp.SUB, o); }
    public Tensor sub(double v) { return b(BinaryOp.SUB, v); }
    /** v - this. */
    public Tensor rsub(double v) { return scalarOperand(v).sub(this); }
    public Tensor mul(Tensor o) { return b(BinaryOp.MUL, o); }
    public Tensor mul(double v) { return b(BinaryOp.MUL, v); }
    /** True division; integer operands give float32. */
    public Tensor div(Tensor o) {
        if (!dtype().isFloating() && !o.dtype().isFloating()) return to(Vela.floatx()).div(o.to(Vela.floatx()));
        return b(BinaryOp.DIV, o);
    }
    public Tensor div(double v) { return dtype().isFloating() ? b(BinaryOp.DIV, v) : to(Vela.floatx()).div(v); }
    /** v / this. */
    public Tensor rdiv(double v) { return scalarOperand(v).div(this); }
    public Tensor maximum(Tensor o) { return b(BinaryOp.MAX, o); }
    public Tensor maximum(double v) { return b(BinaryOp.MAX, v); }
    public Tensor minimum(Tensor o) { return b(BinaryOp.MIN, o); }
    public Tensor minimum(double v) { return b(BinaryOp.MIN, v); }
    public Tensor pow(Tensor o) { return b(BinaryOp.POW, o); }

    public Tensor eq(Tensor o) { return b(BinaryOp.EQ, o); }
    public Tensor eq(double v) { return b(BinaryOp.EQ, v); }
    public Tensor ne(Tensor o) { return b(BinaryOp.NE, o); }
    public Tensor ne(double v) { return b(BinaryOp.NE, v); }
    public Tensor lt(Tensor o) { return b(BinaryOp.LT, o); }
    public Tensor lt(double v) { return b(BinaryOp.LT, v); }
    public Tensor le(Tensor o) { return b(BinaryOp.LE, o); }
    public Tensor le(double v) { return b(BinaryOp.LE, v); }
    public Tensor gt(Tensor o) { return b(BinaryOp.GT, o); }
    public Tensor gt(double v) { return b(BinaryOp.GT, v); }
    public Tensor ge(Tensor o) { return b(BinaryOp.GE, o); }
    public Tensor ge(double v) { return b(BinaryOp.GE, v); }
    public Tensor logicalAnd(Tensor o) { return b(BinaryOp.AND, o); }
    public Tensor logicalOr(Tensor o) { return b(BinaryOp.OR, o); }
    public Tensor logicalNot() { return b(BinaryOp.EQ, 0.0); }

    /** Elementwise {@code cond ? a : b} with broadcasting; {@code cond} is any dtype (non-zero is true). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Op.apply(new ElementwiseOps.Where(), cond, a, b); }

    // ============================================================== reductions

    private int[] allAxes() {
        int[] a = new int[rank()];
        for (int i = 0; i < a.length; i++) a[i] = i;
        return a;
    }

    int[] normAxes(int[] axes, String op) {
        boolean[] seen = new boolean[rank()];
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Shape.normAxis(axes[i], rank(), op);
            if (seen[a]) throw new IllegalArgumentException(op + ": axis " + axes[i] + " is repeated in " + Arrays.toString(axes));
            seen[a] = true;
            r[i] = a;
        }
        Arrays.sort(r);
        return r;
    }

    private Tensor red(ReduceOp op, String name, int[] axes, boolean keepdims) {
        if (anyShape) return Op.apply(new ReduceOps.Reduce(op, name, axes.length == 0 ? null : axes.clone(), keepdims), this);
        if (!dtype().isFloating() && (op == ReduceOp.SUM || op == ReduceOp.PROD)) {
            return to(DType.FLOAT64).red(op, name, axes, keepdims).to(dtype() == DType.BOOL ? DType.INT64 : dtype());
        }
        return Op.apply(new ReduceOps.Reduce(op, name, normAxes(axes, name), keepdims), this);
    }

    public Tensor sum() { return red(ReduceOp.SUM, "sum", allAxes(), false); }
    public Tensor sum(int axis, boolean keepdims) { return red(ReduceOp.SUM, "sum", new int[] {axis}, keepdims); }
    public Tensor sum(int[] axes, boolean keepdims) { return red(ReduceOp.SUM, "sum", axes, keepdims); }
    public Tensor prod() { return red(ReduceOp.PROD, "prod", allAxes(), false); }
    public Tensor prod(int axis, boolean keepdims) { return red(ReduceOp.PROD, "prod", new int[] {axis}, keepdims); }
    public Tensor prod(int[] axes, boolean keepdims) { return red(ReduceOp.PROD, "prod", axes, keepdims); }
    public Tensor max() { return red(ReduceOp.MAX, "max", allAxes(), false); }
    public Tensor max(int axis, boolean keepdims) { return red(ReduceOp.MAX, "max", new int[] {axis}, keepdims); }
    public Tensor max(int[] axes, boolean keepdims) { return red(ReduceOp.MAX, "max", axes, keepdims); }
    public Tensor min() { return red(ReduceOp.MIN, "min", allAxes(), false); }
    public Tensor min(int axis, boolean keepdims) { return red(ReduceOp.MIN, "min", new int[] {axis}, keepdims); }
    public Tensor min(int[] axes, boolean keepdims) { return red(ReduceOp.MIN, "min", axes, keepdims); }

    public Tensor mean() { return mean(allAxes(), false); }
    public Tensor mean(int axis, boolean keepdims) { return mean(new int[] {axis}, keepdims); }
    public Tensor mean(int[] axes, boolean keepdims) {
        if (anyShape) return sum(axes, keepdims).div(Op.apply(new ShapeOps.SizeOf(axes.length == 0 ? null : axes.clone()), this));
        int[] ax = normAxes(axes, "mean");
        long n = 1;
        for (int a : ax) n = shape.raw()[a] < 0 || n < 0 ? -1 : n * shape.raw()[a];
        Tensor x = dtype().isFloating() ? this : to(Vela.floatx());
        if (n < 0) return x.sum(ax, keepdims).div(Op.apply(new ShapeOps.SizeOf(ax), x)); // counted when it runs
        return x.sum(ax, keepdims).div((double) n);
    }

    /** Population variance (ddof 0). */
    public Tensor var() { return var(allAxes(), false); }
    public Tensor var(int axis, boolean keepdims) { return var(new int[] {axis}, keepdims); }
    public Tensor var(int[] axes, boolean keepdims) {
        int[] ax = normAxes(axes, "var");
        Tensor x = dtype().isFloating() ? this : to(Vela.floatx());
        Tensor d = x.sub(x.mean(ax, true));
        return d.square().mean(ax, keepdims);
    }

    /** Population standard deviation (ddof 0). */
    public Tensor std() { return std(allAxes(), false); }
    public Tensor std(int axis, boolean keepdims) { return std(new int[] {axis}, keepdims); }
    public Tensor std(int[] axes, boolean keepdims) { return var(axes, keepdims).sqrt(); }

    /** log(sum(exp(x))), computed stably. */
    public Tensor logsumexp() { return logsumexp(allAxes(), false); }
    public Tensor logsumexp(int axis, boolean keepdims) { return logsumexp(new int[] {axis}, keepdims); }
    public Tensor logsumexp(int[] axes, boolean keepdims) {
        return Op.apply(new ReduceOps.LogSumExp(normAxes(axes, "logsumexp"), keepdims), this);
    }

    /** Index of the largest value along {@code axis} (first on ties), int64. */
    public Tensor argmax(int axis) { return Op.apply(new ReduceOps.ArgReduce(true, Shape.normAxis(axis, rank(), "argmax")), this); }

    public Tensor argmin(int axis) { return Op.apply(new ReduceOps.ArgReduce(false, Shape.normAxis(axis, rank(), "argmin")), this); }

    // ============================================================== linear algebra

    /** NumPy matmul: 2-D product, batched with broadcasting over leading dims, matrix-vector, vector-matrix. */
    public Tensor matmul(Tensor o) { return LinalgOps.matmul(this, o); }

    /** Keras/Theano dot: matmul up to 2-D; above, contracts this's last axis with {@code o}'s second-to-last. */
    public Tensor dot(Tensor o) { return LinalgOps.dot(this, o); }

    // ============================================================== shape ops

    /** The same elements in another shape (one dimension may be -1); a view when the layout allows. */
    public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }

    /** Collapses to one dimension. */
    public Tensor flatten() { return reshape(-1); }

    /** Reverses the axes (the matrix transpose for 2-D). */
    public Tensor transpose() {
        int[] p = new int[rank()];
        for (int i = 0; i < p.length; i++) p[i] = p.length - 1 - i;
        return permute(p);
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        int[] p = allAxes();
        int x = Shape.normAxis(a, rank(), "transpose"), y = Shape.normAxis(b, rank(), "transpose");
        p[x] = y;
        p[y] = x;
        return permute(p);
    }

    /** Reorders the axes: result axis i is this tensor's axis {@code axes[i]}. A view. */
    public Tensor permute(int... axes) { return ShapeOps.permute(this, axes); }

    /** NumPy-style {@code x[begin:end:step]} on every axis (positive steps). A view. */
    public Tensor slice(int[] begin, int[] end, int[] step) { return ShapeOps.slice(this, begin, end, step); }

    /** {@code x[..., start:end, ...]} on one axis. A view. */
    public Tensor slice(int axis, int start, int end) {
        int a = Shape.normAxis(axis, rank(), "slice");
        int[] b = new int[rank()], e = new int[rank()], s = new int[rank()];
        Arrays.fill(e, Integer.MAX_VALUE); // other axes whole, even when their size is not known yet
        Arrays.fill(s, 1);
        b[a] = start;
        e[a] = end;
        return slice(b, e, s);
    }

    /** Inserts a dimension of size 1 at {@code axis} (rank+1 positions; negative counts from the end). */
    public Tensor expandDims(int axis) {
        return Op.apply(new ShapeOps.AxisOp(true, Shape.normAxis(axis, rank() + 1, "expandDims")), this);
    }

    /** Removes dimension {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) {
        return Op.apply(new ShapeOps.AxisOp(false, Shape.normAxis(axis, rank(), "squeeze")), this);
    }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        return reshape(Arrays.stream(shape.raw()).filter(d -> d != 1).toArray());
    }

    /** A broadcast view with the given shape (NumPy broadcast_to). */
    public Tensor expand(int... newShape) { return ShapeOps.expand(this, newShape); }

    /** Repeats the whole tensor {@code reps[i]} times along axis i. */
    public Tensor tile(int... reps) { return ShapeOps.tile(this, reps); }

    /** Repeats each element {@code rep} times along {@code axis} (Keras repeat_elements). */
    public Tensor repeatElements(int rep, int axis) { return ShapeOps.repeatElements(this, rep, axis); }

    /** Slices along {@code axis} at the int32/int64 {@code indices}. */
    public Tensor gather(Tensor indices, int axis) { return ShapeOps.gather(this, indices, axis); }

    public static Tensor concatenate(List<Tensor> tensors, int axis) { return ShapeOps.concatenate(tensors, axis); }

    public static Tensor stack(List<Tensor> tensors, int axis) { return ShapeOps.stack(tensors, axis); }

    /** One-hot float32 rows for integer class ids (any numeric dtype holding whole numbers). */
    public static Tensor oneHot(Tensor indices, int numClasses) { return ShapeOps.oneHot(indices, numClasses); }

    // ============================================================== activations over an axis

    /** exp(x) / sum(exp(x)) along {@code axis}, stable for large logits. */
    public Tensor softmax(int axis) { return Op.apply(new ReduceOps.Softmax(Shape.normAxis(axis, rank(), "softmax"), false), this); }

    /** x - logsumexp(x) along {@code axis}, stable for large logits. */
    public Tensor logSoftmax(int axis) { return Op.apply(new ReduceOps.Softmax(Shape.normAxis(axis, rank(), "logSoftmax"), true), this); }

    /** x / sqrt(max(sum(x^2, axis), 1e-12)), as Keras's l2_normalize. */
    public Tensor l2Normalize(int axis) {
        int a = Shape.normAxis(axis, rank(), "l2Normalize");
        return div(square().sum(a, true).maximum(1e-12).sqrt());
    }

    // ============================================================== in place

    private void checkInPlace(String op, Tensor src) {
        if (Autograd.isGradEnabled() && (requiresGrad || (src != null && src.requiresGrad))) {
            throw new IllegalStateException(op + ": in-place update of a tensor taking part in autograd (shape " + shape
                    + "); do it inside Autograd.noGrad()");
        }
    }

    private Tensor assignResult(String op, Tensor result) {
        if (!result.shape().equals(shape)) {
            throw new IllegalArgumentException(op + ": the result has shape " + result.shape()
                    + " but the target has shape " + shape + "; the target is unchanged");
        }
        Kern.be(this).copy(Kern.cast(result, dtype()).view(), view());
        storage.bumpVersion();
        return this;
    }

    /** this += o (o broadcasts to this shape). Returns this. */
    public Tensor addInPlace(Tensor o) {
        checkInPlace("addInPlace", o);
        return assignResult("addInPlace", Kern.binary(BinaryOp.ADD, this, o, "addInPlace"));
    }

    public Tensor subInPlace(Tensor o) {
        checkInPlace("subInPlace", o);
        return assignResult("subInPlace", Kern.binary(BinaryOp.SUB, this, o, "subInPlace"));
    }

    public Tensor mulInPlace(double v) {
        checkInPlace("mulInPlace", null);
        return assignResult("mulInPlace", Kern.binary(BinaryOp.MUL, this, scalarOperand(v), "mulInPlace"));
    }

    public Tensor mulInPlace(Tensor o) {
        checkInPlace("mulInPlace", o);
        return assignResult("mulInPlace", Kern.binary(BinaryOp.MUL, this, o, "mulInPlace"));
    }

    public Tensor fill(double v) {
        checkInPlace("fill", null);
        Kern.be(this).fill(view(), v);
        storage.bumpVersion();
        return this;
    }

    /** Copies {@code src}'s values (broadcast to this shape, converted to this dtype) into this tensor. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom", src);
        Shape s = Shape.broadcast(shape, src.shape(), "copyFrom");
        if (!s.equals(shape)) {
            throw new IllegalArgumentException("copyFrom: source shape " + src.shape() + " does not broadcast to "
                    + shape + "; the target is unchanged");
        }
        Tensor c = Kern.cast(src, dtype());
        Kern.be(this).copy(Kern.broadcastView(c, shape.raw()), view());
        storage.bumpVersion();
        return this;
    }

    // ============================================================== printing

    /** NumPy-like text with a header naming shape, dtype and device; large tensors are summarised. */
    @Override
    public String toString() {
        if (isSymbolic()) {
            return "Tensor(\"" + sym.name + "\", shape=" + shape.toString().replace("None", "?") + ", dtype=" + dtype() + ")";
        }
        return TensorFormat.format(this);
    }
}
