/*
 * Tests TensorBoard event files: exact bytes of hand-encoded records (CRCs computed independently), a full
 * write/read round trip of scalars over several steps, histograms and a graph, the framing walked by hand,
 * and CRC, truncation and malformed-record errors that name the record's file offset.
 */
package dev.vela.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventWriterTest {
    static final double WALL = 1700000000.5;

    @TempDir
    Path dir;

    private EventWriter writer() throws IOException {
        return new EventWriter(dir.resolve("logs"), () -> WALL, "test host");
    }

    @Test
    void fileNameAndExactBytesOfTheFirstTwoRecords() throws IOException {
        Path file;
        try (EventWriter w = writer()) {
            file = w.path();
            w.scalar("loss", 0.25, 3);
        }
        assertEquals(dir.resolve("logs").resolve("events.out.tfevents.1700000000.test_host"), file);
        byte[] b = Files.readAllBytes(file);
        HexFormat hex = HexFormat.of();
        // record 1, Event{wall_time=1700000000.5, file_version="brain.Event:2"}:
        //   09 <double LE>  1a 0d "brain.Event:2"   (24 bytes)
        // record 2, Event{wall_time, step=3, summary{value{tag="loss", simple_value=0.25f}}}:
        //   09 <double> 10 03 2a 0d [0a 0b [0a 04 "loss" 15 <0.25f = 0x3e800000 LE>]]   (26 bytes)
        // masked CRC32Cs computed with a bit-by-bit CRC-32C outside this project
        String want = "1800000000000000" + "a37f4b22"
                + "0900002040fc54d941" + "1a0d" + hex.formatHex("brain.Event:2".getBytes(StandardCharsets.US_ASCII))
                + "2b353110"
                + "1a00000000000000" + "129bd82d"
                + "0900002040fc54d941" + "1003" + "2a0d" + "0a0b" + "0a046c6f7373" + "150000803e"
                + "bcf29b54";
        assertEquals(want, hex.formatHex(b));
    }

    @Test
    void roundTripScalarsHistogramAndGraph() throws IOException {
        List<GraphNode> graph = List.of(
                new GraphNode("input_1", "Placeholder", List.of()),
                new GraphNode("dense_1/kernel", "VariableV2", List.of(), "/device:CPU:0", Map.of("shape", "(2, 16)")),
                new GraphNode("dense_1/MatMul", "MatMul", List.of("input_1", "dense_1/kernel")),
                new GraphNode("dense_1/Relu", "Relu", List.of("dense_1/MatMul"), "", Map.of("a", "1", "b", "ü")));
        Path file;
        try (EventWriter w = writer()) {
            file = w.path();
            w.graph(graph);
            for (int step = 0; step < 5; step++) {
                w.scalar("loss", 1.0 / (step + 1), step);
                w.scalar("val_loss", -step * 0.1, step);
            }
            w.histogram("w", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 4, 5);
            w.histogram("edges", new double[] {0, 1, 2, 3, 4}, 4, 4);
            w.histogram("zeros", new double[] {0, 0, 0}, 4);
            w.histogram("bias", Tensor.fromArray(new float[] {-1, 1}, 2), 4);
            w.scalar("big_step", 7, 1L << 40);
            w.scalar("negative_step", 8, -1);
        }

        List<EventReader.Event> events = EventReader.readAll(file);
        assertEquals(1 + 1 + 10 + 4 + 2, events.size());
        EventReader.Event first = events.get(0);
        assertEquals("brain.Event:2", first.fileVersion());
        assertEquals(WALL, first.wallTime(), 0.0);
        assertEquals(0, first.step());
        assertTrue(first.scalars().isEmpty() && first.graph().isEmpty());
        for (int i = 1; i < events.size(); i++) assertNull(events.get(i).fileVersion(), "file_version only first");

        assertEquals(graph, events.get(1).graph());

        for (int step = 0; step < 5; step++) {
            EventReader.Event loss = events.get(2 + 2 * step);
            EventReader.Event val = events.get(3 + 2 * step);
            assertEquals(step, loss.step());
            assertEquals(step, val.step());
            assertEquals(Map.of("loss", (double) (float) (1.0 / (step + 1))), loss.scalars());
            assertEquals(Map.of("val_loss", (double) (float) (-step * 0.1)), val.scalars());
            assertEquals(WALL, loss.wallTime(), 0.0);
        }

        // 0..9 in 5 buckets of width 1.8: [0,1.8) [1.8,3.6) [3.6,5.4) [5.4,7.2) [7.2,9] hold 2 each
        EventReader.Histogram h = events.get(12).histograms().get("w");
        assertEquals(4, events.get(12).step());
        assertEquals(0, h.min());
        assertEquals(9, h.max());
        assertEquals(10, h.num());
        assertEquals(45, h.sum());
        assertEquals(285, h.sumSquares()); // 0 + 1 + 4 + ... + 81
        assertArrayEquals(new double[] {1.8, 3.6, 5.4, 7.2, 9}, h.bucketLimits(), 1e-12);
        assertArrayEquals(new double[] {2, 2, 2, 2, 2}, h.buckets(), 0.0);

        // values on edges go right ([a, b)), the maximum into the last bucket
        EventReader.Histogram e = events.get(13).histograms().get("edges");
        assertArrayEquals(new double[] {1, 2, 3, 4}, e.bucketLimits(), 0.0);
        assertArrayEquals(new double[] {1, 1, 1, 2}, e.buckets(), 0.0);

        EventReader.Histogram z = events.get(14).histograms().get("zeros");
        assertArrayEquals(new double[] {0}, z.bucketLimits(), 0.0);
        assertArrayEquals(new double[] {3}, z.buckets(), 0.0);
        assertEquals(3, z.num());

        EventReader.Histogram bias = events.get(15).histograms().get("bias");
        assertEquals(30, bias.buckets().length);
        assertEquals(1.0, bias.buckets()[0]);
        assertEquals(1.0, bias.buckets()[29]);
        assertEquals(2.0, Arrays.stream(bias.buckets()).sum());
        assertEquals(-1 + 2.0 / 30, bias.bucketLimits()[0], 1e-15);
        assertEquals(2, bias.sumSquares());

        assertEquals(1L << 40, events.get(16).step());
        assertEquals(-1, events.get(17).step());
        assertEquals(Map.of("negative_step", 8.0), events.get(17).scalars());
    }

    @Test
    void framingWalkedByHand() throws IOException {
        Path file;
        try (EventWriter w = writer()) {
            file = w.path();
            for (int s = 0; s < 3; s++) w.scalar("acc", s / 4.0, s);
            w.histogram("h", new double[] {1, 2, 3}, 3);
        }
        byte[] b = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> offsets = new ArrayList<>();
        while (bb.hasRemaining()) {
            offsets.add((long) bb.position());
            long len = bb.getLong();
            int lenCrc = bb.getInt();
            assertEquals(TfRecord.mask(TfRecord.crc32c(b, bb.position() - 12, 8)), lenCrc);
            int start = bb.position();
            bb.position(start + (int) len);
            assertEquals(TfRecord.mask(TfRecord.crc32c(b, start, (int) len)), bb.getInt());
        }
        assertEquals(5, offsets.size());
        assertEquals(b.length, bb.position(), "records tile the file exactly");
        // the reader reports the same offsets
        try (EventReader r = new EventReader(file)) {
            for (long off : offsets) {
                assertEquals(off, r.position());
                r.nextRecord();
            }
            assertNull(r.nextRecord());
            assertNull(r.next());
        }
    }

    @Test
    void flippedDataByteGivesCrcErrorNamingTheOffset() throws IOException {
        Path file = threeScalars();
        byte[] b = Files.readAllBytes(file);
        // record 1 is 12 + 24 + 4 = 40 bytes; flip a data byte of record 2 (the tag)
        b[40 + 12 + 20] ^= 0x01;
        Files.write(file, b);
        try (EventReader r = new EventReader(file)) {
            assertEquals("brain.Event:2", r.next().fileVersion());
            IOException e = assertThrows(IOException.class, r::next);
            assertTrue(e.getMessage().contains("event file " + file + ": record at offset 40: data CRC mismatch"), e.getMessage());
        }
    }

    @Test
    void flippedLengthOrCrcByteIsDetected() throws IOException {
        Path file = threeScalars();
        byte[] orig = Files.readAllBytes(file);

        byte[] b = orig.clone();
        b[40] ^= 0x04; // length of record 2
        Files.write(file, b);
        IOException e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("record at offset 40: length CRC mismatch"), e.getMessage());

        b = orig.clone();
        b[b.length - 1] ^= (byte) 0x80; // the stored data CRC of the last record
        Files.write(file, b);
        e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("data CRC mismatch"), e.getMessage());
    }

    @Test
    void truncatedRecordIsReported() throws IOException {
        Path file = threeScalars();
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length - 5));
        IOException e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("truncated record"), e.getMessage());
        Files.write(file, Arrays.copyOf(b, 45));
        e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("record at offset 40: truncated record: 5 of the 12 header bytes"), e.getMessage());
    }

    @Test
    void iteratorWrapsErrors() throws IOException {
        Path file = threeScalars();
        try (EventReader r = new EventReader(file)) {
            List<Long> steps = new ArrayList<>();
            for (EventReader.Event ev : r) steps.add(ev.step());
            assertEquals(List.of(0L, 0L, 1L, 2L), steps);
        }
        byte[] b = Files.readAllBytes(file);
        b[b.length - 6] ^= 0x10;
        Files.write(file, b);
        try (EventReader r = new EventReader(file)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
                for (EventReader.Event ev : r) ev.step();
            });
            assertTrue(e.getCause().getMessage().contains("CRC mismatch"));
        }
    }

    @Test
    void readerSkipsUnknownFieldsAndRejectsMalformedEvents() throws IOException {
        // Event{wall_time=2.0, step=7, summary{value{tag="t", metadata{...}=9, simple_value=1.5}}, source_metadata=10}
        ByteArrayOutputStream ev = new ByteArrayOutputStream();
        ev.writeBytes(HexFormat.of().parseHex("090000000000000040" + "1007"));
        byte[] value = HexFormat.of().parseHex("0a0174" + "4a03" + "0a0178" + "150000c03f");
        ev.write(0x2a);
        ev.write(value.length + 2);
        ev.write(0x0a);
        ev.write(value.length);
        ev.writeBytes(value);
        ev.writeBytes(HexFormat.of().parseHex("52020801")); // field 10, a message we do not know
        ev.writeBytes(HexFormat.of().parseHex("f801" + "05")); // field 31 varint
        Path file = dir.resolve("events.out.tfevents.1.x");
        Files.write(file, TfRecord.frame(ev.toByteArray()));
        List<EventReader.Event> got = EventReader.readAll(file);
        assertEquals(1, got.size());
        assertEquals(2.0, got.get(0).wallTime());
        assertEquals(7, got.get(0).step());
        assertEquals(Map.of("t", 1.5), got.get(0).scalars());

        // a length running past the end of the message: CRCs fine, protobuf not
        Files.write(file, TfRecord.frame(HexFormat.of().parseHex("2a05" + "0a01")));
        IOException e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("record at offset 0: malformed Event: protobuf: length 5 runs past"), e.getMessage());
        // wall_time with the wrong wire type
        Files.write(file, TfRecord.frame(HexFormat.of().parseHex("0801")));
        e = assertThrows(IOException.class, () -> EventReader.readAll(file));
        assertTrue(e.getMessage().contains("field 1 should be a double but has wire type 0"), e.getMessage());
    }

    @Test
    void histogramRejectsBadInput() throws IOException {
        try (EventWriter w = writer()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.histogram("w", new double[] {1, Double.NaN}, 0));
            assertTrue(e.getMessage().contains("histogram 'w': value 1 is NaN"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.histogram("w", new double[0], 0));
            assertThrows(IllegalArgumentException.class, () -> w.histogram("w", new double[] {1}, 0, 0));
            w.close();
            assertThrows(IllegalStateException.class, () -> w.scalar("x", 1, 1));
        }
    }

    @Test
    void twoWritersInOneSecondGetTwoFiles() throws IOException {
        try (EventWriter a = writer(); EventWriter b = writer()) {
            assertTrue(!a.path().equals(b.path()));
            assertEquals(a.path().getFileName() + ".1", b.path().getFileName().toString());
        }
        try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
            assertEquals(2, s.count());
        }
    }

    @Test
    void publicConstructorUsesTheClockAndHost() throws IOException {
        double before = System.currentTimeMillis() / 1000.0;
        try (EventWriter w = new EventWriter(dir.resolve("real"))) {
            w.scalar("x", 1, 1);
            w.flush();
            String name = w.path().getFileName().toString();
            assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+"), name);
            List<EventReader.Event> ev = EventReader.readAll(w.path());
            assertEquals(2, ev.size(), "flush makes records visible before close");
            assertTrue(ev.get(1).wallTime() >= Math.floor(before) && ev.get(1).wallTime() < before + 600);
        }
    }

    private Path threeScalars() throws IOException {
        try (EventWriter w = writer()) {
            for (int s = 0; s < 3; s++) w.scalar("loss", 1.0 / (s + 1), s);
            return w.path();
        }
    }
}
