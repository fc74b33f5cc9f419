/*
 * Tests the safetensors reader and writer: round trips of every dtype (scalar and empty tensors included), the
 * exact bytes the writer produces, a hand-built file parsed against the format spec, rejection of truncated and
 * corrupted files with clear messages, and atomic writes that leave a previous file intact on failure.
 */
package dev.vela.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vela.DType;
import dev.vela.K;
import dev.vela.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> allDtypes() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.fromArray(new float[] {1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, -3.25f}, 2, 3));
        m.put("f64", Tensor.fromArray(new double[] {Math.PI, -1e-300, Double.NEGATIVE_INFINITY, 0.1}, DType.FLOAT64, 2, 1, 2));
        m.put("i32", Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}));
        // values past 2^53 would be corrupted by any detour through double
        m.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, -2, (1L << 53) + 1, Long.MAX_VALUE}).reshape(2, 2));
        m.put("bool", Tensor.of(new boolean[] {true, false, false, true, true, false}).reshape(3, 2));
        m.put("scalar", Tensor.scalar(2.5));
        m.put("empty", Tensor.fromArray(new float[0], 0, 3));
        m.put("empty_i64", Tensor.of(new long[0]));
        return m;
    }

    @Test
    void roundTripAllDtypesScalarAndEmpty() throws IOException {
        Path f = dir.resolve("all.safetensors");
        Safetensors.write(f, allDtypes(), Map.of("format", "vela", "note", "é \"quoted\"\n"));
        Map<String, Tensor> r = Safetensors.read(f);

        assertEquals(List.of("f32", "f64", "i32", "i64", "bool", "scalar", "empty", "empty_i64"), List.copyOf(r.keySet()));
        assertEquals(DType.FLOAT32, r.get("f32").dtype());
        assertArrayEquals(new int[] {2, 3}, r.get("f32").dims());
        assertArrayEquals(new int[] {Float.floatToRawIntBits(1.5f), Float.floatToRawIntBits(-0f),
                Float.floatToRawIntBits(Float.MAX_VALUE), Float.floatToRawIntBits(Float.MIN_VALUE),
                Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(-3.25f)},
                bits(r.get("f32").toFloatArray()));
        assertEquals(DType.FLOAT64, r.get("f64").dtype());
        assertArrayEquals(new int[] {2, 1, 2}, r.get("f64").dims());
        assertArrayEquals(new double[] {Math.PI, -1e-300, Double.NEGATIVE_INFINITY, 0.1}, r.get("f64").toDoubleArray(), 0.0);
        assertEquals(DType.INT32, r.get("i32").dtype());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}, r.get("i32").toIntArray());
        assertEquals(DType.INT64, r.get("i64").dtype());
        assertArrayEquals(new int[] {2, 2}, r.get("i64").dims());
        assertArrayEquals(new long[] {Long.MIN_VALUE, -2, (1L << 53) + 1, Long.MAX_VALUE}, r.get("i64").toLongArray());
        assertEquals(DType.BOOL, r.get("bool").dtype());
        assertArrayEquals(new int[] {3, 2}, r.get("bool").dims());
        assertArrayEquals(new boolean[] {true, false, false, true, true, false}, r.get("bool").toBooleanArray());
        assertEquals(0, r.get("scalar").rank());
        assertEquals(2.5, r.get("scalar").item(), 0.0);
        assertArrayEquals(new int[] {0, 3}, r.get("empty").dims());
        assertEquals(0, r.get("empty").toFloatArray().length);
        assertEquals(DType.INT64, r.get("empty_i64").dtype());
        assertArrayEquals(new int[] {0}, r.get("empty_i64").dims());

        assertEquals(Map.of("format", "vela", "note", "é \"quoted\"\n"), Safetensors.readMetadata(f));
        Map<String, Safetensors.TensorInfo> info = Safetensors.readInfo(f);
        // offsets run contiguously in header order: 24 + 32 + 20 + 32 + 6 + 4 + 0 + 0 bytes
        assertEquals(new Safetensors.TensorInfo(DType.FLOAT32, List.of(2, 3), 0, 24), info.get("f32"));
        assertEquals(new Safetensors.TensorInfo(DType.FLOAT64, List.of(2, 1, 2), 24, 56), info.get("f64"));
        assertEquals(new Safetensors.TensorInfo(DType.INT32, List.of(5), 56, 76), info.get("i32"));
        assertEquals(new Safetensors.TensorInfo(DType.INT64, List.of(2, 2), 76, 108), info.get("i64"));
        assertEquals(new Safetensors.TensorInfo(DType.BOOL, List.of(3, 2), 108, 114), info.get("bool"));
        assertEquals(new Safetensors.TensorInfo(DType.FLOAT32, List.of(), 114, 118), info.get("scalar"));
        assertEquals(new Safetensors.TensorInfo(DType.FLOAT32, List.of(0, 3), 118, 118), info.get("empty"));
        assertEquals(new Safetensors.TensorInfo(DType.INT64, List.of(0), 118, 118), info.get("empty_i64"));
    }

    @Test
    void writerProducesTheExactSpecBytes() throws IOException {
        Path f = dir.resolve("exact.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.fromArray(new float[] {1f, -2f}, 2));
        m.put("n", Tensor.of(new int[] {258}));
        Safetensors.write(f, m, Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertEquals(133, json.length()); // padded with 3 spaces to 136, a multiple of 8
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes(new byte[] {(byte) 136, 0, 0, 0, 0, 0, 0, 0});
        want.writeBytes((json + "   ").getBytes(StandardCharsets.US_ASCII));
        want.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3F});       // 1.0f  = 0x3F800000
        want.writeBytes(new byte[] {0, 0, 0, (byte) 0xC0});          // -2.0f = 0xC0000000
        want.writeBytes(new byte[] {2, 1, 0, 0});                    // 258   = 0x00000102
        assertArrayEquals(want.toByteArray(), Files.readAllBytes(f));
    }

    @Test
    void parsesAHandBuiltFile() throws IOException {
        // not written by our writer: whitespace, key order differing from data order, unpadded header
        String json = "{ \"b\" : {\"shape\": [2], \"dtype\": \"I64\", \"data_offsets\": [12, 28]},\n"
                + "  \"a\": {\"dtype\":\"F32\", \"shape\":[1, 3], \"data_offsets\":[0, 12]},\n"
                + "  \"__metadata__\": {\"source\": \"hand\"},\n"
                + "  \"c\": {\"dtype\":\"BOOL\", \"shape\":[2], \"data_offsets\":[28, 30]},"
                + "  \"d\": {\"dtype\":\"F64\", \"shape\":[], \"data_offsets\":[30, 38]} }";
        byte[] data = {
            0, 0, (byte) 0x80, 0x3F,                       // a[0] = 1.0f
            0, 0, 0, (byte) 0xC0,                          // a[1] = -2.0f
            0, 0, (byte) 0xC0, 0x7F,                       // a[2] = NaN (0x7FC00000)
            8, 7, 6, 5, 4, 3, 2, 1,                        // b[0] = 0x0102030405060708
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,  // b[1] = -1
            1, 0,                                          // c = [true, false]
            0, 0, 0, 0, 0, 0, (byte) 0xF0, (byte) 0xBF,    // d = -1.0 (0xBFF0000000000000)
        };
        Path f = file("hand.safetensors", json, data);
        Map<String, Tensor> r = Safetensors.read(f);
        assertEquals(List.of("b", "a", "c", "d"), List.copyOf(r.keySet()));
        assertArrayEquals(new int[] {1, 3}, r.get("a").dims());
        float[] a = r.get("a").toFloatArray();
        assertEquals(1f, a[0]);
        assertEquals(-2f, a[1]);
        assertTrue(Float.isNaN(a[2]));
        assertArrayEquals(new long[] {0x0102030405060708L, -1L}, r.get("b").toLongArray());
        assertArrayEquals(new boolean[] {true, false}, r.get("c").toBooleanArray());
        assertEquals(DType.FLOAT64, r.get("d").dtype());
        assertEquals(0, r.get("d").rank());
        assertEquals(-1.0, r.get("d").item(), 0.0);
        assertEquals(Map.of("source", "hand"), Safetensors.readMetadata(f));
    }

    @Test
    void truncatedFileFailsNamingTheFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, allDtypes());
        byte[] full = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(full, full.length - 3));
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("outside the data section"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        // cut inside the header
        Files.write(f, Arrays.copyOf(full, 40));
        e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("header length"), e.getMessage());

        // cut inside the length field
        Files.write(f, Arrays.copyOf(full, 5));
        e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("5 bytes, too short"), e.getMessage());
    }

    @Test
    void corruptedHeaderByteFails() throws IOException {
        Path f = dir.resolve("c.safetensors");
        Safetensors.write(f, allDtypes());
        byte[] b = Files.readAllBytes(f);
        int colon = new String(b, StandardCharsets.ISO_8859_1).indexOf(':', 8);
        b[colon] = '#';
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("expected ':'"), e.getMessage());

        // an absurd header length (high bytes set)
        b = Files.readAllBytes(dir.resolve("c.safetensors"));
        b[6] = 0x7F;
        Files.write(f, b);
        e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    static Stream<Arguments> badHeaders() {
        byte[] eight = new byte[8];
        return Stream.of(
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", eight, "not valid JSON"),
                Arguments.of("{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", eight, "unsupported dtype 'F16'"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight, "needs 12"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight, "not a dimension"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", eight, "overlap"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight, "gap"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight, "trailing bytes"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight, "data_offsets"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", eight, "unexpected key 'x'"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", eight, "0 <= begin <= end"),
                Arguments.of("{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        eight, "'k' is not a string"),
                Arguments.of("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[8],\"data_offsets\":[0,8]}}",
                        new byte[] {0, 1, 2, 0, 0, 0, 0, 0}, "BOOL element 2 is byte 2"),
                Arguments.of("[1, 2]", eight, "does not start with '{'"),
                Arguments.of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight, "duplicate key"));
    }

    @ParameterizedTest
    @MethodSource("badHeaders")
    void corruptedHeadersAreRejected(String json, byte[] data, String expected) throws IOException {
        Path f = file("bad.safetensors", json, data);
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().startsWith("safetensors file " + f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void invalidUtf8HeaderIsRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(4).put(new byte[] {'{', (byte) 0xC3, '}', ' '});
        Path f = dir.resolve("u.safetensors");
        Files.write(f, b.array());
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void failedWriteLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, Map.of("w", Tensor.fromArray(new float[] {1, 2, 3}, 3)), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(f);

        // a valid tensor first (its data reaches the temp file), then a symbolic one that has no values
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("w", Tensor.fromArray(new float[] {9, 9, 9}, 3));
        bad.put("p", K.placeholder(2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(f, bad, Map.of("epoch", "2")));
        assertTrue(e.getMessage().contains("'p' is symbolic"), e.getMessage());

        assertArrayEquals(before, Files.readAllBytes(f));
        assertArrayEquals(new float[] {1, 2, 3}, Safetensors.read(f).get("w").toFloatArray());
        assertEquals(Map.of("epoch", "1"), Safetensors.readMetadata(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temp file left behind");
        }

        // a failure writing a new file creates nothing
        Path g = dir.resolve("new.safetensors");
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(g, bad));
        assertFalse(Files.exists(g));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void writtenFileHasOrdinaryPermissions() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path f = dir.resolve("p.safetensors");
        Safetensors.write(f, Map.of("w", Tensor.ones(1)));
        // a temp file made by Files.createTempFile would have left rw------- here
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    }

    @Test
    void overwriteReplacesTheFile() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, Map.of("w", Tensor.fromArray(new float[] {1, 2}, 2)));
        Safetensors.write(f, Map.of("v", Tensor.of(new int[] {5})));
        Map<String, Tensor> r = Safetensors.read(f);
        assertEquals(List.of("v"), List.copyOf(r.keySet()));
        assertArrayEquals(new int[] {5}, r.get("v").toIntArray());
        assertEquals(Map.of(), Safetensors.readMetadata(f));
    }

    @Test
    void reservedAndUnknownShapesAreRejectedBeforeWriting() {
        Path f = dir.resolve("r.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.write(f, Map.of("__metadata__", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Safetensors.write(f, Map.of("x", K.placeholder(-1, 5))));
        assertTrue(e.getMessage().contains("unknown dimensions"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    private Path file(String name, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
