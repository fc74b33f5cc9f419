/*
 * The pure-Java half of a kernel launch: argument slot kinds, their offsets, serialisation, shape checks.
 */
package dev.vela.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Kernel arguments as they are laid out in native memory for {@code cuLaunchKernel}: each argument gets an
 * 8-byte-aligned slot sized from its Java type: {@link Long} 8 bytes (device pointers, long long, unsigned
 * long long), {@link Integer} 4, {@link Double} 8, {@link Float} 4, {@link LayoutArg} 144. No native code here,
 * so all of it is tested on machines without CUDA.
 */
final class LaunchArgs {
    /** Largest grid x dimension. */
    static final int MAX_GRID_X = Integer.MAX_VALUE;
    /** Largest grid y and z dimensions. */
    static final int MAX_GRID_YZ = 65535;
    /** Most threads in a block (and largest block x and y). */
    static final int MAX_BLOCK_THREADS = 1024;
    /** Largest block z dimension. */
    static final int MAX_BLOCK_Z = 64;

    private LaunchArgs() {
    }

    /** The kinds of kernel argument slots. */
    enum Kind {
        LONG(8, "long"), INT(4, "int"), DOUBLE(8, "double"), FLOAT(4, "float"), LAYOUT(LayoutArg.BYTES, "Layout");

        final int bytes;
        final String cName;

        Kind(int bytes, String cName) {
            this.bytes = bytes;
            this.cName = cName;
        }
    }

    static Kind kindOf(Object arg, int index, String op, String kernel) {
        if (arg instanceof Long) return Kind.LONG;
        if (arg instanceof Integer) return Kind.INT;
        if (arg instanceof Double) return Kind.DOUBLE;
        if (arg instanceof Float) return Kind.FLOAT;
        if (arg instanceof LayoutArg) return Kind.LAYOUT;
        throw new IllegalArgumentException(op + ": argument " + index + " of kernel " + kernel + " is "
                + (arg == null ? "null" : "a " + arg.getClass().getName())
                + "; kernel arguments are Long, Integer, Double, Float or LayoutArg");
    }

    static Kind[] kinds(String op, String kernel, Object[] args) {
        Kind[] k = new Kind[args.length];
        for (int i = 0; i < args.length; i++) k[i] = kindOf(args[i], i, op, kernel);
        return k;
    }

    /** Byte offset of each slot: consecutive, each 8-byte aligned. */
    static int[] offsets(Kind[] kinds) {
        int[] off = new int[kinds.length];
        int at = 0;
        for (int i = 0; i < kinds.length; i++) {
            off[i] = at;
            at += (kinds[i].bytes + 7) & ~7;
        }
        return off;
    }

    /** Total bytes of the slots. */
    static int totalBytes(Kind[] kinds) {
        int at = 0;
        for (Kind k : kinds) at += (k.bytes + 7) & ~7;
        return at;
    }

    /** Writes every argument's value into its slot (little-endian, absolute positions). */
    static void write(ByteBuffer buf, Kind[] kinds, int[] offsets, Object[] args, String op) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < args.length; i++) {
            int at = offsets[i];
            switch (kinds[i]) {
                case LONG -> b.putLong(at, (Long) args[i]);
                case INT -> b.putInt(at, (Integer) args[i]);
                case DOUBLE -> b.putDouble(at, (Double) args[i]);
                case FLOAT -> b.putFloat(at, (Float) args[i]);
                case LAYOUT -> ((LayoutArg) args[i]).writeTo(b, at, op);
            }
        }
    }

    /** "(long, int, Layout)". */
    static String signature(Kind[] kinds) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < kinds.length; i++) sb.append(i == 0 ? "" : ", ").append(kinds[i].cName);
        return sb.append(')').toString();
    }

    /**
     * Checks a launch shape: every grid and block dimension at least 1, grid x up to 2^31-1, grid y and z up
     * to 65535, block x and y up to 1024, block z up to 64, at most 1024 threads a block, shared memory not
     * negative.
     *
     * @throws IllegalArgumentException naming the op, the kernel and the shape
     */
    static void validateLaunch(String op, String kernel, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes) {
        String problem = null;
        if (gx < 1 || gy < 1 || gz < 1) problem = "every grid dimension must be at least 1";
        else if (gy > MAX_GRID_YZ || gz > MAX_GRID_YZ) problem = "grid y and z must be at most " + MAX_GRID_YZ;
        else if (bx < 1 || by < 1 || bz < 1) problem = "every block dimension must be at least 1";
        else if (bx > MAX_BLOCK_THREADS || by > MAX_BLOCK_THREADS || bz > MAX_BLOCK_Z) {
            problem = "block dimensions must be at most (1024, 1024, 64)";
        } else if ((long) bx * by * bz > MAX_BLOCK_THREADS) {
            problem = "a block has " + ((long) bx * by * bz) + " threads, more than " + MAX_BLOCK_THREADS;
        } else if (sharedBytes < 0) problem = "shared memory bytes must not be negative";
        if (problem != null) {
            throw new IllegalArgumentException(op + ": a kernel launch with a shape the kernel cannot handle: kernel "
                    + kernel + ", grid (" + gx + ", " + gy + ", " + gz + "), block (" + bx + ", " + by + ", " + bz
                    + "), shared " + sharedBytes + " bytes: " + problem);
        }
    }

    /** Throws when a later launch passes other argument types than the first. */
    static void requireSameKinds(String op, String kernel, Kind[] first, Kind[] now) {
        if (!Arrays.equals(first, now)) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " was first launched with arguments "
                    + signature(first) + " and now with " + signature(now)
                    + "; a kernel's argument types must not change between launches");
        }
    }
}
