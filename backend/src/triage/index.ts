/** The local triage engine's public API. */
export { triageLocal, triageSignals, analyseRequests, DEFAULT_THRESHOLDS, type TriageContext, type SenderRule, type TriageSignals } from './local.ts';
export { learnCorrection, personalCategory, MAX_EXAMPLES, type PersonalModel } from './personal.ts';
export { defaultTriageModel, loadTriageModel, type TriageModel } from './model-file.ts';
