// TFRecord framing (length, masked CRC32C of the length, data, masked CRC32C of the data) for event files.
package dev.vela.nn.io;

import java.util.zip.CRC32C;

/**
 * The TFRecord container TensorBoard event files use. One record is
 * <pre>
 *   uint64 length          little-endian
 *   uint32 masked_crc32c(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)
 * </pre>
 * where CRC32C is the Castagnoli CRC ({@link CRC32C}) and the mask, which keeps a CRC of data that itself holds
 * CRCs from being trivially degenerate, is {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8} in 32-bit
 * arithmetic.
 */
final class TfRecord {
    static final int MASK_DELTA = 0xa282ead8;
    /** Bytes a record takes beyond its data: length, its CRC, and the data CRC. */
    static final int OVERHEAD = 8 + 4 + 4;

    private TfRecord() {}

    /** CRC32C (Castagnoli) of {@code b[off, off+len)}. */
    static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static int crc32c(byte[] b) { return crc32c(b, 0, b.length); }

    /** TensorFlow's masking of a CRC stored next to the data it covers. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Inverse of {@link #mask}. */
    static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** The framed record holding {@code data}. */
    static byte[] frame(byte[] data) {
        byte[] out = new byte[OVERHEAD + data.length];
        putLongLE(out, 0, data.length);
        putIntLE(out, 8, mask(crc32c(out, 0, 8)));
        System.arraycopy(data, 0, out, 12, data.length);
        putIntLE(out, 12 + data.length, mask(crc32c(data)));
        return out;
    }

    static void putLongLE(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static void putIntLE(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static long getLongLE(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }

    static int getIntLE(byte[] b, int at) {
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }
}
