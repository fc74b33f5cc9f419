/*
 * Tests the strict JSON reader and writer: the value types it produces, escapes and surrogate pairs, numbers,
 * rejection of everything RFC 8259 forbids (with the offset in the message), and write/parse round trips.
 */
package dev.vela.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MiniJsonTest {

    @Test
    void parsesAllValueTypes() {
        Object v = MiniJson.parse(" {\"b\": [1, -2.5e2, 0.125, true, false, null, \"s\"], \"a\": {}, \"c\": []} \n");
        Map<?, ?> m = assertInstanceOf(Map.class, v);
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()), "document order kept");
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, b.get(0));
        assertEquals(-250.0, b.get(1));
        assertEquals(0.125, b.get(2));
        assertEquals(Boolean.TRUE, b.get(3));
        assertEquals(Boolean.FALSE, b.get(4));
        assertNull(b.get(5));
        assertEquals("s", b.get(6));
        assertEquals(Map.of(), m.get("a"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void numbers() {
        assertEquals(Long.MAX_VALUE, MiniJson.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, MiniJson.parse("-9223372036854775808"));
        assertEquals(new BigInteger("18446744073709551615"), MiniJson.parse("18446744073709551615"));
        assertEquals(0L, MiniJson.parse("0"));
        assertEquals(-0.0, MiniJson.parse("-0.0"));
        assertEquals(1e-7, MiniJson.parse("1E-7"));
        assertEquals(100.0, MiniJson.parse("1e+2"));
    }

    @Test
    void stringEscapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\uD83D\uDE00",
                MiniJson.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
        assertEquals("é😀", MiniJson.parse("\"é😀\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\":1,}|7|expected a string key",        // trailing comma: the error points at the '}'
        "[1,2,]|5|unexpected character ']'",
        "{'a':1}|1|expected a string key",
        "01|1|leading zero",
        "1.|2|digits in the fraction",
        "-|1|'-' without digits",
        "1e|2|digits in the exponent",
        "\"abc|4|unterminated string",
        "[1 2]|3|expected ',' or ']'",
        "{\"a\" 1}|5|expected ':'",
        "tru|0|unexpected character 't'",
        "NaN|0|unexpected character 'N'",
        "{}x|2|unexpected text after",
        "\"\\x\"|1|invalid escape",
        "\"\\ud83d\"|7|lone high surrogate",
        "\"\\ude00\"|7|lone low surrogate",
        "{\"a\":1,\"a\":2}|7|duplicate key",
        "''|0|unexpected character",
        "|0|unexpected end of text",
    })
    void rejectsInvalidJson(String text, int offset, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(text == null ? "" : text));
        assertTrue(e.getMessage().startsWith("invalid JSON at offset " + offset + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void rawControlCharacterInStringIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("\"a\nb\""));
        assertTrue(e.getMessage().contains("raw control character U+000A"), e.getMessage());
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than 512"), e.getMessage());
    }

    @Test
    void writeIsCompactAndRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "dense \"1\"\n\u0001");
        m.put("units", 16);
        m.put("rate", 0.5);
        m.put("big", 1e20);
        m.put("whole", 3.0);
        m.put("flags", Arrays.asList(true, null, false));
        m.put("nested", Map.of("k", List.of()));
        String s = MiniJson.write(m);
        assertEquals("{\"name\":\"dense \\\"1\\\"\\n\\u0001\",\"units\":16,\"rate\":0.5,\"big\":1.0E20,\"whole\":3,"
                + "\"flags\":[true,null,false],\"nested\":{\"k\":[]}}", s);
        Map<?, ?> back = (Map<?, ?>) MiniJson.parse(s);
        assertEquals("dense \"1\"\n\u0001", back.get("name"));
        assertEquals(16L, back.get("units"));
        assertEquals(0.5, back.get("rate"));
        assertEquals(1e20, back.get("big"));
        assertEquals(3L, back.get("whole"));
        assertEquals(Arrays.asList(true, null, false), back.get("flags"));
    }

    @Test
    void writeRejectsNonFiniteNumbersAndOddKeys() {
        assertThrows(IllegalArgumentException.class, () -> MiniJson.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.write(new Object()));
    }
}
