#!/usr/bin/env node
// `npm run eval [name...]`: every evaluation in backend/eval, on the data sets in the folder STEWARD_EVAL_DATA names.
import { runAll } from './run-scripts.mjs';

runAll('eval', process.argv.slice(2));
