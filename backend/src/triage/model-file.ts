/** The shipped model file backend/models/triage-model.json: derived weights only, made by train-triage.ts. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserialiseLinearModel, type Isotonic, type LinearModel, type SerialisedLinearModel } from './linear-model.ts';

export interface TriageModel {
  /** Sentence level: does this sentence ask the reader to do something? (Parakweet) */
  request: LinearModel;
  /** Message level: newsletter, promotion or bulk commercial mail? (SpamAssassin + Enron) */
  marketing: LinearModel;
  /** Message level: does it arrange a meeting or other logistics? (Enron 1.4) */
  meeting: LinearModel;
  /**
   * Isotonic map from the engine's raw reply score (request probability adjusted for how the reader is
   * addressed) to P(needsReply), fitted on leave-one-corpus-out predictions (train-triage.ts).
   */
  reply?: Isotonic;
}

type LinearModelName = 'request' | 'marketing' | 'meeting';

export interface TriageModelFile {
  format: 'steward-triage-model';
  version: 1;
  trainedAt: string;
  training: Record<string, unknown>;
  models: Record<LinearModelName, SerialisedLinearModel>;
  calibration?: { reply?: Isotonic };
}

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/triage-model.json', import.meta.url));

export function parseTriageModel(file: TriageModelFile): TriageModel {
  if (file.format !== 'steward-triage-model' || file.version !== 1)
    throw new Error('not a steward triage model file (version 1)');
  const model: TriageModel = {
    request: deserialiseLinearModel(file.models.request),
    marketing: deserialiseLinearModel(file.models.marketing),
    meeting: deserialiseLinearModel(file.models.meeting),
  };
  const reply = file.calibration?.reply;
  if (
    reply &&
    Array.isArray(reply.x) &&
    Array.isArray(reply.y) &&
    reply.x.length === reply.y.length &&
    reply.x.length > 0
  )
    model.reply = { x: reply.x, y: reply.y };
  return model;
}

export function loadTriageModel(path = DEFAULT_MODEL_PATH): TriageModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`triage model ${path} is missing; create it with: npx tsx backend/scripts/train-triage.ts`);
  }
  return parseTriageModel(JSON.parse(text) as TriageModelFile);
}

let cached: TriageModel | undefined;

/** The shipped model, loaded once per process. */
export function defaultTriageModel(): TriageModel {
  cached ??= loadTriageModel();
  return cached;
}
