// The shape of the JSON the smoke page leaves in `window.__result` (and in <pre id="result">),
// shared by web/smoke.ts, which writes it, and test/browser/browser.test.ts, which reads it.

/** One op run on the GPU and on the CPU from the same inputs; values flattened, in order. */
export interface Comparison {
  name: string;
  shape: number[];
  gpu: number[];
  cpu: number[];
  /** max |gpu - cpu| and max |cpu|, for a quick look (the test checks element by element). */
  maxAbsDiff: number;
  maxAbsCpu: number;
}

export interface SmokeResult {
  /** true when every stage ran without throwing (the numbers still need checking). */
  ok: boolean;
  error?: { message: string; stack?: string; stage: string };
  userAgent: string;
  /** What navigator.gpu offered before the library touched it: null when there is no adapter. */
  adapter: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter?: boolean;
  } | null;
  /** 'no navigator.gpu' | 'no adapter' | 'ok' */
  gpuStatus: string;
  backend?: { name: string; description: string };
  comparisons: Comparison[];
  /** The fast CPU backend ('cpu') against the reference: `gpu` holds the fast backend's values. */
  fastCpu?: { description: string; comparisons: Comparison[] };
  gradcheck?: {
    ok: boolean;
    inputs?: { index: number; shape: number[]; maxAbsError: number; maxRelError: number }[];
    error?: string;
  };
  vae?: { losses: number[]; decreased: boolean; backend: string };
  millis: Record<string, number>;
}
