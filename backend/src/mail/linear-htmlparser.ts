/**
 * htmlparser2 keeps its open elements with the innermost first (`stack.unshift(name)`) and looks a closing
 * tag up with `stack.indexOf(name)`. Both cost the depth of the stack, so HTML that opens tags and never
 * closes them (`<b><i>` × 40,000, which anyone can email) takes quadratic time: 7.8 s for 240 KB. Every HTML
 * path of Steward (our own pass in html-text.ts, sanitize-html, html-to-text) parses with htmlparser2.
 *
 * This module gives every Parser (both the ES module and the CommonJS copy, which sanitize-html loads) a
 * stack that, once deeper than PLAIN_STACK_DEPTH, has the same array interface but does those operations
 * in constant time: items are stored outermost first (so unshift/shift are push/pop), and a count per tag
 * name answers "not open" at once (a found tag is closed, with everything above it, right after, so the
 * scan is paid for by the pops). Below that depth the parser keeps its own array: each step then costs at
 * most that depth, and a plain array is several times cheaper than the Proxy below.
 * The parser only uses [i], length, shift, unshift and indexOf; anything else works on a copy.
 * Importing the module installs it; test/mail/linear-htmlparser.test.ts checks the events against the
 * shipped parser, test/linear-time.test.ts the timing.
 */
import { createRequire } from 'node:module';
import { Parser as EsmParser } from 'htmlparser2';

class TopFirst<T> {
  /** Outermost first: the parser's index 0 is the last item. */
  readonly items: T[] = [];
  readonly counts = new Map<T, number>();

  constructor(initial: readonly T[]) {
    for (let i = initial.length - 1; i >= 0; i--) this.push(initial[i] as T);
  }

  push(value: T): void {
    this.items.push(value);
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    const value = this.items.pop() as T;
    const n = (this.counts.get(value) ?? 1) - 1;
    if (n === 0) this.counts.delete(value);
    else this.counts.set(value, n);
    return value;
  }

  at(index: number): T | undefined {
    return this.items[this.items.length - 1 - index];
  }

  indexOf(value: T): number {
    if (!this.counts.has(value)) return -1;
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i] === value) return this.items.length - 1 - i;
    return -1;
  }

  setLength(length: number): void {
    if (length >= this.items.length) return;
    // Truncating keeps the first (innermost) items: drop from the outermost end.
    for (const value of this.items.splice(0, this.items.length - Math.max(0, length))) {
      const n = (this.counts.get(value) ?? 1) - 1;
      if (n === 0) this.counts.delete(value);
      else this.counts.set(value, n);
    }
  }

  toArray(): T[] {
    return [...this.items].reverse();
  }
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

function topFirstArray<T>(initial: readonly T[]): T[] {
  const stack = new TopFirst(initial);
  const methods: Record<string, unknown> = {
    shift: () => stack.pop(),
    unshift: (...values: T[]) => {
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i] as T);
      return stack.items.length;
    },
    indexOf: (value: T) => stack.indexOf(value),
  };
  return new Proxy([] as T[], {
    get(_target, prop) {
      if (prop === 'length') return stack.items.length;
      if (typeof prop === 'string') {
        if (INDEX.test(prop)) return stack.at(Number(prop));
        if (prop in methods) return methods[prop];
      }
      const copy = stack.toArray();
      const value = Reflect.get(copy, prop, copy);
      return typeof value === 'function' ? value.bind(copy) : value;
    },
    set(_target, prop, value) {
      if (prop === 'length') {
        stack.setLength(Number(value));
        return true;
      }
      if (typeof prop === 'string' && INDEX.test(prop) && Number(prop) < stack.items.length) {
        const i = stack.items.length - 1 - Number(prop);
        const old = stack.items[i] as T;
        const n = (stack.counts.get(old) ?? 1) - 1;
        if (n === 0) stack.counts.delete(old);
        else stack.counts.set(old, n);
        stack.items[i] = value as T;
        stack.counts.set(value as T, (stack.counts.get(value as T) ?? 0) + 1);
        return true;
      }
      return false;
    },
    has(_target, prop) {
      if (typeof prop === 'string' && INDEX.test(prop)) return Number(prop) < stack.items.length;
      return prop === 'length' || Reflect.has([], prop);
    },
  });
}

const INSTALLED = Symbol.for('steward.linearHtmlparser2');

/**
 * Up to this depth the parser keeps its plain array: unshift, shift and indexOf then cost at most this
 * many steps (linear overall), and the array is several times cheaper to use than the stack above, whose
 * every access goes through a Proxy. Deeper, the array is replaced by that stack, once, for good.
 */
export const PLAIN_STACK_DEPTH = 256;

function install(parserClass: { prototype: object } | undefined): void {
  const proto = parserClass?.prototype as Record<symbol, unknown> | undefined;
  if (!proto || proto[INSTALLED]) return;
  for (const field of ['stack', 'foreignContext']) {
    const key = Symbol(field);
    const linear = Symbol(`${field} is linear`);
    Object.defineProperty(proto, field, {
      configurable: true,
      get(this: Record<symbol, unknown>) {
        const value = this[key] as unknown[];
        if (this[linear] !== true && value.length > PLAIN_STACK_DEPTH) {
          const stack = topFirstArray(value);
          this[key] = stack;
          this[linear] = true;
          return stack;
        }
        return value;
      },
      set(this: Record<symbol, unknown>, value: unknown[]) {
        const initial = Array.isArray(value) ? value : [];
        if (initial.length > PLAIN_STACK_DEPTH) {
          this[key] = topFirstArray(initial);
          this[linear] = true;
        } else {
          this[key] = [...initial];
          this[linear] = false;
        }
      },
    });
  }
  proto[INSTALLED] = true;
}

install(EsmParser);
install((createRequire(import.meta.url)('htmlparser2') as { Parser?: { prototype: object } }).Parser);

/** True when both copies of htmlparser2 have the linear stack (for tests). */
export function htmlparser2IsLinear(): boolean {
  const cjs = (createRequire(import.meta.url)('htmlparser2') as { Parser?: { prototype: object } }).Parser;
  return Boolean(
    (EsmParser.prototype as unknown as Record<symbol, unknown>)[INSTALLED] &&
      (cjs?.prototype as Record<symbol, unknown> | undefined)?.[INSTALLED],
  );
}
