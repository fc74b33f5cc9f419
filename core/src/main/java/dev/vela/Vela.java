// Library-wide settings: seeding, the default float type, and the version.
package dev.vela;

/**
 * Global settings.
 * <pre>{@code
 * Vela.seed(42);                 // reproducible rand/randn/dropout
 * Vela.floatx();                 // float32
 * }</pre>
 */
public final class Vela {
    private static volatile DType floatx = initialFloatx();

    private Vela() {}

    /** Reseeds the default generator. */
    public static void seed(long seed) { Generator.reseedDefault(seed); }

    /** The default float type of new tensors (float32 unless configured). */
    public static DType floatx() { return floatx; }

    public static void setFloatx(DType t) {
        if (!t.isFloating()) throw new IllegalArgumentException("setFloatx: " + t + " is not a float type");
        floatx = t;
    }

    private static DType initialFloatx() {
        String s = Device.Config.string("floatx");
        return s == null ? DType.FLOAT32 : DType.parse(s);
    }

    public static String version() { return "0.1.0-SNAPSHOT"; }
}
