import type { Candidate, Pending } from './types.ts';

/**
 * Readings are class instances, not object literals: V8 may decide that every object from a literal site
 * lives long ("pretenuring", after one long parse holds thousands of them) and then allocates them all in
 * the old generation, where the young objects they point to survive every scavenge until a full GC.
 * Objects made with `new` are always allocated young.
 */
class LazyReading implements Pending {
  private done = false;
  private result: Candidate | null = null;
  constructor(
    readonly index: number,
    readonly stop: number,
    readonly fromRule: boolean,
    private work: (() => Candidate | null) | null,
  ) {}

  resolve(): Candidate | null {
    if (!this.done) {
      this.result = this.work!();
      this.done = true;
      this.work = null;
    }
    return this.result;
  }
}

class SettledReading implements Pending {
  readonly index: number;
  readonly stop: number;
  readonly fromRule: boolean;
  constructor(private readonly candidate: Candidate) {
    this.index = candidate.index;
    this.stop = candidate.stop;
    this.fromRule = candidate.fromRule;
  }

  resolve(): Candidate {
    return this.candidate;
  }
}

/** A reading resolved on first use, once. */
export function pending(index: number, stop: number, fromRule: boolean, work: () => Candidate | null): Pending {
  return new LazyReading(index, stop, fromRule, work);
}

/** A reading already worked out. */
export const settled = (c: Candidate): Pending => new SettledReading(c);
