// A host copy of the model and Adam's state, taken every few seconds while training, so that a
// lost GPU device (or a diverged step) costs only the steps since: the model comes back from
// the same checkpoint format the CLI writes, the optimizer from its state tensors.
import {
  Adam,
  decodeCheckpoint,
  encodeCheckpoint,
  tensor,
  type CheckpointFiles,
  type TrainConfig,
  type VAE,
} from '../../../src/index.js';

export interface Snapshot {
  /** The session's step when the copy was taken. */
  step: number;
  files: CheckpointFiles;
  adam: { tensors: Record<string, { shape: number[]; data: Float32Array }>; scalars: Record<string, number> };
}

export async function takeSnapshot(model: VAE, optimizer: Adam, train: TrainConfig, step: number): Promise<Snapshot> {
  const files = await encodeCheckpoint(model, { train });
  const tensors: Snapshot['adam']['tensors'] = {};
  for (const [name, t] of Object.entries(optimizer.stateTensors()))
    tensors[name] = { shape: [...t.shape], data: Float32Array.from(await t.data()) };
  return { step, files, adam: { tensors, scalars: optimizer.stateScalars() } };
}

/** The model and optimizer of a snapshot, rebuilt on the current backend. */
export function restoreSnapshot(snap: Snapshot, lr: number): { model: VAE; optimizer: Adam } {
  const { model } = decodeCheckpoint(snap.files, { source: `snapshot of step ${snap.step}` });
  const optimizer = new Adam(model.parameters(), { lr });
  const state = Object.fromEntries(
    Object.entries(snap.adam.tensors).map(([name, t]) => [name, tensor(t.data, t.shape)]),
  );
  optimizer.loadState(state, snap.adam.scalars);
  return { model, optimizer };
}
