import type { Candidate, Pending } from './types.ts';

/** A reading resolved on first use, once. */
export function pending(index: number, stop: number, fromRule: boolean, work: () => Candidate | null): Pending {
  let done = false;
  let result: Candidate | null = null;
  return {
    index,
    stop,
    fromRule,
    resolve() {
      if (!done) {
        result = work();
        done = true;
      }
      return result;
    },
  };
}

/** A reading already worked out. */
export const settled = (c: Candidate): Pending => ({
  index: c.index,
  stop: c.stop,
  fromRule: c.fromRule,
  resolve: () => c,
});
