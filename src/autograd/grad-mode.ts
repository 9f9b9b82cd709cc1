// Whether ops record the graph. Inside noGrad(fn) nothing is recorded (evaluation, optimizer
// updates, and the backward pass itself, which computes first-order gradients only).
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function noGrad<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}
