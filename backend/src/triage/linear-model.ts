/**
 * Logistic regression over hashed features, with Platt calibration. Pure functions: training here is
 * used by backend/scripts/train-triage.ts, prediction by the local engine.
 */
import { type HashSink, hashFeature } from './features.ts';

export interface LinearModel {
  /** Number of hash buckets (a power of two). */
  buckets: number;
  bias: number;
  weights: Float32Array;
  /** Platt scaling fitted on a calibration split: p = sigmoid(a * score + b). */
  platt: { a: number; b: number };
  /**
   * Isotonic calibration fitted on out-of-fold scores, used instead of Platt when present: p is the linear
   * interpolation of y over the increasing scores x (flat beyond the ends).
   */
  isotonic?: Isotonic;
  /** Decision threshold on the calibrated probability, when the model has its own (else the caller's). */
  threshold?: number;
  /** The strongest positive features by name, to explain a decision in words. */
  explain: Record<string, number>;
}

export interface Isotonic {
  x: number[];
  y: number[];
}

export interface SerialisedLinearModel {
  buckets: number;
  bias: number;
  /** Weights quantised to int16 (little-endian), base64; weight = int * scale. */
  scale: number;
  weights: string;
  platt: { a: number; b: number };
  isotonic?: Isotonic;
  threshold?: number;
  explain: Record<string, number>;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Bucket index and sign of each distinct feature (a feature counts once, however often it appears). */
export function featureIndices(features: readonly string[], buckets: number): Int32Array {
  const seen = new Set<string>(features);
  const indices = new Int32Array(seen.size);
  const mask = buckets - 1;
  let i = 0;
  for (const feature of seen) {
    const hash = hashFeature(feature);
    // The top bit picks a sign so that collisions cancel on average instead of adding up.
    indices[i++] = hash & 0x80000000 ? -((hash & mask) + 1) : (hash & mask) + 1;
  }
  return indices;
}

function rawScoreOf(model: Pick<LinearModel, 'bias' | 'weights'>, indices: Int32Array): number {
  let score = model.bias;
  for (const signed of indices) score += signed > 0 ? model.weights[signed - 1]! : -model.weights[-signed - 1]!;
  return score;
}

/** The uncalibrated score (log-odds before Platt). */
export function rawScore(model: LinearModel, features: readonly string[]): number {
  return rawScoreOf(model, featureIndices(features, model.buckets));
}

/** A raw score turned into a calibrated probability (isotonic when the model has it, else Platt). */
export function calibrate(model: Pick<LinearModel, 'platt' | 'isotonic'>, score: number): number {
  const iso = model.isotonic;
  if (!iso || iso.x.length === 0) return sigmoid(model.platt.a * score + model.platt.b);
  const { x, y } = iso;
  if (score <= x[0]!) return y[0]!;
  const last = x.length - 1;
  if (score >= x[last]!) return y[last]!;
  let lo = 0,
    hi = last; // x[lo] < score < x[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const span = x[hi]! - x[lo]!;
  return span > 0 ? y[lo]! + ((score - x[lo]!) / span) * (y[hi]! - y[lo]!) : y[hi]!;
}

export function probability(model: LinearModel, features: readonly string[]): number {
  return calibrate(model, rawScore(model, features));
}

/** The uncalibrated score of the distinct feature hashes collected in a sink (the inference hot path). */
export function rawScoreOfSink(model: Pick<LinearModel, 'bias' | 'weights' | 'buckets'>, sink: HashSink): number {
  const weights = model.weights;
  const hashes = sink.hashes;
  const mask = model.buckets - 1;
  let score = model.bias;
  for (let i = 0; i < sink.length; i++) {
    const hash = hashes[i]!;
    // Same sign convention as featureIndices: the top bit of the hash picks the sign.
    score += hash & 0x80000000 ? -weights[hash & mask]! : weights[hash & mask]!;
  }
  return score;
}

export function probabilityOfSink(model: LinearModel, sink: HashSink): number {
  return calibrate(model, rawScoreOfSink(model, sink));
}

const explainIndexes = new WeakMap<Record<string, number>, Map<number, [string, number]>>();

/** Like `explainingFeatures`, for distinct feature hashes (a sink's): names come from the model's explain table. */
export function explainingFeaturesOfHashes(model: LinearModel, hashes: Uint32Array, limit = 3): string[] {
  let index = explainIndexes.get(model.explain);
  if (!index) {
    index = new Map();
    for (const [feature, weight] of Object.entries(model.explain))
      if (weight > 0) index.set(hashFeature(feature), [feature, weight]);
    explainIndexes.set(model.explain, index);
  }
  const present: Array<[string, number]> = [];
  for (let i = 0; i < hashes.length; i++) {
    const hit = index.get(hashes[i]!);
    if (hit) present.push(hit);
  }
  present.sort((a, b) => b[1] - a[1]);
  return present.slice(0, limit).map(([feature]) => feature);
}

/** Features present in the input that pushed most towards the positive class, strongest first. */
export function explainingFeatures(model: LinearModel, features: readonly string[], limit = 3): string[] {
  const present = [...new Set(features)].filter((f) => (model.explain[f] ?? 0) > 0);
  present.sort((a, b) => (model.explain[b] ?? 0) - (model.explain[a] ?? 0));
  return present.slice(0, limit);
}

/** Deterministic pseudo-random numbers (mulberry32) for reproducible shuffles. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainingExample {
  features: string[];
  label: 0 | 1;
  /** Example weight, e.g. to balance data sets of different sizes. */
  weight?: number;
}

