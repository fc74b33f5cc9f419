/*
 * Checks the CRC32C and masking that TFRecord framing uses against published test vectors and a mask worked
 * out by hand, independently of our own writer.
 */
package dev.vela.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TfRecordTest {

    @Test
    void crc32cKnownVectors() {
        // the standard check value of CRC-32C (Castagnoli)
        assertEquals(0xE3069283, TfRecord.crc32c("123456789".getBytes(StandardCharsets.US_ASCII)));
        // RFC 3720 (iSCSI) appendix B.4: 32 bytes of zeros, 32 bytes of 0xFF
        assertEquals(0x8A9136AA, TfRecord.crc32c(new byte[32]));
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        assertEquals(0x62A8AB43, TfRecord.crc32c(ones));
    }

    @Test
    void maskOfKnownCrcByHand() {
        // crc = 0xE3069283 = 1110 0011 0000 0110 1001 0010 1000 0011
        // crc >>> 15               = 0x0001C60D   (the top 17 bits moved down)
        // crc << 17 (low 15 bits 0x1283 moved up) = 0x25060000
        // rotated = 0x2507C60D;  + 0xA282EAD8 = 0xC78AB0E5 (no carry out of 32 bits)
        assertEquals(0xC78AB0E5, TfRecord.mask(0xE3069283));
        assertEquals(0xE3069283, TfRecord.unmask(0xC78AB0E5));
        // zero: rotation of 0 is 0, so the mask is the delta itself
        assertEquals(0xA282EAD8, TfRecord.mask(0));
    }

    @Test
    void frameLayout() {
        byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] f = TfRecord.frame(data);
        assertEquals(8 + 4 + 3 + 4, f.length);
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(f, 0, 8));
        assertArrayEquals(data, Arrays.copyOfRange(f, 12, 15));
        // CRC32C("abc") = 0x364B3FB7 (computed with a bit-by-bit reference implementation)
        assertEquals(TfRecord.mask(0x364B3FB7), TfRecord.getIntLE(f, 15));
    }
}
