// A tiny strict JSON reader and writer (RFC 8259), enough for safetensors headers and model architectures.
package dev.vela.nn.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON without dependencies. {@link #parse} maps objects to {@link LinkedHashMap} (keys in document
 * order; a duplicate key is an error), arrays to {@link List}, strings to {@link String}, integers without
 * fraction or exponent to {@link Long} (or {@link BigInteger} when they do not fit), other numbers to
 * {@link Double}, {@code true}/{@code false} to {@link Boolean} and {@code null} to {@code null}. Anything
 * RFC 8259 forbids is rejected with the character offset: trailing commas, single quotes, comments, leading
 * zeros, raw control characters in strings, lone surrogate escapes, text after the value.
 * {@link #write} is the inverse for those types (plus any {@link Number}, {@link Map}, {@link Iterable}) and
 * writes compact JSON with no whitespace.
 * <pre>{@code
 * jshell> MiniJson.parse("{\"a\": [1, 2.5, \"x\"], \"b\": null}")
 * $1 ==> {a=[1, 2.5, x], b=null}
 * jshell> MiniJson.write(Map.of("k", List.of(1, true)))
 * $2 ==> "{\"k\":[1,true]}"
 * }</pre>
 */
public final class MiniJson {
    /** Nesting deeper than this is rejected, so a hostile file cannot overflow the stack. */
    static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;

    private MiniJson(String s) { this.s = s; }

    /**
     * Parses one JSON value that spans the whole of {@code text} (surrounding whitespace allowed).
     *
     * @throws IllegalArgumentException naming the offset and what was wrong, if the text is not strict JSON
     */
    public static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) throw p.error("unexpected text after the JSON value");
        return v;
    }

    /** Compact JSON for a tree of maps, iterables, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    /** {@code s} as a JSON string literal, with quotes and the escapes JSON requires. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }

    // ------------------------------------------------------------------ writer

    private static void write(StringBuilder sb, Object v, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("JSON write: nesting deeper than " + MAX_DEPTH);
        switch (v) {
            case null -> sb.append("null");
            case String str -> quote(sb, str);
            case Boolean b -> sb.append(b);
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case Number n -> sb.append(n instanceof BigDecimal bd ? bd.toString() : n.toString());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException("JSON write: object key " + e.getKey() + " is not a string");
                    }
                    if (!first) sb.append(',');
                    first = false;
                    quote(sb, k);
                    sb.append(':');
                    write(sb, e.getValue(), depth + 1);
                }
                sb.append('}');
            }
            case Iterable<?> it -> {
                sb.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) sb.append(',');
                    first = false;
                    write(sb, o, depth + 1);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("JSON write: cannot write a " + v.getClass().getName());
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON write: " + d + " is not a JSON number");
        // integral values print without ".0" so that 3.0 round-trips as the integer 3 other tools expect
        if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
        else sb.append(d); // Double.toString is shortest-round-trip and uses "E" exponents JSON accepts
    }

    private static void quote(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    // ------------------------------------------------------------------ reader

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
            else break;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= s.length()) throw error("unexpected end of text, expected a value");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character " + describe(c) + ", expected a value");
            }
        };
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("unexpected character " + describe(s.charAt(pos)) + ", expected a value");
        pos += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        pos++; // '{'
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
            int keyAt = pos;
            String key = string();
            if (m.containsKey(key)) {
                pos = keyAt;
                throw error("duplicate key " + quote(key));
            }
            skipWs();
            expect(':');
            skipWs();
            m.put(key, value(depth + 1));
            skipWs();
            if (pos >= s.length()) throw error("unexpected end of text inside an object");
            char c = s.charAt(pos++);
            if (c == '}') return m;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object, got " + describe(c));
            }
        }
    }

    private List<Object> array(int depth) {
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWs();
            list.add(value(depth + 1));
            skipWs();
            if (pos >= s.length()) throw error("unexpected end of text inside an array");
            char c = s.charAt(pos++);
            if (c == ']') return list;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array, got " + describe(c));
            }
        }
    }

    private void expect(char c) {
        if (pos >= s.length()) throw error("unexpected end of text, expected '" + c + "'");
        if (s.charAt(pos) != c) throw error("expected '" + c + "', got " + describe(s.charAt(pos)));
        pos++;
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) throw error("raw control character " + describe(c) + " in a string");
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos + 1);
            pos += 2;
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
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!s.startsWith("\\u", pos)) throw error("lone high surrogate escape");
                        pos += 2;
                        char lo = hex4();
                        if (!Character.isLowSurrogate(lo)) throw error("high surrogate escape not followed by a low one");
                        sb.append(u).append(lo);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate escape");
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos -= 2; // point at the backslash
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char hex4() {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) throw error("invalid hex digit in \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        if (pos >= s.length()) throw error("'-' without digits");
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
            if (pos < s.length() && isDigit(s.charAt(pos))) throw error("leading zero in a number");
        } else if (c >= '1' && c <= '9') {
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        } else {
            throw error("expected a digit, got " + describe(c));
        }
        boolean integral = true;
        if (pos < s.length() && s.charAt(pos) == '.') {
            integral = false;
            pos++;
            digits("fraction");
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            digits("exponent");
        }
        String text = s.substring(start, pos);
        if (!integral) return Double.parseDouble(text);
        BigInteger big = new BigInteger(text);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private void digits(String part) {
        int from = pos;
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        if (pos == from) throw error("expected digits in the " + part + " of a number");
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
}
