// Reads TensorBoard event files back (TFRecord framing with CRC checks, Event protobufs) for tests and tools.
package dev.vela.nn.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads an event file record by record, checking the TFRecord framing and both masked CRC32Cs of every record
 * (a mismatch or a truncated record is an {@link IOException} naming the file and the record's byte offset),
 * and decodes each {@code tensorflow.Event} into an {@link Event}: wall time, step, file version, scalars
 * ({@code simple_value}), histograms and graph nodes. Fields it does not know (images, tensors, session logs)
 * are skipped, so files from TensorFlow itself read too.
 * <pre>{@code
 * jshell> for (var e : EventReader.readAll(Path.of("logs/run1/events.out.tfevents.1700000000.host")))
 *    ...>     System.out.println(e.step() + " " + e.scalars());
 * 0 {}
 * 0 {loss=1.0}
 * 1 {loss=0.5}
 * }</pre>
 */
public final class EventReader implements Closeable, Iterable<EventReader.Event> {

    /**
     * One decoded event.
     *
     * @param wallTime    seconds since the epoch
     * @param step        global step (0 when absent)
     * @param fileVersion the {@code file_version} string of the first record, else {@code null}
     * @param scalars     tag → {@code simple_value} (a float widened to double), in file order
     * @param histograms  tag → histogram, in file order
     * @param graph       the graph's nodes when this event holds a {@code graph_def}, else empty
     */
    public record Event(double wallTime, long step, String fileVersion, Map<String, Double> scalars,
                        Map<String, Histogram> histograms, List<GraphNode> graph) {
        public Event {
            scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
            histograms = Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
            graph = List.copyOf(graph);
        }
    }

    /**
     * A decoded {@code HistogramProto}. Bucket {@code i} holds {@code buckets[i]} values up to
     * {@code bucketLimits[i]}; the first bucket starts at {@code min}.
     */
    public record Histogram(double min, double max, double num, double sum, double sumSquares,
                            double[] bucketLimits, double[] buckets) {
        public Histogram {
            bucketLimits = bucketLimits.clone();
            buckets = buckets.clone();
        }

        @Override
        public double[] bucketLimits() { return bucketLimits.clone(); }

        @Override
        public double[] buckets() { return buckets.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Histogram h && Double.compare(min, h.min) == 0 && Double.compare(max, h.max) == 0
                    && Double.compare(num, h.num) == 0 && Double.compare(sum, h.sum) == 0
                    && Double.compare(sumSquares, h.sumSquares) == 0 && Arrays.equals(bucketLimits, h.bucketLimits)
                    && Arrays.equals(buckets, h.buckets);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new double[] {min, max, num, sum, sumSquares}) * 31 * 31
                    + Arrays.hashCode(bucketLimits) * 31 + Arrays.hashCode(buckets);
        }

        @Override
        public String toString() {
            return "Histogram[min=" + min + ", max=" + max + ", num=" + num + ", sum=" + sum + ", sumSquares="
                    + sumSquares + ", bucketLimits=" + Arrays.toString(bucketLimits) + ", buckets="
                    + Arrays.toString(buckets) + "]";
        }
    }

    private final Path file;
    private final InputStream in;
    private long offset;      // file offset of the next record
    private long dataOffset;  // file offset of the last record's data, for decoding errors

    /** Opens {@code file} for reading from its first record. */
    public EventReader(Path file) throws IOException {
        this.file = file;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** Every event of {@code file}, in order. */
    public static List<Event> readAll(Path file) throws IOException {
        try (EventReader r = new EventReader(file)) {
            List<Event> out = new ArrayList<>();
            for (Event e; (e = r.next()) != null; ) out.add(e);
            return out;
        }
    }

    /** File offset of the next record. */
    public long position() { return offset; }

    /**
     * The data of the next record with both CRCs verified, or {@code null} at the end of the file.
     *
     * @throws IOException on a truncated record or a CRC mismatch, naming the record's offset
     */
    public byte[] nextRecord() throws IOException {
        long at = offset;
        byte[] head = new byte[12];
        int got = in.readNBytes(head, 0, 12);
        if (got == 0) return null;
        if (got < 12) throw bad(at, "truncated record: " + got + " of the 12 header bytes");
        long len = TfRecord.getLongLE(head, 0);
        int lenCrc = TfRecord.getIntLE(head, 8);
        int wantLenCrc = TfRecord.mask(TfRecord.crc32c(head, 0, 8));
        if (lenCrc != wantLenCrc) {
            throw bad(at, "length CRC mismatch (stored " + hex(lenCrc) + ", computed " + hex(wantLenCrc)
                    + "): corrupted file");
        }
        long left = Files.size(file) - at - 12;
        if (len < 0 || len > left - 4) {
            throw bad(at, "truncated record: " + Long.toUnsignedString(len) + " data bytes and a 4-byte CRC announced, "
                    + Math.max(left, 0) + " bytes left in the file");
        }
        if (len > Integer.MAX_VALUE - 8) throw bad(at, "record of " + len + " bytes is larger than this reader takes (2 GiB)");
        byte[] data = in.readNBytes((int) len);
        byte[] tail = in.readNBytes(4);
        if (data.length < len || tail.length < 4) throw bad(at, "truncated record (file shrank while reading)");
        int dataCrc = TfRecord.getIntLE(tail, 0);
        int wantDataCrc = TfRecord.mask(TfRecord.crc32c(data));
        if (dataCrc != wantDataCrc) {
            throw bad(at, "data CRC mismatch (stored " + hex(dataCrc) + ", computed " + hex(wantDataCrc)
                    + "): corrupted file");
        }
        dataOffset = at + 12;
        offset = at + 12 + len + 4;
        return data;
    }

    /**
     * The next event, or {@code null} at the end of the file.
     *
     * @throws IOException on a framing or CRC error, or a record that is not a well-formed Event
     */
    public Event next() throws IOException {
        long at = offset;
        byte[] data = nextRecord();
        if (data == null) return null;
        try {
            return decode(data, dataOffset);
        } catch (Proto.ProtoException e) {
            throw bad(at, "malformed Event: " + e.getMessage());
        }
    }

    /** Iterates the remaining events; I/O and format errors surface as {@link UncheckedIOException}. */
    @Override
    public Iterator<Event> iterator() {
        return new Iterator<>() {
            private Event ahead;

            @Override
            public boolean hasNext() {
                if (ahead == null) {
                    try {
                        ahead = EventReader.this.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return ahead != null;
            }

            @Override
            public Event next() {
                if (!hasNext()) throw new NoSuchElementException();
                Event e = ahead;
                ahead = null;
                return e;
            }
        };
    }

    @Override
    public void close() throws IOException { in.close(); }

    private IOException bad(long at, String what) {
        return new IOException("event file " + file + ": record at offset " + at + ": " + what);
    }

    private static String hex(int v) { return String.format("0x%08x", v); }

    // ============================================================ protobuf decoding

    /** Decodes one serialized {@code tensorflow.Event}; {@code base} is the file offset used in error messages. */
    static Event decode(byte[] data, long base) {
        Proto.Reader r = new Proto.Reader(data, base);
        double wallTime = 0;
        long step = 0;
        String fileVersion = null;
        Map<String, Double> scalars = new LinkedHashMap<>();
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        List<GraphNode> graph = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> wallTime = r.doubleValue();
                case 2 -> step = r.int64Value();
                case 3 -> fileVersion = r.stringValue();
                case 4 -> graph.addAll(graphDef(r.messageValue()));
                case 5 -> summary(r.messageValue(), scalars, histograms);
                default -> r.skip();
            }
        }
        return new Event(wallTime, step, fileVersion, scalars, histograms, graph);
    }

    private static void summary(Proto.Reader r, Map<String, Double> scalars, Map<String, Histogram> histograms) {
        while (r.next()) {
            if (r.field() != 1) {
                r.skip();
                continue;
            }
            Proto.Reader v = r.messageValue();
            String tag = "";
            Double simple = null;
            Histogram histo = null;
            while (v.next()) {
                switch (v.field()) {
                    case 1 -> tag = v.stringValue();
                    case 2 -> simple = (double) v.floatValue();
                    case 5 -> histo = histogram(v.messageValue());
                    default -> v.skip();
                }
            }
            if (simple != null) scalars.put(tag, simple);
            if (histo != null) histograms.put(tag, histo);
        }
    }

    private static Histogram histogram(Proto.Reader r) {
        double[] f = new double[5];
        List<double[]> limits = new ArrayList<>();
        List<double[]> counts = new ArrayList<>();
        while (r.next()) {
            int k = r.field();
            if (k >= 1 && k <= 5) f[k - 1] = r.doubleValue();
            else if (k == 6) limits.add(r.doublesValue());
            else if (k == 7) counts.add(r.doublesValue());
            else r.skip();
        }
        return new Histogram(f[0], f[1], f[2], f[3], f[4], concat(limits), concat(counts));
    }

    private static double[] concat(List<double[]> parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static List<GraphNode> graphDef(Proto.Reader r) {
        List<GraphNode> nodes = new ArrayList<>();
        while (r.next()) {
            if (r.field() != 1) {
                r.skip();
                continue;
            }
            long at = r.position();
            Proto.Reader n = r.messageValue();
            String name = "", op = "", device = "";
            List<String> inputs = new ArrayList<>();
            Map<String, String> attrs = new LinkedHashMap<>();
            while (n.next()) {
                switch (n.field()) {
                    case 1 -> name = n.stringValue();
                    case 2 -> op = n.stringValue();
                    case 3 -> inputs.add(n.stringValue());
                    case 4 -> device = n.stringValue();
                    case 5 -> attr(n.messageValue(), attrs);
                    default -> n.skip();
                }
            }
            if (name.isEmpty()) throw new Proto.ProtoException("protobuf: NodeDef without a name at byte " + at);
            nodes.add(new GraphNode(name, op, inputs, device, attrs));
        }
        return nodes;
    }

    /** One {@code map<string, AttrValue>} entry; only string values ({@code AttrValue.s}) are kept. */
    private static void attr(Proto.Reader entry, Map<String, String> attrs) {
        String key = "";
        String value = null;
        while (entry.next()) {
            if (entry.field() == 1) {
                key = entry.stringValue();
            } else if (entry.field() == 2) {
                Proto.Reader v = entry.messageValue();
                while (v.next()) {
                    if (v.field() == 2) value = v.stringValue();
                    else v.skip();
                }
            } else {
                entry.skip();
            }
        }
        if (value != null) attrs.put(key, value);
    }
}
