// Optimizers by Keras name ("adam", "sgd" ...) and from saved configs.
package dev.vela.optim;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.TreeMap;

/**
 * Looks optimizers up by the names Keras's {@code compile(optimizer="adam")} accepts, with Keras's
 * defaults, and rebuilds them from {@link Optimizer#getConfig()} maps.
 * <pre>{@code
 * jshell> Optimizers.get("rmsprop")
 * $1 ==> RMSprop{name=RMSprop, learning_rate=0.001, decay=0.0, rho=0.9, momentum=0.0, epsilon=1.0E-7, centered=false}
 * jshell> Optimizers.get("adamm")
 * |  Exception java.lang.IllegalArgumentException: unknown optimizer 'adamm'; known: adadelta, adagrad, adam, ...
 * }</pre>
 */
public final class Optimizers {
    private Optimizers() {}

    private static final Map<String, Supplier<Optimizer>> BY_NAME = new TreeMap<>(Map.of(
            "sgd", SGD::new,
            "adam", Adam::new,
            "adamw", AdamW::new,
            "rmsprop", RMSprop::new,
            "adagrad", Adagrad::new,
            "adadelta", Adadelta::new,
            "adamax", Adamax::new,
            "nadam", Nadam::new));

    /** The known names, sorted. */
    public static List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /**
     * A new optimizer with Keras's defaults for a Keras name or class name, case-insensitively
     * ({@code "adam"}, {@code "Adam"}, {@code "RMSprop"}, {@code "AdaDelta"}).
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the known ones
     */
    public static Optimizer get(String name) {
        if (name == null) throw new IllegalArgumentException("unknown optimizer null; known: " + String.join(", ", names()));
        Supplier<Optimizer> s = BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + String.join(", ", names()));
        }
        return s.get();
    }

    /** An optimizer from a {@link Optimizer#getConfig()} map (its {@code name} chooses the class). */
    public static Optimizer fromConfig(Map<String, ?> config) {
        if (config == null || !(config.get("name") instanceof String n)) {
            throw new IllegalArgumentException("Optimizers.fromConfig: the config needs a 'name', got " + config);
        }
        Optimizer o = get(n);
        o.configure(config);
        return o;
    }
}
