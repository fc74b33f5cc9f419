// Reads and writes tensors in the safetensors format, so weights move between Vela and Python tools.
package dev.vela.nn.io;

import dev.vela.DType;
import dev.vela.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The <a href="https://github.com/huggingface/safetensors">safetensors</a> file format: an 8-byte
 * little-endian header length {@code N}, then {@code N} bytes of UTF-8 JSON, then the raw tensor data.
 * The header maps each tensor name to {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}}
 * (offsets relative to the start of the data section) and may hold a {@code "__metadata__"} object of string
 * values. Data is little-endian and row-major; tensors are contiguous and fill the data section without gaps.
 *
 * <p>Supported dtypes: {@code F32}, {@code F64}, {@code I32}, {@code I64} and {@code BOOL} (one byte, 0 or
 * 1), the element types of {@link DType}.
 *
 * <p>Writing follows the reference implementation: {@code "__metadata__"} first, then the tensors in the
 * iteration order of the given map, data in the same order, and the header padded with spaces to a multiple of
 * 8 bytes. The write is atomic: the file is written to a temporary file in the same directory, forced to disk
 * and renamed over the target, so a failed write (an I/O error, or a tensor that cannot give its values) leaves
 * any previous file untouched.
 *
 * <p>Reading validates everything before returning anything: the header length against the file size, the
 * JSON (strictly, see {@link MiniJson}), each entry's dtype, shape and offsets, the byte count against
 * dtype × shape, and that the tensors tile the data section exactly (no gap, no overlap, nothing outside it,
 * no trailing bytes). A truncated or corrupted file gives an {@link IOException} naming the file and the
 * problem. Tensors are returned in header order.
 * <pre>{@code
 * jshell> Safetensors.write(Path.of("w.safetensors"),
 *    ...>     Map.of("dense/kernel", Tensor.ones(2, 3)), Map.of("format", "vela"))
 * jshell> Safetensors.read(Path.of("w.safetensors")).get("dense/kernel").shape()
 * $2 ==> (2, 3)
 * jshell> Safetensors.readMetadata(Path.of("w.safetensors"))
 * $3 ==> {format=vela}
 * }</pre>
 */
public final class Safetensors {
    /** The reserved header key for the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";
    /** Largest header accepted, as in the reference implementation (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK = 1 << 20;

    private Safetensors() {}

    /**
     * Where one tensor lies in a file, as its header says.
     *
     * @param dtype element type
     * @param shape dimensions (empty for a scalar)
     * @param begin first byte, relative to the data section
     * @param end one past the last byte, relative to the data section
     */
    public record TensorInfo(DType dtype, List<Integer> shape, long begin, long end) {
        public TensorInfo {
            shape = List.copyOf(shape);
        }

        /** The shape as an {@code int[]}, ready for {@code Tensor.fromArray}. */
        public int[] dims() { return shape.stream().mapToInt(Integer::intValue).toArray(); }
    }

    /** A parsed, validated header. */
    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {}

    // ====================================================================== writing