export interface TrainingOptions {
  buckets: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** How many of the strongest named features to keep for explanations. */
  explainCount?: number;
  /** Feature-name filter for explanations (e.g. only readable words). */
  explainable?: (feature: string) => boolean;
  /**
   * Buckets seen in fewer training examples than this keep weight 0: on small data sets, features seen
   * once mostly memorise their row. Default 1 (every bucket learns).
   */
  minDocumentFrequency?: number;
}

/** Logistic regression by AdaGrad SGD with L2, in a seeded order. */
export function trainLogistic(examples: readonly TrainingExample[], options: TrainingOptions): LinearModel {
  const weights = new Float32Array(options.buckets);
  const gradSquares = new Float32Array(options.buckets);
  let bias = 0;
  let biasGradSquare = 0;
  const encoded = examples.map((e) => ({
    indices: featureIndices(e.features, options.buckets),
    label: e.label,
    weight: e.weight ?? 1,
  }));
  const minDf = options.minDocumentFrequency ?? 1;
  if (minDf > 1) {
    const df = new Uint32Array(options.buckets);
    for (const e of encoded) for (const signed of e.indices) df[signed > 0 ? signed - 1 : -signed - 1]!++;
    for (const e of encoded)
      e.indices = e.indices.filter((signed) => df[signed > 0 ? signed - 1 : -signed - 1]! >= minDf);
  }
  const random = seededRandom(options.seed);
  const order = encoded.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const example = encoded[k]!;
      const p = sigmoid(rawScoreOf({ bias, weights }, example.indices));
      const gradient = (p - example.label) * example.weight;
      biasGradSquare += gradient * gradient;
      bias -= (options.learningRate * gradient) / Math.sqrt(biasGradSquare + 1e-8);
      for (const signed of example.indices) {
        const index = signed > 0 ? signed - 1 : -signed - 1;
        const sign = signed > 0 ? 1 : -1;
        const g = gradient * sign + options.l2 * weights[index]!;
        gradSquares[index] = gradSquares[index]! + g * g;
        weights[index] = weights[index]! - (options.learningRate * g) / Math.sqrt(gradSquares[index]! + 1e-8);
      }
    }
  }
  const model: LinearModel = { buckets: options.buckets, bias, weights, platt: { a: 1, b: 0 }, explain: {} };
  const named = new Map<string, number>();
  for (const example of examples) {
    if (example.label !== 1) continue;
    for (const feature of example.features) {
      if (named.has(feature) || !(options.explainable?.(feature) ?? true)) continue;
      named.set(feature, rawScore({ ...model, bias: 0 }, [feature]));
    }
  }
  const strongest = [...named.entries()]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.explainCount ?? 200);
  model.explain = Object.fromEntries(strongest.map(([f, w]) => [f, Math.round(w * 1000) / 1000]));
  return model;
}

