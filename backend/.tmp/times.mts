import { parseTimeExpressions } from '../src/scheduling/times.ts';

const text = 'between 1 and '.repeat(4000);
const t = performance.now();
parseTimeExpressions(text, { ref: new Date('2026-03-02T10:00:00Z'), tz: 'Europe/Berlin' });
console.log(Math.round(performance.now() - t));