    /** Writes {@code tensors} with no metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) and {@code metadata} to {@code file}, atomically.
     * Values are fetched tensor by tensor while the data is written, so a large model is never copied whole.
     *
     * @throws IllegalArgumentException for a null or reserved name, a shape with unknown dimensions, or a
     *         symbolic tensor (it has no values); {@code file} is left as it was
     * @throws IOException if the file cannot be written; {@code file} is left as it was
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.entrySet());

        // header: metadata first, then one entry per tensor with running offsets
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("Safetensors.write " + file + ": metadata keys and values must not be null");
                }
                meta.put(e.getKey(), e.getValue());
            }
            header.put(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : entries) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null) throw new IllegalArgumentException("Safetensors.write " + file + ": null tensor name");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("Safetensors.write " + file + ": '" + METADATA_KEY
                        + "' is reserved for metadata and cannot name a tensor");
            }
            if (t == null) throw new IllegalArgumentException("Safetensors.write " + file + ": tensor '" + name + "' is null");
            if (!t.shape().isKnown()) {
                throw new IllegalArgumentException("Safetensors.write " + file + ": tensor '" + name + "' has shape "
                        + t.shape() + " with unknown dimensions");
            }
            long bytes = Math.multiplyExact(t.size(), (long) t.dtype().byteSize());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", code(t.dtype()));
            info.put("shape", Arrays.stream(t.dims()).boxed().toList());
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(name, info);
            offset += bytes;
        }
        byte[] json = MiniJson.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // spaces to 8-byte alignment, as the reference writer does
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = null;
        FileChannel channel = null;
        while (channel == null) {
            // not Files.createTempFile: its 0600 permissions would stick to the renamed file
            tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                // another writer's temp file: draw another name
            }
        }
        boolean done = false;
        try {
            try (FileChannel ch = channel) {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(head.length);
                put(ch, buf, head);
                for (Map.Entry<String, Tensor> e : entries) writeData(ch, buf, file, e.getKey(), e.getValue());
                drain(ch, buf);
                ch.force(true);
            }
            move(tmp, target);
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // a file system without atomic rename (rare: some network mounts); a plain replace is the best left
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeData(FileChannel ch, ByteBuffer buf, Path file, String name, Tensor t) throws IOException {
        if (t.isSymbolic()) {
            throw new IllegalArgumentException("Safetensors.write " + file + ": tensor '" + name
                    + "' is symbolic and has no values (evaluate it first, e.g. with K.eval)");
        }
        switch (t.dtype()) {
            case FLOAT32 -> {
                for (float v : t.toFloatArray()) {
                    if (buf.remaining() < 4) drain(ch, buf);
                    buf.putFloat(v);
                }
            }
            case FLOAT64 -> {
                for (double v : t.toDoubleArray()) {
                    if (buf.remaining() < 8) drain(ch, buf);
                    buf.putDouble(v);
                }
            }
            case INT32 -> {
                for (int v : t.toIntArray()) {
                    if (buf.remaining() < 4) drain(ch, buf);
                    buf.putInt(v);
                }
            }
            case INT64 -> {
                for (long v : t.toLongArray()) {
                    if (buf.remaining() < 8) drain(ch, buf);
                    buf.putLong(v);
                }
            }
            case BOOL -> {
                for (boolean v : t.toBooleanArray()) {
                    if (!buf.hasRemaining()) drain(ch, buf);
                    buf.put((byte) (v ? 1 : 0));
                }
            }
        }
    }

    private static void put(FileChannel ch, ByteBuffer buf, byte[] bytes) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            if (!buf.hasRemaining()) drain(ch, buf);
            int n = Math.min(buf.remaining(), bytes.length - at);
            buf.put(bytes, at, n);
            at += n;
        }
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    /** The safetensors dtype code of a Vela dtype. */
    static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT32 -> "I32";
            case INT64 -> "I64";
            case BOOL -> "BOOL";
        };
    }

    private static DType dtypeOf(String code) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            case "I64" -> DType.INT64;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }

    // ====================================================================== reading

    /**
     * Reads every tensor of {@code file}, in header order, on the CPU.
     *
     * @throws IOException naming the file and the problem if it is truncated, corrupted or not safetensors;
     *         nothing is returned then
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(file, ch);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, TensorInfo> e : h.tensors().entrySet()) {
                TensorInfo info = e.getValue();
                int len = (int) (info.end() - info.begin()); // < 2^31, checked in header()
                ByteBuffer buf = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                long at = h.dataStart() + info.begin();
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, at);
                    if (n < 0) throw new EOFException(problem(file, "file ended while reading tensor '" + e.getKey()
                            + "' (was it truncated while being read?)"));
                    at += n;
                }
                buf.flip();
                out.put(e.getKey(), decode(file, e.getKey(), info, buf));
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** The {@code "__metadata__"} map of {@code file} (empty when it has none); reads only the header. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, ch).metadata();
        }
    }

    /** Name → dtype, shape and offsets of every tensor in {@code file}, in header order; reads only the header. */
    public static Map<String, TensorInfo> readInfo(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, ch).tensors();
        }
    }

    private static String problem(Path file, String what) {
        return "safetensors file " + file + ": " + what;
    }

    private static IOException bad(Path file, String what) {
        return new IOException(problem(file, what));
    }

    private static Header header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw bad(file, "file is " + size + " bytes, too short for the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES
                    + " bytes (corrupted, or not a safetensors file)");
        }
        if (n > size - 8) {
            throw bad(file, "header length " + n + " exceeds the " + (size - 8)
                    + " bytes after the length field (file truncated or corrupted)");
        }
        if (n < 2) throw bad(file, "header length " + n + " is too short for a JSON object");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(file, ch, hb, 8);
        hb.flip();
        String text;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb);
            text = cb.toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8");
        }
        if (text.charAt(0) != '{') throw bad(file, "header does not start with '{' (corrupted, or not a safetensors file)");
        Object root;
        try {
            root = MiniJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(file, "header is not valid JSON: " + e.getMessage() + " (offsets count from the header start, file byte 8)");
        }
        if (!(root instanceof Map<?, ?> top)) throw bad(file, "header is not a JSON object");
        long dataLen = size - 8 - n;

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) throw bad(file, "'" + METADATA_KEY + "' is not a JSON object");
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String v)) {
                        throw bad(file, "'" + METADATA_KEY + "' entry '" + m.getKey() + "' is not a string");
                    }
                    metadata.put((String) m.getKey(), v);
                }
                continue;
            }
            tensors.put(name, entry(file, name, e.getValue()));
        }

        // the tensors must tile [0, dataLen) exactly, in offset order
        List<Map.Entry<String, TensorInfo>> sorted = new ArrayList<>(tensors.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, TensorInfo> e) -> e.getValue().begin())
                .thenComparingLong(e -> e.getValue().end()));
        long expected = 0;
        String previous = null;
        for (Map.Entry<String, TensorInfo> e : sorted) {
            TensorInfo t = e.getValue();
            String where = "tensor '" + e.getKey() + "' data_offsets [" + t.begin() + ", " + t.end() + "]";
            if (t.begin() < expected) {
                throw bad(file, where + " overlap the previous tensor '" + previous + "', which ends at " + expected);
            }
            if (t.begin() > expected) {
                throw bad(file, where + " leave a gap: the data before it ends at " + expected);
            }
            if (t.end() > dataLen) {
                throw bad(file, where + " lie outside the data section of " + dataLen + " bytes (file truncated?)");
            }
            expected = t.end();
            previous = e.getKey();
        }
        if (expected != dataLen) {
            throw bad(file, "the tensors cover " + expected + " bytes but the data section holds " + dataLen
                    + " (trailing bytes: corrupted file)");
        }
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata), 8 + n);
    }

    private static TensorInfo entry(Path file, String name, Object value) throws IOException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) throw bad(file, where + ": header entry is not a JSON object");
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw bad(file, where + ": unexpected key '" + k + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (!(m.get("dtype") instanceof String code)) throw bad(file, where + ": missing or non-string \"dtype\"");
        DType dtype = dtypeOf(code);
        if (dtype == null) {
            throw bad(file, where + ": unsupported dtype '" + code + "' (supported: F32, F64, I32, I64, BOOL)");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) throw bad(file, where + ": missing or non-array \"shape\"");
        List<Integer> shape = new ArrayList<>();
        long count = 1;
        for (Object d : shapeList) {
            if (!(d instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                throw bad(file, where + ": shape " + shapeList + " holds " + d + ", not a dimension in [0, 2^31)");
            }
            shape.add(v.intValue());
            count = saturatingMultiply(count, v); // a later 0 still makes it 0
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2) {
            throw bad(file, where + ": missing \"data_offsets\" or it is not an array of two integers");
        }
        if (!(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end) || begin < 0 || end < begin) {
            throw bad(file, where + ": data_offsets " + off + " are not two integers 0 <= begin <= end");
        }
        long want = saturatingMultiply(count, dtype.byteSize());
        if (want != end - begin) {
            throw bad(file, where + ": data_offsets " + off + " span " + (end - begin) + " bytes but " + code + " "
                    + shapeList + " needs " + (want == Long.MAX_VALUE ? "more than 2^63" : want));
        }
        if (want > Integer.MAX_VALUE - 8 || count > Integer.MAX_VALUE) {
            throw bad(file, where + ": " + want + " bytes is larger than one Vela tensor can hold (2 GiB)");
        }
        return new TensorInfo(dtype, shape, begin, end);
    }

    private static long saturatingMultiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) throw new EOFException(problem(file, "file ended early at byte " + at));
            at += n;
        }
    }

    private static Tensor decode(Path file, String name, TensorInfo info, ByteBuffer buf) throws IOException {
        int[] dims = info.dims();
        int n = (int) (buf.remaining() / info.dtype().byteSize());
        return switch (info.dtype()) {
            case FLOAT32 -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield Tensor.fromArray(a, dims);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield Tensor.fromArray(a, DType.FLOAT64, dims);
            }
            case INT32 -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield Tensor.of(a).reshape(dims);
            }
            case INT64 -> {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                yield Tensor.of(a).reshape(dims);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    byte b = buf.get(i);
                    if (b != 0 && b != 1) {
                        throw bad(file, "tensor '" + name + "': BOOL element " + i + " is byte " + (b & 0xff) + ", not 0 or 1");
                    }
                    a[i] = b == 1;
                }
                yield Tensor.of(a).reshape(dims);
            }
        };
    }
}
