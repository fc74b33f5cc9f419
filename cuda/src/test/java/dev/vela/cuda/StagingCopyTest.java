/*
 * The host half of CudaContext's staging copies, without a GPU: Java arrays to and from the little-endian
 * staging bytes, element sizes, range checks.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class StagingCopyTest {
    private static ByteBuffer staging() { return ByteBuffer.allocateDirect(1024); }

    @Test
    void everyArrayTypeRoundTripsThroughTheStagingBytes() {
        ByteBuffer s = staging();
        float[] f = {1.5f, -2f, Float.NaN, 7f};
        CudaContext.fillStaging(s, f, 1, 3);
        float[] fb = new float[5];
        CudaContext.drainStaging(s, fb, 2, 3);
        assertArrayEquals(new float[] {0, 0, -2f, Float.NaN, 7f}, fb);

        double[] d = {Math.PI, -0.0, 1e300};
        CudaContext.fillStaging(s, d, 0, 3);
        double[] db = new double[3];
        CudaContext.drainStaging(s, db, 0, 3);
        assertArrayEquals(d, db);

        int[] i = {Integer.MIN_VALUE, 0, 42};
        CudaContext.fillStaging(s, i, 0, 3);
        int[] ib = new int[3];
        CudaContext.drainStaging(s, ib, 0, 3);
        assertArrayEquals(i, ib);

        long[] l = {Long.MAX_VALUE, -1, 5};
        CudaContext.fillStaging(s, l, 1, 2);
        long[] lb = new long[2];
        CudaContext.drainStaging(s, lb, 0, 2);
        assertArrayEquals(new long[] {-1, 5}, lb);

        byte[] b = {0, 1, 1, 0};
        CudaContext.fillStaging(s, b, 0, 4);
        byte[] bb = new byte[4];
        CudaContext.drainStaging(s, bb, 0, 4);
        assertArrayEquals(b, bb);
    }

    @Test
    void stagingBytesAreLittleEndianAsTheDeviceReadsThem() {
        ByteBuffer s = staging().order(ByteOrder.BIG_ENDIAN); // the buffer's own order does not matter
        CudaContext.fillStaging(s, new int[] {0x01020304}, 0, 1);
        assertEquals(0x04, s.get(0));
        assertEquals(0x01, s.get(3));
        CudaContext.fillStaging(s, new float[] {1f}, 0, 1);
        assertEquals(Float.floatToIntBits(1f), s.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void booleansAreBytesZeroOrOne() {
        ByteBuffer s = staging();
        CudaContext.fillStaging(s, new boolean[] {true, false, true}, 0, 3);
        assertEquals(1, s.get(0));
        assertEquals(0, s.get(1));
        assertEquals(1, s.get(2));
        s.put(1, (byte) 7); // any nonzero byte reads as true
        boolean[] back = new boolean[3];
        CudaContext.drainStaging(s, back, 0, 3);
        assertArrayEquals(new boolean[] {true, true, true}, back);
    }

    @Test
    void elementSizesAndRanges() {
        assertEquals(4, CudaContext.elementBytes(new float[0]));
        assertEquals(8, CudaContext.elementBytes(new double[0]));
        assertEquals(4, CudaContext.elementBytes(new int[0]));
        assertEquals(8, CudaContext.elementBytes(new long[0]));
        assertEquals(1, CudaContext.elementBytes(new byte[0]));
        assertEquals(1, CudaContext.elementBytes(new boolean[0]));
        assertThrows(IllegalArgumentException.class, () -> CudaContext.elementBytes(new short[0]));
        assertThrows(IllegalArgumentException.class, () -> CudaContext.elementBytes("text"));
        assertThrows(NullPointerException.class, () -> CudaContext.elementBytes(null));
        assertDoesNotThrow(() -> CudaContext.checkRange(new float[4], 0, 4));
        assertDoesNotThrow(() -> CudaContext.checkRange(new float[4], 4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> CudaContext.checkRange(new float[4], 1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> CudaContext.checkRange(new float[4], -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> CudaContext.checkRange(new float[4], 0, -1));
    }

    @Test
    void stagingHoldsWholeChunksOfEveryType() {
        assertEquals(0, CudaContext.STAGING_BYTES % 8, "chunks of 8-byte elements fill it exactly");
        assertEquals(8 << 20, CudaContext.STAGING_BYTES);
    }
}
