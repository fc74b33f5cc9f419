// A small, strict JSON parser for test fixtures (the PyTorch oracle cases, training references); no dependencies.
package dev.vela.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict RFC 8259 JSON parser used by the tests to read the shared oracle files.
 *
 * <p>Mapping: objects become {@code LinkedHashMap<String, Object>} (key order kept, duplicate keys
 * rejected), arrays become {@code List<Object>}, <b>every number becomes a {@link Double}</b> (integers
 * included, so {@code 3} parses to {@code 3.0}; use {@link #asInt(Object)} / {@link #asLong(Object)} to read
 * integers back, which check that the value is integral), strings become {@code String}, {@code true/false}
 * become {@code Boolean} and {@code null} becomes Java {@code null}.
 *
 * <p>Strictness: no comments, no trailing commas, no single quotes, no leading zeros, no {@code NaN} /
 * {@code Infinity}, no unescaped control characters in strings, no content after the value. Every error
 * is a {@link JsonException} whose message gives the offset, line and column.
 *
 * <pre>{@code
 * Map<String, Object> m = Json.parseObject("{\"shape\": [2, 3], \"ok\": true}");
 * int rows = Json.asInt(((List<?>) m.get("shape")).get(0));   // 2
 * }</pre>
 */
public final class Json {

    /** Thrown for malformed input; the message names the position. */
    public static final class JsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        JsonException(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        /** Character offset (0-based) in the parsed text where the error was found. */
        public int offset() {
            return offset;
        }
    }

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON value; the whole text must be that value (surrounding whitespace allowed). */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Json.parse: text is null");
        }
        Json p = new Json(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) {
            throw p.error("unexpected content after the JSON value");
        }
        return v;
    }

    /** Parses a text that must be a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("expected a JSON object at top level, got " + typeName(v), 0);
        }
        return (Map<String, Object>) v;
    }

    /** A JSON number read back as an int; fails if it is not integral or out of range. */
    public static int asInt(Object v) {
        long l = asLong(v);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not an int: " + v);
        }
        return (int) l;
    }

    /** A JSON number read back as a long; fails if it is not integral. */
    public static long asLong(Object v) {
        if (!(v instanceof Double d)) {
            throw new IllegalArgumentException("expected a number, got " + typeName(v));
        }
        if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 0x1p53) {
            throw new IllegalArgumentException("not an integer: " + d);
        }
        return d.longValue();
    }

    /** A JSON number read back as a double. */
    public static double asDouble(Object v) {
        if (!(v instanceof Double d)) {
            throw new IllegalArgumentException("expected a number, got " + typeName(v));
        }
        return d;
    }

    /** A JSON array of numbers as an int[]. */
    public static int[] asIntArray(Object v) {
        List<?> l = asList(v);
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asInt(l.get(i));
        }
        return r;
    }

    /** A JSON array of numbers as a double[]. */
    public static double[] asDoubleArray(Object v) {
        List<?> l = asList(v);
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asDouble(l.get(i));
        }
        return r;
    }

    /** A JSON array. */
    public static List<?> asList(Object v) {
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("expected an array, got " + typeName(v));
        }
        return l;
    }

    /** A JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object v) {
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected an object, got " + typeName(v));
        }
        return (Map<String, Object>) v;
    }

    static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "object";
        if (v instanceof List) return "array";
        if (v instanceof String) return "string";
        if (v instanceof Double) return "number";
        if (v instanceof Boolean) return "boolean";
        return v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------------------------------------

    private static final int MAX_DEPTH = 512;

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (pos >= s.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character " + describe(c) + ", expected a value");
        }
    }

    private Map<String, Object> object(int depth) {
        pos++; // '{'
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("expected a string key in object");
            }
            int keyPos = pos;
            String key = string();
            skipWs();
            expect(':');
            skipWs();
            Object v = value(depth + 1);
            if (m.containsKey(key)) {
                throw new JsonException(where(keyPos) + ": duplicate key \"" + key + "\"", keyPos);
            }
            m.put(key, v);
            skipWs();
            char c = peek();
            if (c == ',') {
                pos++;
                continue;
            }
            if (c == '}') {
                pos++;
                return m;
            }
            throw error("expected ',' or '}' in object");
        }
    }

    private List<Object> array(int depth) {
        pos++; // '['
        List<Object> l = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            skipWs();
            l.add(value(depth + 1));
            skipWs();
            char c = peek();
            if (c == ',') {
                pos++;
                continue;
            }
            if (c == ']') {
                pos++;
                return l;
            }
            throw error("expected ',' or ']' in array");
        }
    }

    private String string() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw new JsonException(where(start) + ": unterminated string", start);
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character " + describe(c) + " in string");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            pos++;
            if (pos >= s.length()) {
                throw error("unterminated escape in string");
            }
            char e = s.charAt(pos);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 >= s.length()) { // pos is at 'u'; the four hex digits are pos+1 .. pos+4
                        throw error("truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 1; i <= 4; i++) {
                        char h = s.charAt(pos + i);
                        int d = Character.digit(h, 16);
                        if (d < 0) {
                            pos += i;
                            throw error("bad hex digit " + describe(h) + " in \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    sb.append((char) cp);
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e + " in string");
            }
            pos++;
        }
    }

    private Double number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (pos >= s.length()) {
            throw error("unexpected end of input in number");
        }
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
            if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                throw error("leading zeros are not allowed in numbers");
            }
        } else if (c >= '1' && c <= '9') {
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        } else {
            throw error("expected a digit in number, got " + describe(c));
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("expected a digit after the decimal point");
            }
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("expected a digit in the exponent");
            }
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        return Double.valueOf(s.substring(start, pos));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected token, expected '" + word + "'");
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(pos);
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
            else break;
        }
    }

    private JsonException error(String what) {
        return new JsonException(where(pos) + ": " + what, pos);
    }

    private String where(int at) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < at && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "JSON error at offset " + at + " (line " + line + ", column " + col + ")";
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("U+%04X", (int) c);
        }
        return "'" + c + "'";
    }
}
