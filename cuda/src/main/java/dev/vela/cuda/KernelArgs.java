/*
 * The native argument block of one kernel: slots allocated once, rewritten in place on every launch.
 */
package dev.vela.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The {@code void** kernelParams} of a kernel: one native block holding every argument slot (laid out by
 * {@link LaunchArgs}) and an array of the slots' addresses. Prepared on a kernel's first launch; later
 * launches only write the new values into the slots ({@code cuLaunchKernel} copies them at launch, so the
 * block can be rewritten straight after). Uses JavaCPP's allocator only, no CUDA, so it is tested anywhere.
 * Not thread-safe: {@link Kernel#launch} is synchronised.
 */
final class KernelArgs {
    private final String kernel;
    private final LaunchArgs.Kind[] kinds;
    private final int[] offsets;
    private final BytePointer slots;
    private final ByteBuffer buffer;
    private final LongPointer params;
    private final PointerPointer<?> paramsView;

    private KernelArgs(String kernel, LaunchArgs.Kind[] kinds) {
        this.kernel = kernel;
        this.kinds = kinds;
        this.offsets = LaunchArgs.offsets(kinds);
        int total = Math.max(8, LaunchArgs.totalBytes(kinds));
        this.slots = new BytePointer(total);
        this.buffer = slots.limit(total).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.capacity() < total) {
            throw new IllegalStateException("kernel " + kernel + ": argument buffer of " + buffer.capacity()
                    + " bytes, expected " + total);
        }
        this.params = new LongPointer(Math.max(1, kinds.length));
        for (int i = 0; i < kinds.length; i++) params.put(i, slots.address() + offsets[i]);
        // the same memory typed as void**: cuLaunchKernel's PointerPointer overload passes it as is (its Pointer
        // overload is @ByPtrPtr, which would pass the address of a copy of the pointer instead)
        this.paramsView = new PointerPointer<>(params);
    }

    /** The argument block for a kernel's argument types, taken from its first launch. */
    static KernelArgs prepare(String op, String kernel, Object[] args) {
        return new KernelArgs(kernel, LaunchArgs.kinds(op, kernel, args));
    }

    /** Writes this launch's values; the argument types must be those of the first launch. */
    void write(String op, Object[] args) {
        LaunchArgs.Kind[] now = LaunchArgs.kinds(op, kernel, args);
        LaunchArgs.requireSameKinds(op, kernel, kinds, now);
        LaunchArgs.write(buffer, kinds, offsets, args, op);
    }

    /** The {@code void**} to pass as kernelParams (null for a kernel without arguments). */
    PointerPointer<?> params() { return kinds.length == 0 ? null : paramsView; }

    /** Address of slot {@code i} (for tests). */
    long slotAddress(int i) { return params.get(i); }

    /** The native slot block (for tests). */
    BytePointer slots() { return slots; }

    int[] offsets() { return offsets.clone(); }

    int count() { return kinds.length; }
}
