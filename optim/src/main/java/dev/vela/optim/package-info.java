/**
 * Optimizers for Vela with Keras's names and defaults and torch.optim's update rules: {@link dev.vela.optim.SGD},
 * {@link dev.vela.optim.Adam} (and AMSGrad), {@link dev.vela.optim.AdamW}, {@link dev.vela.optim.RMSprop},
 * {@link dev.vela.optim.Adagrad}, {@link dev.vela.optim.Adadelta}, {@link dev.vela.optim.Adamax} and
 * {@link dev.vela.optim.Nadam}; learning-rate schedules; gradient clipping. Each rule runs eagerly
 * ({@code step(params)} after {@code backward()}) or as update pairs for {@code K.function}
 * ({@code updates(loss, params)}).
 * <pre>{@code
 * Optimizer opt = Optimizers.get("adam");
 * loss.backward(); opt.step(params); opt.zeroGrad(params);                        // eager
 * KFunction train = K.function(inputs, List.of(loss), opt.updates(loss, vars));   // symbolic
 * }</pre>
 */
package dev.vela.optim;
