// NumPy's .npy and .npz files: read and write tensors so data moves between Vela and Python unchanged.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npy} format (one array) and {@code .npz} (a zip of {@code .npy} files, as
 * {@code np.savez} and {@code np.load} use).
 *
 * <p>Writing: float32 ({@code <f4}), float64 ({@code <f8}), int32 ({@code <i4}), int64 ({@code <i8}) and bool
 * ({@code |b1}) tensors, little-endian, C order, format version 1.0 (2.0 only if the header would not fit),
 * with the header padded so the data starts at a multiple of 64 bytes, as NumPy does. Files are written to a
 * temporary file and renamed into place.
 *
 * <p>Reading: versions 1.0, 2.0 and 3.0; either byte order; C or Fortran order; {@code f4 f8} as float32/float64,
 * {@code f2} as float32, {@code i1 i2 u1 u2 i4} as int32, {@code u4 i8 u8} as int64 (a {@code u8} value above
 * the int64 range is an error), {@code b1} as bool. A bad magic string, an unreadable header, an unsupported
 * dtype or a short data section fails with an {@link IOException} naming the file (and the {@code .npz} entry).
 * <pre>{@code
 * jshell> Npy.write(Path.of("w.npy"), Tensor.of(new float[][] {{1, 2}, {3, 4}}));
 * jshell> Npy.read(Path.of("w.npy")).toFloatArray()
 * $2 ==> float[4] { 1.0, 2.0, 3.0, 4.0 }
 * jshell> Npy.writeNpz(Path.of("d.npz"), Map.of("x", x, "y", y));     // np.load("d.npz")["x"] in Python
 * jshell> Map<String, Tensor> m = Npy.readNpz(Path.of("mnist.npz"));  // Keras's file: x_train is uint8 → int32
 * }</pre>
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    // ================================================================= writing

    /** Writes {@code t} as a {@code .npy} file (atomically: temporary file, then rename). */
    public static void write(Path file, Tensor t) throws IOException {
        atomicWrite(file, out -> write(out, t));
    }

    /** Writes {@code t} in {@code .npy} format to {@code out} (which is left open). */
    public static void write(OutputStream out, Tensor t) throws IOException {
        if (t.isSymbolic()) throw new IllegalArgumentException("Npy.write: cannot save a symbolic tensor (it has no values)");
        out.write(header(t.dtype(), t.dims()));
        long n = t.size();
        int chunk = 1 << 16;
        ByteBuffer bb = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] v = t.toFloatArray();
                for (int i = 0; i < n; i++) {
                    bb.putFloat(v[i]);
                    if (!bb.hasRemaining()) flush(bb, out);
                }
            }
            case FLOAT64 -> {
                double[] v = t.toDoubleArray();
                for (int i = 0; i < n; i++) {
                    bb.putDouble(v[i]);
                    if (!bb.hasRemaining()) flush(bb, out);
                }
            }
            case INT32 -> {
                int[] v = t.toIntArray();
                for (int i = 0; i < n; i++) {
                    bb.putInt(v[i]);
                    if (!bb.hasRemaining()) flush(bb, out);
                }
            }
            case INT64 -> {
                long[] v = t.toLongArray();
                for (int i = 0; i < n; i++) {
                    bb.putLong(v[i]);
                    if (!bb.hasRemaining()) flush(bb, out);
                }
            }
            case BOOL -> {
                boolean[] v = t.toBooleanArray();
                for (int i = 0; i < n; i++) {
                    bb.put((byte) (v[i] ? 1 : 0));
                    if (!bb.hasRemaining()) flush(bb, out);
                }
            }
        }
        flush(bb, out);
    }

    private static void flush(ByteBuffer bb, OutputStream out) throws IOException {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
    }

    /**
     * The magic, version and padded header for an array of {@code dtype} and {@code shape}, byte for byte as
     * NumPy's {@code np.save} writes it (including the spaces it reserves for the first dimension to grow).
     */
    static byte[] header(DType dtype, int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
        if (shape.length == 1) s.append(',');
        s.append(')');
        StringBuilder dict = new StringBuilder("{'descr': '" + descr(dtype) + "', 'fortran_order': False, 'shape': " + s + ", }");
        if (shape.length > 0) dict.append(" ".repeat(Math.max(0, 21 - String.valueOf(shape[0]).length())));
        int hlen = dict.length() + 1;                       // with the final newline
        int major = 1, prefix = MAGIC.length + 2 + 2;
        int padlen = ALIGN - ((prefix + hlen) % ALIGN);     // NumPy pads a full 64 when already aligned
        if (hlen + padlen > 0xFFFF) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            padlen = ALIGN - ((prefix + hlen) % ALIGN);
        }
        int total = prefix + hlen + padlen;
        ByteBuffer bb = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) bb.putShort((short) (hlen + padlen));
        else bb.putInt(hlen + padlen);
        bb.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        while (bb.position() < total - 1) bb.put((byte) ' ');
        bb.put((byte) '\n');
        return bb.array();
    }

    private static String descr(DType t) {
        return switch (t) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
        };
    }

    /** Writes an uncompressed {@code .npz} ({@code np.savez}): one {@code key.npy} entry per map entry, in map order. */
    public static void writeNpz(Path file, Map<String, Tensor> arrays) throws IOException {
        writeNpz(file, arrays, false);
    }

    /** Writes a {@code .npz}; {@code compressed} deflates the entries ({@code np.savez_compressed}). */
    public static void writeNpz(Path file, Map<String, Tensor> arrays, boolean compressed) throws IOException {
        for (String k : arrays.keySet()) {
            if (k == null || k.isEmpty()) throw new IllegalArgumentException("Npy.writeNpz: array names must be non-empty");
        }
        atomicWrite(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                write(buf, e.getValue());
                byte[] bytes = buf.toByteArray();
                ZipEntry ze = new ZipEntry(e.getKey() + ".npy");
                if (compressed) {
                    ze.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(bytes.length);
                    ze.setCompressedSize(bytes.length);
                    ze.setCrc(crc.getValue());
                }
                zip.putNextEntry(ze);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private interface Writer {
        void to(OutputStream out) throws IOException;
    }

    private static void atomicWrite(Path file, Writer w) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w.to(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    // ================================================================= reading

    /** Reads a {@code .npy} file. */
    public static Tensor read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        }
    }

    /** Reads one array in {@code .npy} format from {@code in}; {@code name} is used in error messages. */
    public static Tensor read(InputStream in, String name) throws IOException {
        byte[] pre = in.readNBytes(MAGIC.length + 2);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.length <= i || pre[i] != MAGIC[i]) {
                throw new IOException(name + ": not a .npy file (it does not start with \\x93NUMPY"
                        + (pre.length < MAGIC.length ? "; only " + pre.length + " bytes" : "") + ")");
            }
        }
        if (pre.length < MAGIC.length + 2) throw new IOException(name + ": truncated .npy file: no format version");
        int major = pre[6] & 0xFF, minor = pre[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new IOException(name + ": unsupported .npy format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are known)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lenBytes);
        if (lb.length < lenBytes) throw new IOException(name + ": truncated .npy file: no header length");
        long hlen = ByteBuffer.wrap(lenBytes == 2 ? new byte[] {lb[0], lb[1], 0, 0} : lb).order(ByteOrder.LITTLE_ENDIAN)
                .getInt() & 0xFFFFFFFFL;
        if (hlen > 1 << 24) throw new IOException(name + ": .npy header length " + hlen + " is implausible");
        byte[] hb = in.readNBytes((int) hlen);
        if (hb.length < hlen) {
            throw new IOException(name + ": truncated .npy header: expected " + hlen + " bytes, got " + hb.length);
        }
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(name, text);
        long count = 1;
        for (int d : h.shape) count *= d;
        long bytes = count * h.itemSize;
        if (bytes > Integer.MAX_VALUE - 64L || count > Integer.MAX_VALUE - 64L) {
            throw new IOException(name + ": array of shape " + shapeText(h.shape) + " is too large to load");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length < bytes) {
            long headerBytes = MAGIC.length + 2 + lenBytes + hlen;
            throw new IOException(name + ": truncated .npy data: shape " + shapeText(h.shape) + " of '" + h.descr
                    + "' needs " + bytes + " bytes after the " + headerBytes + "-byte header, got " + data.length
                    + " (file of " + (headerBytes + data.length) + " bytes, expected " + (headerBytes + bytes) + ")");
        }
        return decode(name, h, data, (int) count);
    }

    /**
     * Reads every {@code .npy} entry of a {@code .npz} file into a map keyed by the entry name without
     * {@code .npy}, in the zip's order (other entries are ignored).
     */
    public static Map<String, Tensor> readNpz(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry ze = en.nextElement();
                if (ze.isDirectory() || !ze.getName().endsWith(".npy")) continue;
                String key = ze.getName().substring(0, ze.getName().length() - 4);
                try (InputStream in = new BufferedInputStream(zip.getInputStream(ze), 1 << 16)) {
                    out.put(key, read(in, file + "[" + ze.getName() + "]"));
                } catch (ZipException e) {
                    throw new IOException(file + "[" + ze.getName() + "]: damaged zip entry (" + e.getMessage() + ")", e);
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz (zip) file (" + e.getMessage() + ")", e);
        }
        return out;
    }

    private record Header(String descr, boolean fortran, int[] shape, char order, char kind, int itemSize) {}

    /** Parses NumPy's header: a Python dict literal with 'descr', 'fortran_order' and 'shape'. */
    static Header parseHeader(String name, String text) throws IOException {
        Map<String, Object> dict;
        try {
            dict = new Lit(text).dict();
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": unreadable .npy header " + quote(text) + ": " + e.getMessage(), e);
        }
        Object descr = dict.get("descr"), fo = dict.get("fortran_order"), shape = dict.get("shape");
        if (!(descr instanceof String d)) {
            throw new IOException(name + ": .npy header has no string 'descr' (structured or object dtypes are not "
                    + "supported): " + quote(text));
        }
        if (!(fo instanceof Boolean fortran)) throw new IOException(name + ": .npy header has no 'fortran_order': " + quote(text));
        if (!(shape instanceof List<?> sl)) throw new IOException(name + ": .npy header has no 'shape' tuple: " + quote(text));
        int[] dims = new int[sl.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(sl.get(i) instanceof Long v)) throw new IOException(name + ": non-integer dimension in .npy shape: " + quote(text));
            if (v < 0 || v > Integer.MAX_VALUE) throw new IOException(name + ": bad dimension " + v + " in .npy shape");
            dims[i] = (int) (long) v;
        }
        if (d.length() < 3) throw new IOException(name + ": unsupported .npy dtype '" + d + "'");
        char order = d.charAt(0), kind = d.charAt(1);
        int size;
        try {
            size = Integer.parseInt(d.substring(2));
        } catch (NumberFormatException e) {
            throw new IOException(name + ": unsupported .npy dtype '" + d + "'");
        }
        boolean known = switch (kind) {
            case 'f' -> size == 2 || size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            default -> false;
        };
        if (!known || "<>|=".indexOf(order) < 0) {
            throw new IOException(name + ": unsupported .npy dtype '" + d
                    + "' (readable: float16/32/64, int8..64, uint8..64, bool)");
        }
        return new Header(d, fortran, dims, order, kind, size);
    }

    private static Tensor decode(String name, Header h, byte[] data, int n) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(data).order(h.order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        // Fortran order: the bytes are the C-order array of the reversed shape, transposed back below
        int[] shape = h.fortran ? reversed(h.shape) : h.shape;
        Tensor t;
        switch (h.kind) {
            case 'f' -> {
                if (h.itemSize == 8) {
                    double[] v = new double[n];
                    bb.asDoubleBuffer().get(v);
                    t = Tensor.fromArray(v, DType.FLOAT64, shape);
                } else {
                    float[] v = new float[n];
                    if (h.itemSize == 4) bb.asFloatBuffer().get(v);
                    else for (int i = 0; i < n; i++) v[i] = Float.float16ToFloat(bb.getShort());
                    t = Tensor.fromArray(v, shape);
                }
            }
            case 'b' -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = data[i] != 0;
                t = Tensor.of(v).reshape(shape);
            }
            default -> {
                boolean unsigned = h.kind == 'u';
                if (h.itemSize == 8 || (unsigned && h.itemSize == 4)) {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        long x = h.itemSize == 8 ? bb.getLong() : bb.getInt() & 0xFFFFFFFFL;
                        if (unsigned && h.itemSize == 8 && x < 0) {
                            throw new IOException(name + ": uint64 value " + Long.toUnsignedString(x) + " at flat index "
                                    + i + " does not fit int64");
                        }
                        v[i] = x;
                    }
                    t = Tensor.of(v).reshape(shape);
                } else {
                    int[] v = new int[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = switch (h.itemSize) {
                            case 1 -> unsigned ? data[i] & 0xFF : data[i];
                            case 2 -> unsigned ? bb.getShort() & 0xFFFF : bb.getShort();
                            default -> bb.getInt();
                        };
                    }
                    t = Tensor.of(v).reshape(shape);
                }
            }
        }
        if (h.fortran && shape.length > 1) {
            int[] perm = new int[shape.length];
            for (int i = 0; i < perm.length; i++) perm[i] = perm.length - 1 - i;
            t = t.permute(perm).contiguous();
        }
        return t;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
        return r;
    }

    private static String shapeText(int[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : ", ").append(s[i]);
        return b.append(s.length == 1 ? ",)" : ")").toString();
    }

    private static String quote(String s) {
        String t = s.strip();
        return "\"" + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + "\"";
    }

    /** A tiny reader for the Python literals NumPy writes in headers: dicts, strings, tuples, ints, booleans. */
    private static final class Lit {
        private final String s;
        private int i;

        Lit(String s) { this.s = s; }

        Map<String, Object> dict() {
            skip();
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            skip();
            while (peek() != '}') {
                Object k = value();
                if (!(k instanceof String key)) throw new IllegalArgumentException("dict key is not a string at offset " + i);
                skip();
                expect(':');
                m.put(key, value());
                skip();
                if (peek() == ',') {
                    i++;
                    skip();
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at offset " + i);
                }
            }
            i++;
            return m;
        }

        Object value() {
            skip();
            char c = peek();
            if (c == '\'' || c == '"') {
                i++;
                int j = s.indexOf(c, i);
                if (j < 0) throw new IllegalArgumentException("unterminated string at offset " + i);
                String v = s.substring(i, j);
                i = j + 1;
                return v;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                i++;
                List<Object> items = new ArrayList<>();
                skip();
                while (peek() != close) {
                    items.add(value());
                    skip();
                    if (peek() == ',') {
                        i++;
                        skip();
                    } else if (peek() != close) {
                        throw new IllegalArgumentException("expected ',' or '" + close + "' at offset " + i);
                    }
                }
                i++;
                return items;
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int j = i;
            if (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+')) j++;
            while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
            if (j == i) throw new IllegalArgumentException("unexpected '" + c + "' at offset " + i);
            long v = Long.parseLong(s.substring(i, j));
            i = j;
            if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) i++; // Python 2 longs
            return v;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at offset " + i + ", found '" + peek() + "'");
            i++;
        }
    }

    /** The NumPy descr string Vela writes for a dtype, e.g. {@code "<f4"}. */
    public static String descrOf(DType t) { return descr(t); }
}
