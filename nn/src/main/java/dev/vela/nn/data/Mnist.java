// MNIST (keras.datasets.mnist): finds and reads the four IDX files, checking them, and downloads them with checksums.
package dev.vela.nn.data;

import dev.vela.Tensor;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The MNIST handwritten digits from the four original IDX files, like {@code keras.datasets.mnist.load_data()}:
 * training images {@code (60000, 28, 28)} and test images {@code (10000, 28, 28)} as float32 tensors holding the
 * pixel values 0..255 (or scaled to [0, 1] on request), and the labels as int32 tensors.
 *
 * <p>The files may be gzip-compressed ({@code train-images-idx3-ubyte.gz}) or raw
 * ({@code train-images-idx3-ubyte}); compression is recognised by content, not by name. They are looked for,
 * in order, in: the explicit folder passed to {@link #load(Path)}, the {@code vela.data} system property, the
 * {@code VELA_DATA} environment variable, and {@code ~/.vela/datasets}. Each of these is a folder that holds
 * either a {@code mnist/} subfolder or the four files directly; the first that has all four wins.
 *
 * <p>Every file is checked: the magic number, the number of dimensions, the sizes, and the length of the data
 * (a truncated or padded file, or a damaged gzip stream, fails with an {@link IOException} that names the file,
 * the bytes expected and the bytes found). Nothing is downloaded implicitly: {@link #download(URI, Path)} fetches
 * the four {@code .gz} files into a cache folder, verifying each against its MD5 sum before it appears there.
 * <pre>{@code
 * jshell> Mnist.Data d = Mnist.load();
 * jshell> d.xTrain().shape()
 * $2 ==> (60000, 28, 28)
 * jshell> d.yTrain().slice(0, 0, 10).toIntArray()
 * $3 ==> int[10] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }
 * jshell> Tensor x = Mnist.load(Path.of("../shared/data"), true).xTrain();   // pixels in [0, 1]
 * }</pre>
 */
public final class Mnist {
    private Mnist() {}

    /** Base name of the training images file (without {@code .gz}). */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** Base name of the training labels file. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** Base name of the test images file. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** Base name of the test labels file. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** The four files as they are distributed (and downloaded): gzip-compressed. */
    public static final List<String> FILES = List.of(
            TRAIN_IMAGES + ".gz", TRAIN_LABELS + ".gz", TEST_IMAGES + ".gz", TEST_LABELS + ".gz");

    /** MD5 sums of the original {@code .gz} files, the default checksums for {@link #download(URI, Path)}. */
    public static final Map<String, String> MD5 = orderedMap(
            TRAIN_IMAGES + ".gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            TRAIN_LABELS + ".gz", "d53e105ee54ea40749a09fcbcd1e9432",
            TEST_IMAGES + ".gz", "9fb629c4189551a2d022fa330f9573f3",
            TEST_LABELS + ".gz", "ec29112dd5afa0611ce80d1b7f02629c");

    /** A public mirror of the original {@code .gz} files (the one TensorFlow's tutorials used). */
    public static final URI DEFAULT_MIRROR = URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/");

    private static final int IMAGE_MAGIC = 0x00000803;
    private static final int LABEL_MAGIC = 0x00000801;
    private static final int ROWS = 28, COLS = 28;

    /**
     * The four arrays of {@code load_data()}: {@code ((x_train, y_train), (x_test, y_test))}.
     *
     * @param xTrain float32 {@code (60000, 28, 28)}
     * @param yTrain int32 {@code (60000,)}, digits 0..9
     * @param xTest  float32 {@code (10000, 28, 28)}
     * @param yTest  int32 {@code (10000,)}
     */
    public record Data(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) {}

    // ================================================================= loading

    /** Loads from the first default location that has the files; pixels 0..255 as float32. */
    public static Data load() throws IOException { return load(null, false); }

    /**
     * Loads from {@code dir} (a folder holding {@code mnist/} or the four files), falling back to the default
     * locations when it is null or lacks the files; pixels 0..255 as float32.
     */
    public static Data load(Path dir) throws IOException { return load(dir, false); }

    /**
     * As {@link #load(Path)}; with {@code scale} the pixels are divided by 255 (float32, in [0, 1]).
     *
     * @throws FileNotFoundException listing every place looked in, when no location has all four files
     * @throws IOException           naming the file and the problem, when a file is truncated or malformed
     */
    public static Data load(Path dir, boolean scale) throws IOException {
        Path folder = locate(dir);
        Tensor xTrain = readImages(file(folder, TRAIN_IMAGES), scale);
        Tensor yTrain = readLabels(file(folder, TRAIN_LABELS));
        Tensor xTest = readImages(file(folder, TEST_IMAGES), scale);
        Tensor yTest = readLabels(file(folder, TEST_LABELS));
        checkPair(folder, TRAIN_IMAGES, xTrain, TRAIN_LABELS, yTrain);
        checkPair(folder, TEST_IMAGES, xTest, TEST_LABELS, yTest);
        return new Data(xTrain, yTrain, xTest, yTest);
    }

    private static void checkPair(Path folder, String imgName, Tensor x, String lblName, Tensor y) throws IOException {
        Path img = file(folder, imgName), lbl = file(folder, lblName);
        if (x.shape().dim(1) != ROWS || x.shape().dim(2) != COLS) {
            throw new IOException(img + ": MNIST images are " + ROWS + "x" + COLS + ", this file holds "
                    + x.shape().dim(1) + "x" + x.shape().dim(2));
        }
        if (x.shape().dim(0) != y.shape().dim(0)) {
            throw new IOException("MNIST: " + img + " holds " + x.shape().dim(0) + " images but " + lbl + " holds "
                    + y.shape().dim(0) + " labels");
        }
        int[] labels = y.toIntArray();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new IOException(lbl + ": label " + labels[i] + " at index " + i + " is not a digit 0..9");
            }
        }
    }

    /**
     * The folder MNIST is read from: the first of {@code explicit}, {@code -Dvela.data}, {@code $VELA_DATA},
     * {@code ~/.vela/datasets} (each tried as {@code <folder>/mnist} and then {@code <folder>}) that holds all
     * four files, raw or gzip-compressed.
     *
     * @param explicit a folder to try first, or null
     * @throws FileNotFoundException listing each folder tried and what it lacked
     */
    public static Path locate(Path explicit) throws FileNotFoundException {
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, Path> c : candidates(explicit).entrySet()) {
            Path base = c.getValue();
            for (Path dir : List.of(base.resolve("mnist"), base)) {
                if (!Files.isDirectory(dir)) {
                    tried.add(dir + " (" + c.getKey() + "): no such folder");
                    continue;
                }
                List<String> missing = new ArrayList<>();
                for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
                    if (find(dir, name) == null) missing.add(name + "[.gz]");
                }
                if (missing.isEmpty()) return dir;
                tried.add(dir + " (" + c.getKey() + "): missing " + String.join(", ", missing));
            }
        }
        throw new FileNotFoundException("MNIST: the four IDX files were not found. Looked in, in order:\n  "
                + String.join("\n  ", tried)
                + "\nPass their folder to Mnist.load(path), set -Dvela.data=<folder> or VELA_DATA, "
                + "or fetch them with Mnist.download(Mnist.DEFAULT_MIRROR, Mnist.defaultCacheDir()).");
    }

    /** {@code ~/.vela/datasets/mnist}: where {@link #download(Path)} puts the files and {@link #load()} finds them. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".vela", "datasets", "mnist");
    }

    private static Map<String, Path> candidates(Path explicit) {
        Map<String, Path> c = new LinkedHashMap<>();
        if (explicit != null) c.put("explicit path", explicit);
        String prop = System.getProperty("vela.data");
        if (prop != null && !prop.isBlank()) c.putIfAbsent("system property vela.data", Path.of(prop));
        String env = System.getenv("VELA_DATA");
        if (env != null && !env.isBlank()) c.putIfAbsent("environment variable VELA_DATA", Path.of(env));
        c.put("default cache", Path.of(System.getProperty("user.home"), ".vela", "datasets"));
        return c;
    }

    /** {@code name.gz} if present, else {@code name}, else null. */
    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path raw = dir.resolve(name);
        return Files.isRegularFile(raw) ? raw : null;
    }

    private static Path file(Path dir, String name) {
        Path p = find(dir, name);
        return p != null ? p : dir.resolve(name);
    }

    // ================================================================= IDX files

    /**
     * Reads an IDX image file (magic {@code 0x00000803}, gzip or raw) into a float32 tensor
     * {@code (n, rows, cols)}: pixel values 0..255, or divided by 255 when {@code scale}.
     *
     * @throws IOException naming the file: wrong magic number, bad dimensions, truncated or extra data,
     *                     damaged gzip stream
     */
    public static Tensor readImages(Path file, boolean scale) throws IOException {
        int[] dims = new int[3];
        byte[] data = readIdx(file, IMAGE_MAGIC, dims);
        float[] lut = new float[256];
        for (int i = 0; i < 256; i++) lut[i] = scale ? i / 255f : i;
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) f[i] = lut[data[i] & 0xFF];
        return Tensor.fromArray(f, dims);
    }

    /**
     * Reads an IDX label file (magic {@code 0x00000801}, gzip or raw) into an int32 vector.
     *
     * @throws IOException naming the file and what was wrong with it
     */
    public static Tensor readLabels(Path file) throws IOException {
        int[] dims = new int[1];
        byte[] data = readIdx(file, LABEL_MAGIC, dims);
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) labels[i] = data[i] & 0xFF;
        return Tensor.of(labels);
    }

    /** Reads and checks one unsigned-byte IDX file; fills {@code dims} from its header and returns the values. */
    static byte[] readIdx(Path file, int magic, int[] dims) throws IOException {
        int ndims = magic & 0xFF;
        int headerLen = 4 + 4 * ndims;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
            String unit = gz ? "decompressed bytes" : "bytes";

            byte[] header = new byte[headerLen];
            int got = readFully(file, in, header, 0, headerLen);
            if (got < 4) {
                throw new IOException(file + ": truncated IDX file: expected at least 4 " + unit
                        + " (the magic number), got " + got);
            }
            int m = beInt(header, 0);
            if (m != magic) throw new IOException(file + ": " + describeBadMagic(m, magic));
            if (got < headerLen) {
                throw new IOException(file + ": truncated IDX header: expected " + headerLen + " " + unit + " (magic and "
                        + ndims + " sizes), got " + got);
            }
            long count = 1;
            StringBuilder dimText = new StringBuilder();
            for (int d = 0; d < ndims; d++) {
                int v = beInt(header, 4 + 4 * d);
                if (v < 0) throw new IOException(file + ": size " + d + " in the IDX header is negative (" + v + ")");
                dims[d] = v;
                count *= v;
                dimText.append(d == 0 ? "" : "x").append(v);
                if (count > Integer.MAX_VALUE - 64) {
                    throw new IOException(file + ": IDX header sizes " + dimText + "... are too large to load");
                }
            }
            byte[] data = new byte[(int) count];
            int n = readFully(file, in, data, headerLen, headerLen + count);
            if (n < count) {
                throw new IOException(file + ": truncated IDX file: expected " + (headerLen + count) + " " + unit + " ("
                        + headerLen + "-byte header + " + dimText + " values), got " + (headerLen + n));
            }
            int extra = 0;
            try {
                byte[] probe = new byte[4096];
                for (int r; (r = in.read(probe)) > 0; ) extra += r;
            } catch (ZipException | EOFException e) {
                throw new IOException(file + ": damaged gzip stream after the expected " + (headerLen + count) + " "
                        + unit + ": " + e.getMessage(), e);
            }
            if (extra > 0) {
                throw new IOException(file + ": expected " + (headerLen + count) + " " + unit + " (" + headerLen
                        + "-byte header + " + dimText + " values), got " + (headerLen + count + extra)
                        + (extra >= 4096 ? " or more" : "") + ": " + extra + " unexpected trailing bytes");
            }
            return data;
        }
    }

    /** Reads until {@code buf} is full or the stream ends; a damaged gzip stream becomes an IOException naming the file. */
    private static int readFully(Path file, InputStream in, byte[] buf, long before, long expectedTotal) throws IOException {
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream's way of saying the compressed stream stops early
            throw new IOException(file + ": truncated gzip stream: it ends after " + (before + n) + " of the expected "
                    + expectedTotal + " decompressed bytes (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IOException(file + ": damaged gzip stream after " + (before + n) + " of the expected " + expectedTotal
                    + " decompressed bytes (" + e.getMessage() + ")", e);
        }
        return n;
    }

    private static String describeBadMagic(int got, int want) {
        String hex = String.format(Locale.ROOT, "0x%08X", got);
        String wantHex = String.format(Locale.ROOT, "0x%08X", want);
        String kind = want == IMAGE_MAGIC ? "an image file" : "a label file";
        if ((got >>> 16) != 0) {
            return "not an IDX file: magic number " + hex + ", expected " + wantHex + " for " + kind;
        }
        int type = (got >>> 8) & 0xFF, nd = got & 0xFF;
        if (type != 0x08) {
            return "IDX element type 0x" + String.format(Locale.ROOT, "%02X", type) + " (magic " + hex
                    + "), expected 0x08 (unsigned byte) as in " + wantHex;
        }
        return "IDX magic number " + hex + " (" + nd + " dimension" + (nd == 1 ? "" : "s") + "), expected " + wantHex
                + " (" + (want & 0xFF) + " dimension" + ((want & 0xFF) == 1 ? "" : "s") + ") for " + kind + (nd == 1 ? "; is this a label file?" : nd == 3 ? "; is this an image file?" : "");
    }

    private static int beInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    // ================================================================= download

    /** Downloads the four files from {@link #DEFAULT_MIRROR} into {@code cacheDir}, checked against {@link #MD5}. */
    public static Path download(Path cacheDir) throws IOException { return download(DEFAULT_MIRROR, cacheDir, MD5); }

    /** Downloads the four {@code .gz} files from {@code base} into {@code cacheDir}, checked against {@link #MD5}. */
    public static Path download(URI base, Path cacheDir) throws IOException { return download(base, cacheDir, MD5); }

    /**
     * Downloads the four {@link #FILES} from {@code base} (a folder URI: {@code base + name}) into {@code cacheDir}.
     * A file already there with the right checksum is kept. Each download streams into a temporary file in
     * {@code cacheDir}, is checked against {@code checksums} (file name to hex digest: 32 digits for MD5, 40 for
     * SHA-1, 64 for SHA-256), and only then is renamed into place; on a mismatch or an HTTP error it is deleted and
     * an {@link IOException} says which file, which URL, and the expected and actual digests.
     * <pre>{@code
     * jshell> Mnist.download(Mnist.DEFAULT_MIRROR, Mnist.defaultCacheDir());
     * jshell> Mnist.Data d = Mnist.load();     // finds ~/.vela/datasets/mnist
     * }</pre>
     *
     * @return {@code cacheDir}
     */
    public static Path download(URI base, Path cacheDir, Map<String, String> checksums) throws IOException {
        for (String name : FILES) {
            if (checksums.get(name) == null) {
                throw new IllegalArgumentException("Mnist.download: no checksum given for " + name
                        + " (checksums hold " + checksums.keySet() + ")");
            }
            algorithm(checksums.get(name), name);
        }
        String b = base.toString();
        URI folder = URI.create(b.endsWith("/") ? b : b + "/");
        Files.createDirectories(cacheDir);
        try (HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build()) {
            for (String name : FILES) {
                String expected = checksums.get(name).toLowerCase(Locale.ROOT);
                Path target = cacheDir.resolve(name);
                if (Files.isRegularFile(target) && expected.equals(digest(target, algorithm(expected, name)))) continue;
                fetch(client, folder.resolve(name), target, expected, algorithm(expected, name));
            }
        }
        return cacheDir;
    }

    private static void fetch(HttpClient client, URI uri, Path target, String expected, String algo) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        boolean moved = false;
        try {
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest md = messageDigest(algo);
            long bytes = 0;
            try (InputStream body = new DigestInputStream(resp.body(), md);
                 OutputStream out = Files.newOutputStream(tmp)) {
                if (resp.statusCode() != 200) {
                    throw new IOException("Mnist.download: GET " + uri + " answered HTTP " + resp.statusCode()
                            + "; nothing was saved to " + target);
                }
                byte[] buf = new byte[1 << 16];
                for (int r; (r = body.read(buf)) > 0; ) {
                    out.write(buf, 0, r);
                    bytes += r;
                }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(expected)) {
                throw new IOException("Mnist.download: checksum mismatch for " + target.getFileName() + " from " + uri
                        + ": expected " + algo + " " + expected + ", got " + got + " (" + bytes
                        + " bytes); the file was not saved to " + target.getParent());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Mnist.download: interrupted while fetching " + uri);
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    private static String algorithm(String hex, String name) {
        String h = hex.toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("Mnist.download: checksum for " + name + " is not hexadecimal: '" + hex + "'");
        }
        return switch (h.length()) {
            case 32 -> "MD5";
            case 40 -> "SHA-1";
            case 64 -> "SHA-256";
            case 128 -> "SHA-512";
            default -> throw new IllegalArgumentException("Mnist.download: checksum for " + name + " has " + h.length()
                    + " hex digits; expected 32 (MD5), 40 (SHA-1), 64 (SHA-256) or 128 (SHA-512)");
        };
    }

    private static MessageDigest messageDigest(String algo) {
        try {
            return MessageDigest.getInstance(algo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algo + " is not available in this JDK", e);
        }
    }

    /** The hex digest of a file ({@code algo}: "MD5", "SHA-1", "SHA-256", "SHA-512"). */
    static String digest(Path file, String algo) throws IOException {
        MessageDigest md = messageDigest(algo);
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
