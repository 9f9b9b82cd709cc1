// Modules a PyTorch user reaches for: stateDict / loadStateDict, train() / eval() reaching every
// layer (and Dropout obeying), Sequential, Dropout, LayerNorm, Embedding, the activation layers.
import { describe, expect, it } from 'vitest';
import {
  decodeStateDict,
  Dropout,
  Embedding,
  encodeStateDict,
  GELU,
  LayerNorm,
  Linear,
  MLP,
  manualSeed,
  memoryStats,
  randn,
  ReLU,
  Sequential,
  SiLU,
  tensor,
  tidy,
  zeros,
} from '../../src/index.js';

describe('stateDict and loadStateDict', () => {
  it('names parameters as namedParameters() and round-trips through safetensors', async () => {
    manualSeed(1);
    const a = new MLP([4, 3, 2]);
    const state = a.stateDict();
    expect(Object.keys(state)).toEqual(a.namedParameters().map(([n]) => n));
    expect(Object.getPrototypeOf(state)).toBeNull();
    expect(state['0.weight']).toBe(a.parameters()[0]);
    const bytes = await encodeStateDict(state);
    const b = new MLP([4, 3, 2]);
    const loaded = decodeStateDict(bytes).tensors;
    b.loadStateDict(loaded);
    for (const t of Object.values(loaded)) t.dispose();
    const x = randn([5, 4]);
    expect(Array.from(await b.forward(x).data())).toEqual(Array.from(await a.forward(x).data()));
  });

  it('copies: the source may be disposed or changed afterwards', async () => {
    const m = new Linear(2, 1);
    const w = tensor([[3, 4]]);
    m.loadStateDict({ weight: w, bias: tensor([5]) });
    w.dispose();
    expect(await m.weight.toArray()).toEqual([[3, 4]]);
  });

  it('names missing and unexpected keys, wrong shapes and dtypes; writes nothing on error', async () => {
    const m = new MLP([2, 3, 1]);
    const before = await m.parameters()[0]!.data();
    const state = { ...m.stateDict() };
    delete state['1.bias'];
    state['2.weight'] = zeros([1]);
    state['0.weight'] = zeros([3, 2]).add(7);
    expect(() => m.loadStateDict(state)).toThrow(
      "MLP.loadStateDict: missing '1.bias'; unexpected '2.weight' (the module has 0.weight, 0.bias, 1.weight, 1.bias)",
    );
    expect(Array.from(await m.parameters()[0]!.data())).toEqual(Array.from(before));
    expect(() => m.loadStateDict({ ...m.stateDict(), '0.bias': zeros([4]) })).toThrow(
      "MLP.loadStateDict: '0.bias' is float32[4], the module's is float32[3]",
    );
    expect(() => m.loadStateDict({ ...m.stateDict(), '0.bias': zeros([3], { dtype: 'int32' }) })).toThrow(
      /'0.bias' is int32\[3\]/,
    );
    // strict: false loads what matches and ignores the rest
    m.loadStateDict({ '0.weight': zeros([3, 2]).add(7), extra: zeros([1]) }, { strict: false });
    expect(Array.from(await m.parameters()[0]!.data())).toEqual([7, 7, 7, 7, 7, 7]);
  });
});

describe('train() and eval()', () => {
  it('reach every layer of a nested model, and Dropout obeys', async () => {
    const drop = new Dropout(0.5);
    const inner = new Sequential(new Linear(4, 4), drop);
    const net = new Sequential(inner, new ReLU());
    expect(drop.training).toBe(true);
    net.eval();
    expect([net, inner, drop].map((m) => m.training)).toEqual([false, false, false]);
    const x = randn([3, 4]);
    const y = drop.forward(x);
    expect(y).not.toBe(x);
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    net.train();
    expect(drop.training).toBe(true);
    manualSeed(3);
    const dropped = await drop.forward(tensor(new Array(1000).fill(1), [1000])).data();
    const zerosCount = dropped.filter((v) => v === 0).length;
    expect(zerosCount).toBeGreaterThan(420);
    expect(zerosCount).toBeLessThan(580);
    expect(dropped.every((v) => v === 0 || v === 2)).toBe(true);
  });

  it('Dropout is reproducible under manualSeed and checks p', async () => {
    const d = new Dropout(0.3);
    const x = randn([50]);
    manualSeed(7);
    const a = await d.forward(x).data();
    manualSeed(7);
    const b = await d.forward(x).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => new Dropout(1.5)).toThrow(/Dropout: p must be a probability in \[0, 1\], got 1.5/);
    expect(Array.from(await new Dropout(1).forward(x).data()).every((v) => v === 0)).toBe(true);
  });
});

describe('layers', () => {
  it('Sequential names parameters like torch.nn.Sequential and frees its intermediates', () => {
    const net = new Sequential(new Linear(3, 4), new GELU(), new Dropout(0.1), new Linear(4, 2), new SiLU());
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const x = randn([2, 3]);
    const before = memoryStats().tensors;
    const y = net.forward(x);
    expect(y.shape).toEqual([2, 2]);
    expect(memoryStats().tensors).toBe(before + 1);
  });

  it('LayerNorm normalises the trailing axes and has weight and bias', async () => {
    const norm = new LayerNorm([3]);
    expect(norm.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    const y = await norm.forward(tensor([[1, 2, 3]])).data();
    const s = Math.sqrt(2 / 3 + 1e-5);
    [-1 / s, 0, 1 / s].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameterCount()).toBe(0);
    expect(() => norm.forward(randn([2, 4]))).toThrow(/layerNorm: normalizedShape \[3\] is not the trailing shape/);
  });

  it('Embedding looks up rows for ids of any shape and trains them', async () => {
    const e = new Embedding(5, 2);
    const ids = tensor(new Int32Array([4, 0, 4, 1]), [2, 2]);
    const v = e.forward(ids);
    expect(v.shape).toEqual([2, 2, 2]);
    const w = await e.weight.data();
    const got = await v.data();
    expect(Array.from(got.slice(0, 2))).toEqual(Array.from(w.slice(8, 10)));
    tidy(() => e.forward(ids).sum().backward());
    expect(Array.from(await e.weight.grad!.data())).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 2, 2]);
    expect(() => e.forward(tensor(new Int32Array([5])))).toThrow(
      'Embedding: id 5 at position 0 of int32[1] is outside [0, 5)',
    );
  });

  it('MLP and Linear take gelu and silu activations', async () => {
    manualSeed(4);
    const m = new MLP([3, 5, 2], 'gelu', 'silu');
    const x = randn([4, 3]);
    const l0 = m.layers[0]!;
    const l1 = m.layers[1]!;
    const want = tidy(() =>
      l1.weight.matmul(
        l0.weight
          .matmul(x.transpose())
          .add(l0.bias.reshape([5, 1]))
          .gelu(),
      ),
    );
    const expected = tidy(() =>
      want
        .add(l1.bias.reshape([2, 1]))
        .silu()
        .transpose(),
    );
    const got = await m.forward(x).data();
    const exp = await expected.data();
    got.forEach((g, i) => expect(g).toBeCloseTo(exp[i]!, 5));
  });
});
