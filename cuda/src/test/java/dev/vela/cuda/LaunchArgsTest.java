/*
 * Kernel arguments without a GPU: the Layout struct's bytes, slot kinds and offsets, launch-shape checks,
 * and the native argument block (JavaCPP memory only).
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

class LaunchArgsTest {

    @Test
    void layoutIsThe144ByteLittleEndianStruct() {
        LayoutArg l = new LayoutArg(0x0102030405060708L, new long[] {2, 3, 4}, new long[] {12, -4, 0});
        ByteBuffer b = l.toBytes("test");
        assertEquals(144, b.capacity());
        assertEquals(LayoutArg.BYTES, b.capacity());
        // offset at 0, little-endian: lowest byte first
        assertEquals(0x08, b.get(0));
        assertEquals(0x01, b.get(7));
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0102030405060708L, le.getLong(0));
        assertEquals(3, le.getInt(8), "rank at 8");
        assertEquals(0, le.getInt(12), "pad at 12");
        assertEquals(2, le.getLong(16), "shape[0] at 16");
        assertEquals(3, le.getLong(24));
        assertEquals(4, le.getLong(32));
        for (int i = 3; i < 8; i++) assertEquals(0, le.getLong(16 + 8 * i), "unused shape[" + i + "] is 0");
        assertEquals(12, le.getLong(80), "stride[0] at 80");
        assertEquals(-4, le.getLong(88));
        assertEquals(0, le.getLong(96));
        for (int i = 3; i < 8; i++) assertEquals(0, le.getLong(80 + 8 * i), "unused stride[" + i + "] is 0");
        // the byte order of the target buffer does not matter
        ByteBuffer big = ByteBuffer.allocate(200).order(ByteOrder.BIG_ENDIAN);
        l.writeTo(big, 8, "test");
        byte[] a = new byte[144];
        big.get(8, a);
        assertArrayEquals(b.array(), a);
    }

    @Test
    void scalarAndFullRankLayouts() {
        ByteBuffer s = new LayoutArg(5, new long[0], new long[0]).toBytes("t").order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(5, s.getLong(0));
        assertEquals(0, s.getInt(8));
        long[] shape = {1, 2, 3, 4, 5, 6, 7, 8};
        long[] stride = {-1, -2, -3, -4, -5, -6, -7, -8};
        ByteBuffer f = new LayoutArg(0, shape, stride).toBytes("t").order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8, f.getInt(8));
        for (int i = 0; i < 8; i++) {
            assertEquals(shape[i], f.getLong(16 + 8 * i));
            assertEquals(stride[i], f.getLong(80 + 8 * i));
        }
    }

    @Test
    void rankNineIsRejectedNamingTheOp() {
        LayoutArg l = new LayoutArg(0, new long[9], new long[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.toBytes("einsum"));
        assertTrue(e.getMessage().startsWith("einsum:"), e.getMessage());
        assertTrue(e.getMessage().contains("rank 9"), e.getMessage());
        Object[] args = {1L, l};
        LaunchArgs.Kind[] kinds = LaunchArgs.kinds("einsum", "k", args);
        ByteBuffer buf = ByteBuffer.allocate(LaunchArgs.totalBytes(kinds));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> LaunchArgs.write(buf, kinds, LaunchArgs.offsets(kinds), args, "einsum"));
        assertTrue(e2.getMessage().contains("einsum"), e2.getMessage());
    }

    @Test
    void layoutArgChecksAndCopiesItsArrays() {
        assertThrows(IllegalArgumentException.class, () -> new LayoutArg(0, new long[2], new long[3]));
        assertThrows(IllegalArgumentException.class, () -> new LayoutArg(0, null, new long[0]));
        long[] shape = {2, 3};
        LayoutArg l = new LayoutArg(1, shape, new long[] {3, 1});
        shape[0] = 99;
        assertEquals(2, l.shape()[0], "the record keeps its own copy");
        assertEquals(new LayoutArg(1, new long[] {2, 3}, new long[] {3, 1}), l);
        assertEquals(new LayoutArg(1, new long[] {2, 3}, new long[] {3, 1}).hashCode(), l.hashCode());
        assertEquals(l, LayoutArg.of(new int[] {2, 3}, new int[] {3, 1}, 1));
        assertEquals(2, l.rank());
    }

    @Test
    void slotsAreSizedFromTheArgumentTypesAndEightByteAligned() {
        Object[] args = {7, 3L, 2.5, 1.5f, new LayoutArg(0, new long[] {4}, new long[] {1}), 9};
        LaunchArgs.Kind[] k = LaunchArgs.kinds("op", "k", args);
        assertArrayEquals(new LaunchArgs.Kind[] {LaunchArgs.Kind.INT, LaunchArgs.Kind.LONG, LaunchArgs.Kind.DOUBLE,
            LaunchArgs.Kind.FLOAT, LaunchArgs.Kind.LAYOUT, LaunchArgs.Kind.INT}, k);
        assertArrayEquals(new int[] {0, 8, 16, 24, 32, 176}, LaunchArgs.offsets(k));
        assertEquals(184, LaunchArgs.totalBytes(k));
        assertEquals("(int, long, double, float, Layout, int)", LaunchArgs.signature(k));

        ByteBuffer buf = ByteBuffer.allocate(184);
        LaunchArgs.write(buf, k, LaunchArgs.offsets(k), args, "op");
        ByteBuffer le = buf.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(7, le.getInt(0));
        assertEquals(3L, le.getLong(8));
        assertEquals(2.5, le.getDouble(16));
        assertEquals(1.5f, le.getFloat(24));
        assertEquals(0, le.getLong(32));
        assertEquals(1, le.getInt(40));
        assertEquals(4, le.getLong(48));
        assertEquals(1, le.getLong(112));
        assertEquals(9, le.getInt(176));
    }

    @Test
    void unsupportedArgumentTypesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchArgs.kinds("relu", "unary_contig_f32", new Object[] {1, (short) 2}));
        assertTrue(e.getMessage().contains("relu") && e.getMessage().contains("unary_contig_f32")
                && e.getMessage().contains("argument 1") && e.getMessage().contains("java.lang.Short"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchArgs.kinds("relu", "k", new Object[] {null}));
    }

    @Test
    void launchShapesWithinTheLimitsPass() {
        assertDoesNotThrow(() -> Kernel.validateLaunch("op", "k", 1, 1, 1, 1, 1, 1, 0));
        assertDoesNotThrow(() -> Kernel.validateLaunch("op", "k", Integer.MAX_VALUE, 65535, 65535, 1024, 1, 1, 0));
        assertDoesNotThrow(() -> Kernel.validateLaunch("op", "k", 5, 6, 7, 16, 16, 4, 48 * 1024));
        assertDoesNotThrow(() -> Kernel.validateLaunch("op", "k", 5, 6, 7, 1, 1, 64, 0));
    }

    @Test
    void launchShapesOutsideTheLimitsAreRejectedNamingOpAndKernel() {
        int[][] bad = {
            {0, 1, 1, 256, 1, 1, 0},        // empty grid
            {1, 0, 1, 256, 1, 1, 0},
            {1, 1, 0, 256, 1, 1, 0},
            {-5, 1, 1, 256, 1, 1, 0},
            {1, 65536, 1, 256, 1, 1, 0},    // grid y too large
            {1, 1, 65536, 256, 1, 1, 0},    // grid z too large
            {1, 1, 1, 0, 1, 1, 0},          // empty block
            {1, 1, 1, 1025, 1, 1, 0},       // block x too large
            {1, 1, 1, 64, 32, 1, 0},        // 2048 threads
            {1, 1, 1, 1, 1, 65, 0},         // block z too large
            {1, 1, 1, 256, 1, 1, -1},       // negative shared memory
        };
        for (int[] s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Kernel.validateLaunch("matmul", "gemm_f32", s[0], s[1], s[2], s[3], s[4], s[5], s[6]),
                    () -> java.util.Arrays.toString(s));
            String m = e.getMessage();
            assertTrue(m.startsWith("matmul:") && m.contains("gemm_f32")
                    && m.contains("a kernel launch with a shape the kernel cannot handle")
                    && m.contains("grid (" + s[0] + ", " + s[1] + ", " + s[2] + ")")
                    && m.contains("block (" + s[3] + ", " + s[4] + ", " + s[5] + ")"), m);
        }
    }

    @Test
    void gridSizeIsClamped() {
        assertEquals(1, Kernel.gridSize(0, 256, 100));
        assertEquals(1, Kernel.gridSize(256, 256, 100));
        assertEquals(2, Kernel.gridSize(257, 256, 100));
        assertEquals(100, Kernel.gridSize(1L << 40, 256, 100));
        assertEquals(Integer.MAX_VALUE, Kernel.gridSize(Long.MAX_VALUE, 1, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Kernel.gridSize(10, 0, 10));
    }

    @Test
    void nativeArgumentBlockIsPreparedOnceAndRewrittenInPlace() {
        Object[] first = {3, 100L, 0.5, new LayoutArg(2, new long[] {5, 6}, new long[] {6, 1}), 0.25f};
        KernelArgs a = KernelArgs.prepare("op", "k", first);
        a.write("op", first);
        assertEquals(5, a.count());
        BytePointer slots = a.slots();
        int[] off = a.offsets();
        for (int i = 0; i < a.count(); i++) {
            assertEquals(slots.address() + off[i], a.slotAddress(i), "params[" + i + "] points at slot " + i);
            assertEquals(a.slotAddress(i), a.params().get(i).address(), "the void** view holds the same addresses");
        }
        assertTrue(a.params().address() != 0, "params() is the native void** array");
        ByteBuffer native0 = slots.position(0).limit(slots.capacity()).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, native0.getInt(off[0]));
        assertEquals(100L, native0.getLong(off[1]));
        assertEquals(0.5, native0.getDouble(off[2]));
        assertEquals(2, native0.getLong(off[3]));
        assertEquals(2, native0.getInt(off[3] + 8));
        assertEquals(6, native0.getLong(off[3] + 80));
        assertEquals(0.25f, native0.getFloat(off[4]));

        long before = slots.address();
        Object[] second = {4, 200L, 1.5, new LayoutArg(0, new long[] {7}, new long[] {1}), 2f};
        a.write("op", second);
        assertEquals(before, a.slots().address(), "same native block");
        assertEquals(4, native0.getInt(off[0]));
        assertEquals(200L, native0.getLong(off[1]));
        assertEquals(1.5, native0.getDouble(off[2]));
        assertEquals(1, native0.getInt(off[3] + 8));
        assertEquals(0, native0.getLong(off[3] + 24), "the old shape[1] was cleared");
        assertEquals(2f, native0.getFloat(off[4]));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.write("add", new Object[] {4, 200, 1.5, second[3], 2f}));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("(int, long, double, Layout, float)")
                && e.getMessage().contains("(int, int, double, Layout, float)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.write("add", new Object[] {4}));
    }

    @Test
    void kernelWithoutArgumentsPassesNullParams() {
        KernelArgs a = KernelArgs.prepare("op", "k", new Object[0]);
        a.write("op", new Object[0]);
        assertNull(a.params());
    }
}
