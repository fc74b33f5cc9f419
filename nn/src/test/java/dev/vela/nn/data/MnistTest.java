/*
 * Tests Mnist: the real files in ../shared/data/mnist (shapes, first labels, label counts, pixels against a plain
 * reading of the gzip stream, the md5 constants), the location order, the checks on truncated or malformed IDX
 * files, and download() against a loopback HTTP server (good files, corrupted bytes, HTTP errors, SHA-256 sums).
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vela.DType;
import dev.vela.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

class MnistTest {

    // ------------------------------------------------------------------ the real data

    private static Path sharedData() {
        return Path.of(System.getProperty("vela.shared", "../../shared")).resolve("data");
    }

    private static Path realMnistFolder() {
        Path dir = sharedData().resolve("mnist");
        boolean all = Mnist.FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
        Assumptions.assumeTrue(all, "MNIST is not available at " + dir.toAbsolutePath()
                + " (the four .gz IDX files); skipping the tests on the real data");
        return dir;
    }

    @Test
    void loadsRealMnist() throws IOException {
        realMnistFolder();
        Mnist.Data d = Mnist.load(sharedData());
        assertEquals("(60000, 28, 28)", d.xTrain().shape().toString());
        assertEquals(1, d.yTrain().rank());
        assertEquals(60000, d.yTrain().shape().dim(0));
        assertEquals("(10000, 28, 28)", d.xTest().shape().toString());
        assertEquals(10000, d.yTest().shape().dim(0));
        assertEquals(DType.FLOAT32, d.xTrain().dtype());
        assertEquals(DType.INT32, d.yTrain().dtype());

        int[] yTrain = d.yTrain().toIntArray();
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(yTrain, 10));
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts(yTrain));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts(d.yTest().toIntArray()));

        // pixels: uint8 values as floats, checked against an independent reading of the first image
        float[] first = d.xTrain().slice(0, 0, 1).toFloatArray();
        byte[] expected = firstImageBytes(sharedData().resolve("mnist").resolve("train-images-idx3-ubyte.gz"));
        for (int i = 0; i < 784; i++) assertEquals(expected[i] & 0xFF, first[i], 0f, "pixel " + i);
        assertEquals(0f, d.xTrain().min().item(), 0);
        assertEquals(255f, d.xTrain().max().item(), 0);
    }

    @Test
    void scaledImagesAreDividedBy255() throws IOException {
        Path dir = realMnistFolder();
        Path f = dir.resolve("t10k-images-idx3-ubyte.gz");
        float[] raw = Mnist.readImages(f, false).slice(0, 0, 3).toFloatArray();
        float[] scaled = Mnist.readImages(f, true).slice(0, 0, 3).toFloatArray();
        boolean sawInk = false;
        for (int i = 0; i < raw.length; i++) {
            assertEquals(raw[i] / 255f, scaled[i], 0f);
            sawInk |= raw[i] == 255f;
        }
        assertTrue(sawInk, "the first three test digits have saturated pixels");
    }

    @Test
    void md5ConstantsMatchTheSharedFiles() throws IOException {
        Path dir = realMnistFolder();
        for (String f : Mnist.FILES) assertEquals(Mnist.MD5.get(f), Mnist.digest(dir.resolve(f), "MD5"), f);
    }

    private static int[] counts(int[] labels) {
        int[] c = new int[10];
        for (int v : labels) c[v]++;
        return c;
    }

    private static byte[] firstImageBytes(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            byte[] header = in.readNBytes(16);
            assertEquals(0x00000803, ByteBuffer.wrap(header).getInt());
            return in.readNBytes(784);
        }
    }

    // ------------------------------------------------------------------ synthetic IDX files

    @TempDir
    Path tmp;

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
                gz.write(raw);
            }
            return bo.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Pixel i of a synthetic image file: scrambled so that gzip cannot squeeze it much. */
    static int pixel(int i, int seed) {
        long h = (i + 1L) * 0x9E3779B97F4A7C15L + seed * 0xBF58476D1CE4E5B9L;
        return (int) ((h ^ (h >>> 29)) >>> 56);
    }

    static byte[] images(int n, int seed) {
        byte[] px = new byte[n * 784];
        for (int i = 0; i < px.length; i++) px[i] = (byte) pixel(i, seed);
        return idx(0x00000803, new int[] {n, 28, 28}, px);
    }

    static byte[] labels(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
        return idx(0x00000801, new int[] {values.length}, b);
    }

    /** The four synthetic files (3 training, 2 test samples), gzip-compressed, keyed by download name. */
    static Map<String, byte[]> syntheticGz() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("train-images-idx3-ubyte.gz", gzip(images(3, 1)));
        m.put("train-labels-idx1-ubyte.gz", gzip(labels(7, 0, 9)));
        m.put("t10k-images-idx3-ubyte.gz", gzip(images(2, 2)));
        m.put("t10k-labels-idx1-ubyte.gz", gzip(labels(3, 3)));
        return m;
    }

    private static void writeAll(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (var e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    }

    private static void checkSynthetic(Mnist.Data d) {
        assertEquals("(3, 28, 28)", d.xTrain().shape().toString());
        assertArrayEquals(new int[] {7, 0, 9}, d.yTrain().toIntArray());
        assertArrayEquals(new int[] {3, 3}, d.yTest().toIntArray());
        float[] x = d.xTest().toFloatArray();
        for (int i = 0; i < x.length; i++) assertEquals(pixel(i, 2), x[i], 0f, "test pixel " + i);
    }

    @Test
    void readsGzipAndRawFilesAlike() throws IOException {
        writeAll(tmp.resolve("gz/mnist"), syntheticGz());
        checkSynthetic(Mnist.load(tmp.resolve("gz")));           // the folder holding mnist/
        checkSynthetic(Mnist.load(tmp.resolve("gz/mnist")));     // the files directly

        Path raw = tmp.resolve("raw");
        Files.createDirectories(raw);
        Files.write(raw.resolve("train-images-idx3-ubyte"), images(3, 1));
        Files.write(raw.resolve("train-labels-idx1-ubyte"), labels(7, 0, 9));
        Files.write(raw.resolve("t10k-images-idx3-ubyte"), images(2, 2));
        Files.write(raw.resolve("t10k-labels-idx1-ubyte"), labels(3, 3));
        checkSynthetic(Mnist.load(raw));

        Mnist.Data scaled = Mnist.load(raw, true);
        float[] xs = scaled.xTrain().toFloatArray();
        for (int i = 0; i < xs.length; i++) assertEquals(pixel(i, 1) / 255f, xs[i], 0f);
    }

    @Test
    void locationOrderExplicitThenPropertyThenCache() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), empty = tmp.resolve("empty");
        writeAll(a.resolve("mnist"), syntheticGz());
        writeAll(b, syntheticGz());
        Files.createDirectories(empty);
        String old = System.getProperty("vela.data");
        try {
            System.setProperty("vela.data", b.toString());
            assertEquals(a.resolve("mnist"), Mnist.locate(a), "the explicit path comes first");
            assertEquals(b, Mnist.locate(null), "then the vela.data property");
            assertEquals(b, Mnist.locate(empty), "an explicit folder without the files falls through to vela.data");
        } finally {
            if (old == null) System.clearProperty("vela.data");
            else System.setProperty("vela.data", old);
        }
    }

    @Test
    void missingEverywhereListsWhereItLooked() throws IOException {
        Path home = Path.of(System.getProperty("user.home"), ".vela", "datasets");
        Assumptions.assumeFalse(System.getenv("VELA_DATA") != null || Files.isDirectory(home.resolve("mnist"))
                || Files.isRegularFile(home.resolve("train-images-idx3-ubyte.gz")),
                "MNIST is installed in VELA_DATA or " + home + ", so it cannot be missing everywhere here");
        Path partial = tmp.resolve("partial");
        Files.createDirectories(partial);
        Files.write(partial.resolve("train-images-idx3-ubyte.gz"), gzip(images(1, 0)));
        String old = System.getProperty("vela.data");
        try {
            System.setProperty("vela.data", tmp.resolve("nowhere").toString());
            FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> Mnist.load(partial));
            String m = e.getMessage();
            assertTrue(m.contains(partial.toString()) && m.contains("missing train-labels-idx1-ubyte"), m);
            assertTrue(m.contains(tmp.resolve("nowhere").toString()) && m.contains("vela.data"), m);
            assertTrue(m.contains(home.toString()), m);
        } finally {
            if (old == null) System.clearProperty("vela.data");
            else System.setProperty("vela.data", old);
        }
    }

    @Test
    void truncatedRawFileNamesFileAndByteCounts() throws IOException {
        byte[] full = images(5, 0);                          // 16 + 5*784 = 3936 bytes
        Path f = tmp.resolve("train-images-idx3-ubyte");
        Files.write(f, Arrays.copyOf(full, 116));
        IOException e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("truncated") && m.contains("expected 3936 bytes") && m.contains("got 116"), m);

        Files.write(f, Arrays.copyOf(full, 10));             // cut inside the header
        e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("expected 16 bytes")
                && e.getMessage().contains("got 10"), e.getMessage());
    }

    @Test
    void truncatedGzipFileNamesFile() throws IOException {
        byte[] gz = gzip(images(5, 0));
        Path f = tmp.resolve("train-images-idx3-ubyte.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("gzip") && m.contains("3936"), m);

        // a complete gzip stream of a short IDX file: the count of decompressed bytes is reported
        Files.write(f, gzip(Arrays.copyOf(images(5, 0), 1000)));
        e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        assertTrue(e.getMessage().contains("expected 3936 decompressed bytes") && e.getMessage().contains("got 1000"),
                e.getMessage());
    }

    @Test
    void corruptedFilesAreRejected() throws IOException {
        Path f = tmp.resolve("x");
        Files.write(f, labels(1, 2, 3));
        IOException e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("expected 0x00000803"), e.getMessage());

        Files.write(f, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        e = assertThrows(IOException.class, () -> Mnist.readLabels(f));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());

        byte[] extra = Arrays.copyOf(labels(1, 2, 3), 8 + 3 + 5);
        Files.write(f, extra);
        e = assertThrows(IOException.class, () -> Mnist.readLabels(f));
        assertTrue(e.getMessage().contains("expected 11 bytes") && e.getMessage().contains("got 16")
                && e.getMessage().contains("5 unexpected trailing bytes"), e.getMessage());

        byte[] gz = gzip(images(2, 0));
        gz[gz.length - 6] ^= 0x55;                           // damage the CRC in the gzip trailer
        Files.write(f, gz);
        e = assertThrows(IOException.class, () -> Mnist.readImages(f, false));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void mismatchedCountsAndBadLabelsAreRejected() throws IOException {
        Map<String, byte[]> files = syntheticGz();
        files.put("train-labels-idx1-ubyte.gz", gzip(labels(1, 2)));
        Path dir = tmp.resolve("m");
        writeAll(dir, files);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());

        files.put("train-labels-idx1-ubyte.gz", gzip(labels(1, 12, 2)));
        writeAll(dir, files);
        e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("label 12 at index 1"), e.getMessage());

        files = syntheticGz();
        byte[] px = new byte[2 * 10 * 10];
        files.put("t10k-images-idx3-ubyte.gz", gzip(idx(0x00000803, new int[] {2, 10, 10}, px)));
        writeAll(dir, files);
        e = assertThrows(IOException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("28x28") && e.getMessage().contains("10x10"), e.getMessage());
    }

    // ------------------------------------------------------------------ download from a loopback server

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mnist/", ex -> {
            requests.incrementAndGet();
            String name = ex.getRequestURI().getPath().substring("/mnist/".length());
            byte[] body = served.get(name);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/");
    }

    private static Map<String, String> digests(Map<String, byte[]> files, String algo) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : files.entrySet()) {
            m.put(e.getKey(), HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(e.getValue())));
        }
        return m;
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesAndLoads() throws Exception {
        Map<String, byte[]> files = syntheticGz();
        served.putAll(files);
        Path cache = tmp.resolve("cache/mnist");
        Path got = Mnist.download(base(), cache, digests(files, "MD5"));
        assertEquals(cache, got);
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz"), listing(cache), "the four files and no temporary ones");
        for (var e : files.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(cache.resolve(e.getKey())));
        assertEquals(4, requests.get());
        checkSynthetic(Mnist.load(tmp.resolve("cache")));

        // a second download finds the verified files and fetches nothing
        Mnist.download(base(), cache, digests(files, "MD5"));
        assertEquals(4, requests.get());

        // a base URI without the trailing slash names the same folder
        Path cache2 = tmp.resolve("cache2");
        String noSlash = base().toString().substring(0, base().toString().length() - 1);
        Mnist.download(URI.create(noSlash), cache2, digests(files, "SHA-256"));
        assertEquals(4, listing(cache2).size());
    }

    @Test
    void corruptedDownloadFailsAndLeavesNothing() throws Exception {
        Map<String, byte[]> files = syntheticGz();
        Map<String, String> sums = digests(files, "MD5");
        for (var e : files.entrySet()) {
            byte[] bad = e.getValue().clone();
            bad[bad.length / 2] ^= 0x01;
            served.put(e.getKey(), bad);
        }
        Path cache = tmp.resolve("cache");
        IOException e = assertThrows(IOException.class, () -> Mnist.download(base(), cache, sums));
        String m = e.getMessage();
        String first = "train-images-idx3-ubyte.gz";
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(served.get(first)));
        assertTrue(m.contains("checksum mismatch") && m.contains(first), m);
        assertTrue(m.contains("expected MD5 " + sums.get(first)) && m.contains("got " + actual), m);
        assertTrue(m.contains(base().resolve(first).toString()), m);
        assertEquals(List.of(), listing(cache), "no file (not even a temporary one) is left in the cache");
    }

    @Test
    void oneCorruptedFileKeepsTheVerifiedOnes() throws Exception {
        Map<String, byte[]> files = syntheticGz();
        Map<String, String> sums = digests(files, "MD5");
        served.putAll(files);
        byte[] bad = files.get("t10k-images-idx3-ubyte.gz").clone();
        bad[20] ^= 0x40;
        served.put("t10k-images-idx3-ubyte.gz", bad);
        Path cache = tmp.resolve("cache");
        IOException e = assertThrows(IOException.class, () -> Mnist.download(base(), cache, sums));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), listing(cache));

        served.put("t10k-images-idx3-ubyte.gz", files.get("t10k-images-idx3-ubyte.gz"));   // the mirror is fixed
        Mnist.download(base(), cache, sums);
        assertEquals(4, listing(cache).size());
        checkSynthetic(Mnist.load(cache));
    }

    @Test
    void httpErrorAndDefaultChecksums() throws Exception {
        Path cache = tmp.resolve("cache");
        Map<String, byte[]> files = syntheticGz();
        // nothing served: 404
        IOException e = assertThrows(IOException.class, () -> Mnist.download(base(), cache, digests(files, "MD5")));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains(base() + "train-images-idx3-ubyte.gz"),
                e.getMessage());
        assertEquals(List.of(), listing(cache));

        // the default checksums are the real MNIST ones, so synthetic files are refused
        served.putAll(files);
        e = assertThrows(IOException.class, () -> Mnist.download(base(), cache));
        assertTrue(e.getMessage().contains("expected MD5 f68b3c2dcbeaaa9fbdd348bbdeb94873"), e.getMessage());
        assertEquals(List.of(), listing(cache));
    }

    @Test
    void badChecksumArgumentsAreRejectedBeforeFetching() {
        Map<String, String> sums = new LinkedHashMap<>(Mnist.MD5);
        sums.remove("t10k-labels-idx1-ubyte.gz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mnist.download(base(), tmp.resolve("c"), sums));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        sums.put("t10k-labels-idx1-ubyte.gz", "abc");
        e = assertThrows(IllegalArgumentException.class, () -> Mnist.download(base(), tmp.resolve("c"), sums));
        assertTrue(e.getMessage().contains("3 hex digits"), e.getMessage());
        assertEquals(0, requests.get());
        assertFalse(Files.exists(tmp.resolve("c")));
    }

    @Test
    void labelTensorIsInt32() throws IOException {
        Path f = tmp.resolve("l");
        Files.write(f, labels(0, 255, 9));
        Tensor t = Mnist.readLabels(f);
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[] {0, 255, 9}, t.toIntArray());
    }
}
