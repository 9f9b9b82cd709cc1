// Whether ops record the graph. Inside noGrad(fn) nothing is recorded (evaluation, optimizer
// updates, and the backward pass itself, which computes first-order gradients only).
let enabled = true;

/** False inside {@link noGrad}: ops then record no graph. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording the graph (evaluation, metrics, hand-written parameter updates)
 * and returns its result. Tensors computed inside have no gradient history.
 *
 * @example
 * ```ts
 * const logits = noGrad(() => model.forward(x)); // no graph kept for backward
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}
