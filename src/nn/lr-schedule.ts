// Learning-rate schedules as plain functions of the step: set `optimizer.lr = schedule(step)`
// before each step. They compose: linearWarmup(cosineDecay(...)) warms up into a cosine.
//   stepDecay:    lr0 · gamma^floor(step / stepSize)                       (torch StepLR)
//   cosineDecay:  lrMin + (lr0 - lrMin) (1 + cos(π min(step, T) / T)) / 2   (torch CosineAnnealingLR, one half-period)
//   linearWarmup: schedule(step) · min(1, (step + 1) / warmupSteps)

/** The learning rate for a step (0 = the first step). */
export type LrSchedule = (step: number) => number;

function positiveInt(owner: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${owner}: ${name} must be a positive integer, got ${v}`);
}
function nonNegative(owner: string, name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${owner}: ${name} must be a finite number >= 0, got ${v}`);
}
function options<T extends object>(owner: string, opts: T | undefined, fields: string): T {
  if (typeof opts !== 'object' || opts === null)
    throw new Error(`${owner}: expected an options object { ${fields} } as the second argument, got ${opts}`);
  return opts;
}
function stepOf(owner: string, step: number): number {
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`${owner}: step must be a non-negative integer, got ${step}`);
  return step;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps (torch.optim.lr_scheduler.StepLR).
 *
 * @example
 * ```ts
 * const schedule = stepDecay(1e-3, { stepSize: 1000, gamma: 0.5 }); // halve every 1000 steps
 * opt.lr = schedule(step);
 * ```
 */
export function stepDecay(lr: number, opts: { stepSize: number; gamma?: number }): LrSchedule {
  options('stepDecay', opts, 'stepSize, gamma?');
  const gamma = opts.gamma ?? 0.1;
  nonNegative('stepDecay', 'lr', lr);
  positiveInt('stepDecay', 'stepSize', opts.stepSize);
  nonNegative('stepDecay', 'gamma', gamma);
  return (step) => lr * gamma ** Math.floor(stepOf('stepDecay', step) / opts.stepSize);
}

/**
 * Decays from `lr` to `minLr` (default 0) along half a cosine over `totalSteps`, then stays at
 * minLr (torch.optim.lr_scheduler.CosineAnnealingLR for one half-period).
 *
 * @example
 * ```ts
 * const schedule = cosineDecay(1e-3, { totalSteps: epochs * stepsPerEpoch });
 * ```
 */
export function cosineDecay(lr: number, opts: { totalSteps: number; minLr?: number }): LrSchedule {
  options('cosineDecay', opts, 'totalSteps, minLr?');
  const minLr = opts.minLr ?? 0;
  nonNegative('cosineDecay', 'lr', lr);
  nonNegative('cosineDecay', 'minLr', minLr);
  positiveInt('cosineDecay', 'totalSteps', opts.totalSteps);
  return (step) => {
    const t = Math.min(stepOf('cosineDecay', step), opts.totalSteps) / opts.totalSteps;
    return minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/**
 * Ramps a schedule (or a constant lr) up linearly over the first `warmupSteps` steps: step s gets
 * (s + 1) / warmupSteps of it, so the first step is never at 0 and step warmupSteps - 1 is at full.
 *
 * @example
 * ```ts
 * const schedule = linearWarmup(cosineDecay(1e-3, { totalSteps: 5000 }), { warmupSteps: 200 });
 * ```
 */
export function linearWarmup(schedule: LrSchedule | number, opts: { warmupSteps: number }): LrSchedule {
  options('linearWarmup', opts, 'warmupSteps');
  if (typeof schedule !== 'number' && typeof schedule !== 'function')
    throw new Error(`linearWarmup: expected a learning rate or a schedule (step => lr), got ${schedule}`);
  positiveInt('linearWarmup', 'warmupSteps', opts.warmupSteps);
  if (typeof schedule === 'number') nonNegative('linearWarmup', 'lr', schedule);
  const base: LrSchedule = typeof schedule === 'number' ? () => schedule : schedule;
  return (step) => base(step) * Math.min(1, (stepOf('linearWarmup', step) + 1) / opts.warmupSteps);
}
