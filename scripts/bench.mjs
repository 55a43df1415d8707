#!/usr/bin/env node
// `npm run bench [name...]`: every benchmark in backend/bench, then the add-ins' own (bundle size, pane load, card round trip).
import { runAll } from './run-scripts.mjs';

runAll('bench', process.argv.slice(2));
