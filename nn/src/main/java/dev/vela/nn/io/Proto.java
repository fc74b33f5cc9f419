// Minimal protocol-buffers wire format encoder and decoder, for TensorBoard event files without a dependency.
package dev.vela.nn.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Protocol buffers (proto3) wire format: a field is a varint key {@code (number << 3) | wireType} then its
 * payload: varint (type 0), fixed 64-bit little-endian (type 1), length-delimited bytes (type 2) or fixed
 * 32-bit little-endian (type 5). Messages are written by hand field by field; the reader walks fields and lets
 * the caller pick the ones it knows, skipping the others as every protobuf parser must.
 */
final class Proto {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private Proto() {}

    /** Builds one message. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer key(int field, int wireType) {
            return rawVarint(((long) field << 3) | wireType);
        }

        Writer rawVarint(long v) {
            // int64 is encoded as its unsigned 64-bit two's complement: 10 bytes for a negative value
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        Writer int64(int field, long v) {
            return key(field, VARINT).rawVarint(v);
        }

        Writer rawFixed64(long v) {
            for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
            return this;
        }

        Writer rawFixed32(int v) {
            for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
            return this;
        }

        Writer doubleField(int field, double v) {
            return key(field, I64).rawFixed64(Double.doubleToRawLongBits(v));
        }

        Writer floatField(int field, float v) {
            return key(field, I32).rawFixed32(Float.floatToRawIntBits(v));
        }

        Writer bytes(int field, byte[] b) {
            key(field, LEN).rawVarint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Writer string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Writer message(int field, Writer m) {
            return bytes(field, m.toByteArray());
        }

        /** A packed repeated double: one length-delimited field holding the values as fixed 64-bit. */
        Writer packedDoubles(int field, double[] vs) {
            key(field, LEN).rawVarint(8L * vs.length);
            for (double v : vs) rawFixed64(Double.doubleToRawLongBits(v));
            return this;
        }

        byte[] toByteArray() { return out.toByteArray(); }
    }

    /** Walks the fields of one message held in {@code buf[from, to)}; errors name the absolute byte offset. */
    static final class Reader {
        private final byte[] buf;
        private final long base; // offset of buf[0] in whatever the caller reports positions against
        private int pos;
        private final int limit;
        private int field;
        private int wireType;

        Reader(byte[] buf, int from, int to, long base) {
            this.buf = buf;
            this.pos = from;
            this.limit = to;
            this.base = base;
        }

        Reader(byte[] buf, long base) { this(buf, 0, buf.length, base); }

        private ProtoException error(String what) {
            return new ProtoException("protobuf: " + what + " at byte " + (base + pos));
        }

        /** Advances to the next field; false at the end of the message. */
        boolean next() {
            if (pos >= limit) return false;
            long k = varint();
            field = (int) (k >>> 3);
            wireType = (int) (k & 7);
            if (field <= 0 || k >>> 3 > 0x1FFFFFFFL) throw error("invalid field number " + (k >>> 3));
            if (wireType != VARINT && wireType != I64 && wireType != LEN && wireType != I32) {
                throw error("unsupported wire type " + wireType + " for field " + field);
            }
            return true;
        }

        int field() { return field; }

        int wireType() { return wireType; }

        /** Offset (as reported in errors) of the next unread byte. */
        long position() { return base + pos; }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= limit) throw error("truncated varint");
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) return v;
            }
            throw error("varint longer than 10 bytes");
        }

        long fixed64() {
            if (limit - pos < 8) throw error("truncated 64-bit value");
            long v = 0;
            for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xFF);
            pos += 8;
            return v;
        }

        int fixed32() {
            if (limit - pos < 4) throw error("truncated 32-bit value");
            int v = 0;
            for (int i = 3; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xFF);
            pos += 4;
            return v;
        }

        /** Reads a field of the given wire type, failing with a clear message if the file used another. */
        private void want(int type, String what) {
            if (wireType != type) throw error("field " + field + " should be " + what + " but has wire type " + wireType);
        }

        long int64Value() {
            want(VARINT, "a varint");
            return varint();
        }

        double doubleValue() {
            want(I64, "a double");
            return Double.longBitsToDouble(fixed64());
        }

        float floatValue() {
            want(I32, "a float");
            return Float.intBitsToFloat(fixed32());
        }

        /** A length-delimited payload as a sub-reader over the same bytes (no copy). */
        Reader messageValue() {
            int len = length();
            Reader r = new Reader(buf, pos, pos + len, base);
            pos += len;
            return r;
        }

        byte[] bytesValue() {
            int len = length();
            byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return b;
        }

        String stringValue() {
            int len = length();
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        /**
         * A repeated double, accepting both encodings a parser must: packed (one length-delimited field) and
         * unpacked (one fixed 64-bit field per value). Returns the values this field occurrence holds.
         */
        double[] doublesValue() {
            if (wireType == I64) return new double[] {Double.longBitsToDouble(fixed64())};
            int len = length();
            if (len % 8 != 0) throw error("packed doubles of " + len + " bytes, not a multiple of 8");
            double[] v = new double[len / 8];
            for (int i = 0; i < v.length; i++) v[i] = Double.longBitsToDouble(fixed64());
            return v;
        }

        private int length() {
            want(LEN, "length-delimited");
            long len = varint();
            if (len < 0 || len > limit - pos) throw error("length " + len + " runs past the end of the message");
            return (int) len;
        }

        /** Skips the current field's payload. */
        void skip() {
            switch (wireType) {
                case VARINT -> varint();
                case I64 -> fixed64();
                case I32 -> fixed32();
                case LEN -> {
                    int len = length(); // not "pos += length()": that would add to pos as it was before the length
                    pos += len;
                }
                default -> throw error("unsupported wire type " + wireType);
            }
        }
    }

    /** A malformed protobuf message. */
    static final class ProtoException extends RuntimeException {
        ProtoException(String message) { super(message); }
    }
}
