// The optimizers: the common surface (optimizer.ts), SGD (sgd.ts) and Adam (adam.ts).
export { Optimizer, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, ADAM_DEFAULTS, type AdamOptions } from './adam.js';
