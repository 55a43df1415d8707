// Entry of a CPU worker thread: Steward is TypeScript run through tsx, so the thread registers tsx itself
// (workers do not inherit a loader registered in-process) and then serves the tasks of tasks.ts.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./tasks.ts');

export const normalise = tasks.normalise;
export const triage = tasks.triage;
export const notes = tasks.notes;
export const spin = tasks.spin;
