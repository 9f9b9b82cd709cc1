// The benchmarked VAE's sizes and learning rate (PyTorch's example: 784-400-20, batch 128, Adam
// 1e-3). Browser-safe, so the in-browser bench page shares them with the Node children.
export const BATCH = 128;
export const INPUT = 784;
export const HIDDEN = 400;
export const LATENT = 20;
export const LR = 1e-3;