/** Platt scaling: fits a, b of sigmoid(a·score + b) by damped Newton steps on held-apart scores. */
export function fitPlatt(scores: readonly number[], labels: readonly (0 | 1)[]): { a: number; b: number } {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  // Platt's smoothed targets keep the fit from running to infinity on separable data.
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = labels.map((y) => (y === 1 ? high : low));
  const loss = (a: number, b: number) => {
    let total = 0;
    for (let i = 0; i < scores.length; i++) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(a * scores[i]! + b)));
      total -= targets[i]! * Math.log(p) + (1 - targets[i]!) * Math.log(1 - p);
    }
    return total;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gA = 0,
      gB = 0,
      hAA = 1e-6,
      hAB = 0,
      hBB = 1e-6;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const p = sigmoid(a * s + b);
      const d = p - targets[i]!;
      const w = p * (1 - p);
      gA += d * s;
      gB += d;
      hAA += w * s * s;
      hAB += w * s;
      hBB += w;
    }
    const det = hAA * hBB - hAB * hAB;
    if (!(det > 0)) break;
    const stepA = (hBB * gA - hAB * gB) / det;
    const stepB = (hAA * gB - hAB * gA) / det;
    let factor = 1;
    let next = loss(a - stepA, b - stepB);
    while (next > current && factor > 1e-6) {
      factor /= 2;
      next = loss(a - factor * stepA, b - factor * stepB);
    }
    if (next > current) break;
    a -= factor * stepA;
    b -= factor * stepB;
    const improvement = current - next;
    current = next;
    if (improvement < 1e-10) break;
  }
  return { a, b };
}

/**
 * Isotonic regression (pool adjacent violators) of labels on scores. Each block becomes one point at its
 * mean score, with the smoothed rate (positives + 0.5) / (rows + 1) so that no probability is exactly 0 or 1.
 */
export function fitIsotonic(scores: readonly number[], labels: readonly (0 | 1)[]): Isotonic {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  const blocks: Array<{ positives: number; rows: number; scoreSum: number }> = [];
  for (const i of order) {
    blocks.push({ positives: labels[i]!, rows: 1, scoreSum: scores[i]! });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.positives / a.rows < b.positives / b.rows) break;
      a.positives += b.positives;
      a.rows += b.rows;
      a.scoreSum += b.scoreSum;
      blocks.pop();
    }
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    x: blocks.map((b) => round(b.scoreSum / b.rows)),
    y: blocks.map((b) => round((b.positives + 0.5) / (b.rows + 1))),
  };
}

export function serialiseLinearModel(model: LinearModel): SerialisedLinearModel {
  let maxAbs = 0;
  for (const w of model.weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  const quantised = new Int16Array(model.weights.length);
  for (let i = 0; i < model.weights.length; i++) quantised[i] = Math.round(model.weights[i]! / scale);
  return {
    buckets: model.buckets,
    bias: model.bias,
    scale,
    weights: Buffer.from(quantised.buffer).toString('base64'),
    platt: model.platt,
    ...(model.isotonic ? { isotonic: model.isotonic } : {}),
    ...(model.threshold !== undefined ? { threshold: model.threshold } : {}),
    explain: model.explain,
  };
}

export function deserialiseLinearModel(data: SerialisedLinearModel): LinearModel {
  // A fresh copy: Buffer pools may start at an odd offset, which Int16Array cannot view.
  const bytes = new Uint8Array(Buffer.from(data.weights, 'base64'));
  const quantised = new Int16Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 2));
  if (quantised.length !== data.buckets)
    throw new Error(`model has ${quantised.length} weights, expected ${data.buckets}`);
  const weights = new Float32Array(data.buckets);
  for (let i = 0; i < data.buckets; i++) weights[i] = quantised[i]! * data.scale;
  const model: LinearModel = {
    buckets: data.buckets,
    bias: data.bias,
    weights,
    platt: data.platt,
    explain: data.explain,
  };
  if (typeof data.threshold === 'number') model.threshold = data.threshold;
  if (
    data.isotonic &&
    Array.isArray(data.isotonic.x) &&
    Array.isArray(data.isotonic.y) &&
    data.isotonic.x.length === data.isotonic.y.length
  ) {
    model.isotonic = { x: data.isotonic.x, y: data.isotonic.y };
  }
  return model;
}
