// Φ⁻¹(p), the standard normal quantile, by bisection on Φ(x) = ½ (1 + erf(x/√2)), with erf from
// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). Lays a grid over a latent space evenly in
// probability, as in Kingma & Welling 2014, Fig. 4.

function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? y : -y;
}

/** The standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Φ⁻¹(p) for p in (0, 1), to ~1e-6. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  let lo = -10,
    hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
