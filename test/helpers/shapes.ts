// fast-check generators for shapes: small ranks and dims, with size-1 and broadcast variants.
import fc from 'fast-check';

export const shapeArb = (maxRank = 3, maxDim = 4): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank });

/** Two shapes that broadcast together: each drops some leading axes and sets some axes to 1. */
export const broadcastPairArb = (maxRank = 4, maxDim = 4): fc.Arbitrary<[number[], number[]]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 1, maxLength: maxRank }).chain((base) => {
    const variant = fc
      .tuple(
        fc.integer({ min: 0, max: base.length }),
        fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
      )
      .map(([drop, ones]) => base.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(variant, variant);
  });

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
