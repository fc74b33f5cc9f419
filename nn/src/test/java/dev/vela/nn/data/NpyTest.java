/*
 * Tests Npy: round trips for every dtype and rank, byte-identical output to NumPy's np.save, reading byte
 * sequences NumPy wrote (C and Fortran order, big-endian, uint8, bool, 0-d) and one written by hand, truncated and
 * malformed files, and .npz archives (stored and deflated).
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

class NpyTest {
    @TempDir
    Path tmp;

    // Bytes written by NumPy 2 (np.save to a BytesIO), as hex.
    /** np.arange(6, dtype='<f4').reshape(2, 3) / 4 */
    static final String NP_F32 = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803e0000003f0000403f0000803f0000a03f";
    /** np.array([1, -2, 3], dtype='<i8') */
    static final String NP_I64 = "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100000000000000feffffffffffffff0300000000000000";
    /** np.array([True, False, True]) */
    static final String NP_BOOL = "934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a010001";
    /** np.array(2.5) */
    static final String NP_SCALAR = "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000440";
    /** np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)) */
    static final String NP_FORTRAN = "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000300000001000000040000000200000005000000";
    /** np.array([1.5, -2.0], dtype='>f8') */
    static final String NP_BE = "934e554d5059010076007b276465736372273a20273e6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3ff8000000000000c000000000000000";
    /** np.array([[0, 200], [255, 7]], dtype='u1') */
    static final String NP_U1 = "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2032292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00c8ff07";

    /** The header of np.save(np.zeros((1,) * 15, '<f4')): 192 bytes. */
    static final String NP_HEADER_15D = "934e554d50590100b6007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c2031292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a";

    private static byte[] hex(String s) { return HexFormat.of().parseHex(s); }

    private static Tensor readBytes(byte[] b) throws IOException {
        return Npy.read(new ByteArrayInputStream(b), "test");
    }

    private static byte[] bytesOf(Tensor t) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        Npy.write(bo, t);
        return bo.toByteArray();
    }

    @Test
    void readsWhatNumPyWrote() throws IOException {
        Tensor f = readBytes(hex(NP_F32));
        assertEquals(DType.FLOAT32, f.dtype());
        assertEquals("(2, 3)", f.shape().toString());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, f.toFloatArray(), 0f);

        Tensor i = readBytes(hex(NP_I64));
        assertEquals(DType.INT64, i.dtype());
        assertArrayEquals(new long[] {1, -2, 3}, i.toLongArray());

        Tensor b = readBytes(hex(NP_BOOL));
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());

        Tensor s = readBytes(hex(NP_SCALAR));
        assertEquals(0, s.rank());
        assertEquals(DType.FLOAT64, s.dtype());
        assertEquals(2.5, s.item(), 0);

        Tensor fo = readBytes(hex(NP_FORTRAN));   // stored column by column: 0 3 1 4 2 5
        assertEquals(DType.INT32, fo.dtype());
        assertEquals("(2, 3)", fo.shape().toString());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, fo.toIntArray());

        Tensor be = readBytes(hex(NP_BE));
        assertArrayEquals(new double[] {1.5, -2.0}, be.toDoubleArray(), 0);

        Tensor u = readBytes(hex(NP_U1));
        assertEquals(DType.INT32, u.dtype());
        assertArrayEquals(new int[] {0, 200, 255, 7}, u.toIntArray());
    }

    @Test
    void writesTheSameBytesAsNumPy() throws IOException {
        Tensor f = Tensor.fromArray(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, 2, 3);
        assertArrayEquals(hex(NP_F32), bytesOf(f));
        assertArrayEquals(hex(NP_I64), bytesOf(Tensor.of(new long[] {1, -2, 3})));
        assertArrayEquals(hex(NP_BOOL), bytesOf(Tensor.of(new boolean[] {true, false, true})));
        assertArrayEquals(hex(NP_SCALAR), bytesOf(Tensor.scalar(2.5, DType.FLOAT64)));
        byte[] h = Npy.header(DType.FLOAT32, new int[] {60000, 784});
        assertEquals(128, h.length, "as np.save(np.zeros((60000, 784), '<f4'))");
        assertEquals('\n', h[h.length - 1]);
        // a header long enough that NumPy's 20 spaces reserved for growing the first dimension cost another 64 bytes
        int[] ones = new int[15];
        Arrays.fill(ones, 1);
        assertArrayEquals(hex(NP_HEADER_15D), Npy.header(DType.FLOAT32, ones));
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }";
        int hlen = 118;   // 10 + 118 = 128
        ByteBuffer bb = ByteBuffer.allocate(128 + 16).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) hlen);
        bb.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (bb.position() < 127) bb.put((byte) ' ');
        bb.put((byte) '\n');
        bb.putInt(7).putInt(-1).putInt(Integer.MAX_VALUE).putInt(Integer.MIN_VALUE);
        Tensor t = readBytes(bb.array());
        assertEquals("(2, 2)", t.shape().toString());
        assertArrayEquals(new int[] {7, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, t.toIntArray());

        // version 2.0 (4-byte header length), double-quoted keys, another key order
        String d2 = "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"<f8\"}";
        ByteBuffer b2 = ByteBuffer.allocate(12 + d2.length() + 1 + 24).order(ByteOrder.LITTLE_ENDIAN);
        b2.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0);
        b2.putInt(d2.length() + 1).put(d2.getBytes(StandardCharsets.US_ASCII)).put((byte) '\n');
        b2.putDouble(1).putDouble(Double.NaN).putDouble(Double.NEGATIVE_INFINITY);
        double[] v = readBytes(b2.array()).toDoubleArray();
        assertEquals(1, v[0], 0);
        assertTrue(Double.isNaN(v[1]));
        assertEquals(Double.NEGATIVE_INFINITY, v[2], 0);
    }

    @Test
    void roundTripsEveryDtypeAndRank() throws IOException {
        List<Tensor> cases = List.of(
                Tensor.fromArray(new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 3e38f}, 3, 2),
                Tensor.fromArray(new double[] {Math.PI, -1e-300, Double.MAX_VALUE, 0.1}, DType.FLOAT64, 2, 1, 2),
                Tensor.of(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE, -5}).reshape(2, 2),
                Tensor.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40}),
                Tensor.of(new boolean[] {false, true, true, false, true, false}).reshape(3, 2),
                Tensor.scalar(-7.25),
                Tensor.zeros(0, 4));
        int k = 0;
        for (Tensor t : cases) {
            Path p = tmp.resolve("a" + k++ + ".npy");
            Npy.write(p, t);
            Tensor r = Npy.read(p);
            assertEquals(t.dtype(), r.dtype(), p.toString());
            assertEquals(t.shape(), r.shape(), p.toString());
            assertEquals(Arrays.toString(t.toDoubleArray()), Arrays.toString(r.toDoubleArray()), p.toString());
            assertEquals(0, (Files.size(p) - t.size() * t.dtype().byteSize()) % 64, "data starts on a 64-byte boundary");
        }
        // exact bits, including the sign of zero and NaN
        float[] f = Npy.read(tmp.resolve("a0.npy")).toFloatArray();
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f[1]));
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40}, Npy.read(tmp.resolve("a3.npy")).toLongArray());
        // a non-contiguous view is written in its logical (C) order
        Tensor tr = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose();
        Npy.write(tmp.resolve("t.npy"), tr);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, Npy.read(tmp.resolve("t.npy")).toFloatArray(), 0f);
        assertEquals(List.of("a0.npy", "a1.npy", "a2.npy", "a3.npy", "a4.npy", "a5.npy", "a6.npy", "t.npy"),
                Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
    }

    @Test
    void truncatedAndMalformedFiles() throws IOException {
        byte[] full = hex(NP_F32);
        Path p = tmp.resolve("t.npy");
        Files.write(p, Arrays.copyOf(full, full.length - 5));
        IOException e = assertThrows(IOException.class, () -> Npy.read(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()) && m.contains("truncated") && m.contains("needs 24 bytes")
                && m.contains("got 19"), m);

        Files.write(p, Arrays.copyOf(full, 60));
        e = assertThrows(IOException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("truncated .npy header") && e.getMessage().contains("expected 118"), e.getMessage());

        Files.write(p, "PK\3\4 not numpy".getBytes(StandardCharsets.US_ASCII));
        e = assertThrows(IOException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());

        byte[] odd = full.clone();
        odd[22] = 'c';                                   // '<f4' -> '<c4' (complex): unsupported
        Files.write(p, odd);
        e = assertThrows(IOException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("unsupported .npy dtype '<c4'"), e.getMessage());

        byte[] broken = full.clone();
        broken[10] = '[';                                // the dict no longer starts with '{'
        Files.write(p, broken);
        e = assertThrows(IOException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("unreadable .npy header"), e.getMessage());
    }

    @Test
    void npzRoundTripStoredAndCompressed() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x_train", Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        m.put("y_train", Tensor.of(new int[] {0, 1, 0}));
        m.put("mask", Tensor.of(new boolean[] {true, false}));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = tmp.resolve("d" + compressed + ".npz");
            Npy.writeNpz(p, m, compressed);
            try (ZipFile z = new ZipFile(p.toFile())) {
                assertEquals(List.of("x_train.npy", "y_train.npy", "mask.npy"),
                        z.stream().map(ZipEntry::getName).toList());
                ZipEntry ze = z.getEntry("x_train.npy");
                assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, ze.getMethod());
                assertArrayEquals(bytesOf(m.get("x_train")), z.getInputStream(ze).readAllBytes());
            }
            Map<String, Tensor> r = Npy.readNpz(p);
            assertEquals(List.of("x_train", "y_train", "mask"), List.copyOf(r.keySet()));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.get("x_train").toFloatArray(), 0f);
            assertEquals("(3, 2)", r.get("x_train").shape().toString());
            assertArrayEquals(new int[] {0, 1, 0}, r.get("y_train").toIntArray());
            assertArrayEquals(new boolean[] {true, false}, r.get("mask").toBooleanArray());
        }
    }

    @Test
    void npzBuiltByHandAndBrokenEntries() throws IOException {
        Path p = tmp.resolve("h.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("pixels.npy"));
            z.write(hex(NP_U1));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("README.txt"));
            z.write("ignored".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("bad.npy"));
            z.write(Arrays.copyOf(hex(NP_I64), 140));
            z.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> Npy.readNpz(p));
        assertTrue(e.getMessage().contains(p + "[bad.npy]") && e.getMessage().contains("truncated"), e.getMessage());

        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("pixels.npy"));
            z.write(hex(NP_U1));
            z.closeEntry();
        }
        assertArrayEquals(new int[] {0, 200, 255, 7}, Npy.readNpz(p).get("pixels").toIntArray());

        Files.write(p, "not a zip".getBytes(StandardCharsets.US_ASCII));
        e = assertThrows(IOException.class, () -> Npy.readNpz(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }
}
