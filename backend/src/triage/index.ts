/** The local triage engine's public API. */
export {
  analyseRequests,
  DEFAULT_THRESHOLDS,
  type SenderRule,
  type TriageContext,
  type TriageSignals,
  triageLocal,
  triageSignals,
} from './local.ts';
export { defaultTriageModel, loadTriageModel, type TriageModel } from './model-file.ts';
export { learnCorrection, MAX_EXAMPLES, type PersonalModel, personalCategory } from './personal.ts';
