#!/usr/bin/env node
// The `vae` command: train | sample | eval. Errors print one clear line and exit non-zero
// (2 for a usage error, 1 for a failure).
import { releaseBackends } from '../tensor/backends.js';
import { UsageError } from './args.js';
import { runInFilteredChild, setUpAsFilteredChild, wantsFilteredChild } from './filtered-child.js';
import { evalCommand, EVAL_HELP } from './eval-command.js';
import { sampleCommand, SAMPLE_HELP } from './sample-command.js';
import { sweepCommand, SWEEP_HELP } from './sweep-command.js';
import { trainCommand, TRAIN_HELP } from './train-command.js';
import { tuneCommand, TUNE_HELP } from './tune-command.js';

const HELP = `vae — VAE and CVAE on MNIST, on a from-scratch WebGPU tensor engine

usage: vae <command> [flags]      (vae <command> --help for its flags)

  train    train a model; writes metrics, pictures and a checkpoint to --out
  sample   draw images from a checkpoint into a .png grid or a .npy array
  eval     sample quality (a classifier's verdict), test -ELBO and importance-weighted log-likelihood of a checkpoint
  sweep    one model per value of --beta or --latent: rate-distortion plot, samples, sample quality
  tune     time the WebGPU matmul candidates at the training shapes on this adapter; cache the fastest`;

const commands: Record<string, (argv: string[], log: (line: string) => void) => Promise<number>> = {
  train: trainCommand,
  sample: sampleCommand,
  eval: evalCommand,
  sweep: sweepCommand,
  tune: tuneCommand,
};

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    log(HELP);
    return command ? 0 : 2;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`vae: unknown command '${command}' (expected train, sample, eval, sweep or tune)\n`);
    return 2;
  }
  try {
    return await run(rest, log);
  } catch (e) {
    process.stderr.write(`vae ${command}: ${(e as Error).message.replace(new RegExp(`^vae ${command}: `), '')}\n`);
    return e instanceof UsageError ? 2 : 1;
  } finally {
    releaseBackends();
  }
}

export { TRAIN_HELP, SAMPLE_HELP, EVAL_HELP, SWEEP_HELP, TUNE_HELP };

const argv = process.argv.slice(2);
setUpAsFilteredChild();
process.exitCode = wantsFilteredChild(argv) ? await runInFilteredChild(argv) : await main(argv);
