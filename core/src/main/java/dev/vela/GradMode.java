// Per-thread grad mode, restored by closing the scope that changed it.
package dev.vela;

/**
 * A scope that turns gradient recording off (or on) for the current thread until closed.
 * <pre>{@code
 * try (var ng = Autograd.noGrad()) {
 *     w.subInPlace(w.grad().mul(0.1));   // not recorded
 * }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<GradMode> CURRENT = ThreadLocal.withInitial(GradMode::new);

    boolean enabled = true;
    private final boolean restore;
    private final GradMode state;

    private GradMode() {
        this.state = this;
        this.restore = true;
    }

    private GradMode(GradMode state, boolean restore) {
        this.state = state;
        this.restore = restore;
    }

    static GradMode current() { return CURRENT.get(); }

    static GradMode set(boolean enabled) {
        GradMode s = CURRENT.get();
        GradMode scope = new GradMode(s, s.enabled);
        s.enabled = enabled;
        return scope;
    }

    /** Restores the mode that was in force when this scope was opened. */
    @Override
    public void close() { state.enabled = restore; }
}
