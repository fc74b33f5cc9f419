// Tests of the strict test-fixture JSON parser and the oracle loader (they guard every oracle-based test).
package dev.vela.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON parser accepts exactly RFC 8259 with the documented mapping; errors give the position. */
class JsonTest {

    @Test
    void parsesAllValueKinds() {
        Map<String, Object> m = Json.parseObject(
                " {\"a\": 1, \"b\": -2.5e-3, \"c\": [true, false, null], \"d\": {\"e\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\"}, \"f\": []} ");
        assertEquals(List.of("a", "b", "c", "d", "f"), List.copyOf(m.keySet()));
        assertEquals(1.0, m.get("a"));
        assertEquals(-2.5e-3, m.get("b"));
        List<?> c = (List<?>) m.get("c");
        assertEquals(Boolean.TRUE, c.get(0));
        assertEquals(Boolean.FALSE, c.get(1));
        assertNull(c.get(2));
        assertEquals(3, c.size());
        assertEquals("x\"y\\z\n\u00e9\uD83D\uDE00", Json.asObject(m.get("d")).get("e"));
        assertTrue(((List<?>) m.get("f")).isEmpty());
        assertEquals(3, Json.asInt(Json.parse("3")));
        assertEquals(1e300, Json.parse("1E+300"));
        assertEquals(-0.0, Json.parse("-0"));
        assertEquals(0.1, Json.parse("0.1"));
        assertEquals(-1.7557869011215055, Json.parse("-1.7557869011215055"));  // round-trips doubles exactly
        assertArrayEquals(new int[] {2, 3}, Json.asIntArray(Json.parse("[2, 3]")));
        assertThrows(IllegalArgumentException.class, () -> Json.asInt(Json.parse("2.5")));
    }

    @Test
    void rejectsNonStrictInputWithAPosition() {
        String[] bad = {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "NaN", "Infinity", "'a'", "[1 2]",
                "{\"a\" 1}", "{a:1}", "\"\\x\"", "\"abc", "\"a\tb\"", "tru", "nul", "[1]]", "{} x", "\"\\u12\"", "1e",
                "{\"a\":1,\"a\":2}", "// c\n1", "-"};
        for (String s : bad) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(s), () -> "accepted: " + s);
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("{\n  \"a\": [1, 2,, 3]\n}"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("column 14"), e.getMessage());
        assertEquals(15, e.offset());
    }

    @Test
    void loadsOracleCasesAndBuildsArrays(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cases.jsonl");
        Files.writeString(f, """
                {"id": "add-1", "op": "add", "args": {}, "doc": "d", "inputs": [{"shape": [2], "data": [1, 2]}, {"shape": [], "data": [3]}], "output": {"shape": [2], "data": [4, 5]}, "upstream": {"shape": [2], "data": [1, 1]}, "grads": [{"shape": [2], "data": [1, 1]}, {"shape": [], "data": [2]}]}

                {"id": "argmax-1", "op": "argmax", "args": {"axis": -1, "keepdims": false}, "doc": "", "inputs": [{"shape": [1, 2], "data": [0, 1]}], "output": {"shape": [1], "data": [1]}, "upstream": null, "grads": null}
                """);
        List<Oracle.Case> cases = Oracle.loadCases(f);
        assertEquals(2, cases.size());
        Oracle.Case a = cases.get(0);
        assertEquals("add-1", a.id());
        assertArrayEquals(new int[0], a.inputs().get(1).shape());
        assertArrayEquals(new double[] {3}, a.inputs().get(1).data());
        assertTrue(a.differentiable(1));
        Oracle.Case b = cases.get(1);
        assertEquals(3, b.line());
        assertNull(b.upstream());
        assertFalse(b.differentiable(0));
        assertEquals(-1, b.intArg("axis"));
        assertFalse(b.boolArg("keepdims"));

        Files.writeString(f, "{\"id\": \"x\", \"op\": \"neg\", \"inputs\": [{\"shape\": [3], \"data\": [1, 2]}], \"output\": null}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Oracle.loadCases(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void comparesWithToleranceAndReportsTheWorstElement() {
        int[] s = {2, 2};
        assertNull(Oracle.compare("t", s, new double[] {1, 2, 3, 4}, s, new double[] {1, 2, 3, 4 + 1e-10}, 1e-9, 0));
        String m = Oracle.compare("t", s, new double[] {1, 2, 3, 4}, s, new double[] {1, 2.1, 3, 4.001}, 1e-9, 1e-12);
        assertTrue(m != null && m.contains("2 of 4") && m.contains("[0, 1]"), m);
        assertTrue(Oracle.compare("t", s, new double[4], new int[] {4}, new double[4], 1, 1).contains("shape (4,)"));
        assertNull(Oracle.compare("t", new int[] {1}, new double[] {Double.NaN}, new int[] {1}, new double[] {Double.NaN}, 0, 0));
        assertTrue(Oracle.compare("t", new int[] {1}, new double[] {1}, new int[] {1}, new double[] {Double.NaN}, 1, 1) != null);
        assertEquals("()", Oracle.shapeString(new int[0]));
        assertEquals("(5,)", Oracle.shapeString(new int[] {5}));
    }
}
