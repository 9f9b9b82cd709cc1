// Adam in WebAssembly SIMD, generated: the reference's update (cpu/adam.ts), operation for
// operation in float64 on two parameters at a time (f64x2), each float32 moment rounded as the
// reference's store rounds it — so the results are bit-identical to the reference's.
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g g;  p = p - lr (m / bias1) / (sqrt(v / bias2) + eps) - lr wd p
// (Kingma & Ba, "Adam", 2015; decoupled weight decay as in AdamW.)
import { F32x4, F64x2, Flow, FunctionBuilder, get, I32, i32, set, V128 } from './wasm-writer.js';

export type AdamExport = (p: number, g: number, m: number, v: number, n: number, consts: number) => void;

/** The order of the float64 constants adam reads at `consts` (8 bytes each). */
export const ADAM_CONSTS = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'bias1',
  'bias2',
  'eps',
  'lr',
  'decay',
] as const;

/**
 * adam(p, g, m, v, n, consts): for i < n (n even), float32 arrays at byte addresses p, g, m, v;
 * m, v and p are updated in place.
 */
export function adamFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [p, g, m, v, n, consts] = [0, 1, 2, 3, 4, 5];
  const off = f.local('i32'),
    end = f.local('i32');
  const [beta1, c1, beta2, c2, bias1, bias2, eps, lr, decay] = ADAM_CONSTS.map(() => f.local('v128')) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const g2 = f.local('v128'),
    m32 = f.local('v128'),
    v32 = f.local('v128'),
    step = f.local('v128'),
    p2 = f.local('v128');
  const at = (base: number) => I32.add(get(base), get(off));
  const load2 = (base: number) => F64x2.promoteLowF32x4(V128.load64Zero(0, at(base)));
  const { add, sub, mul, div, sqrt } = F64x2;
  const promote = (x: number) => F64x2.promoteLowF32x4(get(x));

  f.emit(
    ...[beta1, c1, beta2, c2, bias1, bias2, eps, lr, decay].map((c, k) => set(c, V128.load64Splat(8 * k, get(consts)))),
    set(end, I32.mul(get(n), i32(4))),
    set(off, i32(0)),
    Flow.block(
      Flow.loop(
        Flow.brIf(1, I32.geU(get(off), get(end))),
        set(g2, load2(g)),
        // the moments, rounded to float32 as the reference's Float32Array stores round them
        set(m32, F32x4.demoteF64x2Zero(add(mul(get(beta1), load2(m)), mul(get(c1), get(g2))))),
        V128.store64Lane(0, 0, at(m), get(m32)),
        set(v32, F32x4.demoteF64x2Zero(add(mul(get(beta2), load2(v)), mul(mul(get(c2), get(g2)), get(g2))))),
        V128.store64Lane(0, 0, at(v), get(v32)),
        set(step, div(div(promote(m32), get(bias1)), add(sqrt(div(promote(v32), get(bias2))), get(eps)))),
        set(p2, load2(p)),
        V128.store64Lane(
          0,
          0,
          at(p),
          F32x4.demoteF64x2Zero(sub(sub(get(p2), mul(get(lr), get(step))), mul(get(decay), get(p2)))),
        ),
        set(off, I32.add(get(off), i32(8))),
        Flow.br(0),
      ),
    ),
  );
  return f;
}
