/**
 * Trains the local triage models from the development data (STEWARD_EVAL_DATA) and writes
 * backend/models/triage-model.json, with the recipe of src/triage/training.ts (the one the
 * leave-one-corpus-out evaluation scores). Reproducible: fixed seed, fixed hash split (see
 * src/triage/dev-data.ts): rows in the test split are never read here, so the older in-corpus tables of
 * the evaluation stay held out. Run: npm run train
 */
import { writeFileSync } from 'node:fs';
import { evalDataDirOrExit, loadParakweet, splitOf } from '../src/triage/dev-data.ts';
import { serialiseLinearModel } from '../src/triage/linear-model.ts';
import { labelledMail, loadLocoData } from '../src/triage/loco.ts';
import { DEFAULT_MODEL_PATH, type TriageModelFile } from '../src/triage/model-file.ts';
import { hasSilverData } from '../src/triage/silver-data.ts';
import { BUCKETS, RECIPE_DESCRIPTION, RECIPE_OPTIONS, SEED, trainTriageModels } from '../src/triage/training.ts';

const dataDir = evalDataDirOrExit('nothing trained');
if (!hasSilverData(dataDir)) {
  console.error(
    `nothing trained: the silver labels are not in ${dataDir}/silver (docs/evaluation.md lists the data sets)`,
  );
  process.exit(1);
}

const data = await loadLocoData(dataDir);
const sentences = loadParakweet(dataDir)
  .filter((r) => r.split !== 'test')
  .map((r) => ({ sentence: r.sentence, label: r.label }));
// The hash split of the source record: Enron id, SpamAssassin file name, AESLC file name.
const mail = labelledMail(data, (row) => splitOf(row.key.slice(row.key.indexOf(':') + 1)) !== 'test');
const model = trainTriageModels({ sentences, mail }, console.log, RECIPE_OPTIONS);

const file: TriageModelFile = {
  format: 'steward-triage-model',
  version: 1,
  trainedAt: new Date(0).toISOString(), // fixed so that retraining gives a byte-identical file
  training: {
    script: 'backend/scripts/train-triage.ts',
    seed: SEED,
    buckets: BUCKETS,
    split: 'FNV-1a("steward-split-v1:" + key) % 100: 0-74 train+calibration, 75-99 test (never used here)',
    keys: { parakweet: 'sentence', spamassassin: 'file', enron: 'id', aeslc: 'file name' },
    options: RECIPE_OPTIONS,
    data: {
      ...RECIPE_DESCRIPTION,
      rows: { sentences: sentences.length, mail: mail.length },
    },
  },
  models: {
    request: serialiseLinearModel(model.request),
    marketing: serialiseLinearModel(model.marketing),
    meeting: serialiseLinearModel(model.meeting),
  },
  ...(model.reply ? { calibration: { reply: model.reply } } : {}),
};
const json = JSON.stringify(file);
writeFileSync(DEFAULT_MODEL_PATH, json);
console.log(`wrote ${DEFAULT_MODEL_PATH} (${(json.length / 1024 / 1024).toFixed(2)} MB)`);
