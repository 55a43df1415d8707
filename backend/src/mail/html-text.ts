/**
 * The visible text of an HTML body in one htmlparser2 pass: hidden elements (the rules of
 * `hiddenBecause`), comments, scripts and styles are dropped, and the rest is written straight out as
 * text (block elements → line breaks, links keep their text, lists get bullets or numbers, h4–h6 in
 * capitals).
 *
 * The output is, by construction, the text that `html-to-text` (configured as normalise.ts did) gives
 * for the output of `visibleStructuralHtml`, which is what normalisation used before; it replaces those
 * two (a sanitize-html pass, then a second parse, a DOM and a selector engine) on the hot path. That is
 * why it follows three stages exactly:
 *
 * 1. which elements survive: every element is checked with its own attributes; an invisible one goes
 *    with its whole content; only structural tags (STRUCTURAL_TAGS) are kept, the others give their text;
 *    tags nested 40 deep or more are dropped, text kept (sanitize-html's `nestingLimit`);
 * 2. the tree those surviving tags form when parsed again on their own (htmlparser2's implied closes:
 *    `<p><span><div>` nests, but `<p><div>` does not, and an unmatched `</p>` is an empty paragraph);
 * 3. html-to-text's block model on that tree: pending line breaks per block, whitespace collapsing, only
 *    the content of `<body>` when there is one, list items prefixed and indented.
 *
 * Anything unexpected throws, and the caller falls back to the sanitize-html + html-to-text path.
 * Checked against that path on the development corpus and on generated HTML (test/mail/html-text.test.ts).
 */
import { Parser } from 'htmlparser2';
import './linear-htmlparser.ts';
import { hiddenBecause, STRUCTURAL_TAGS, stripInvisibleChars } from './hidden-text.ts';

const STRUCTURAL = new Set(STRUCTURAL_TAGS);
/** sanitize-html's nestingLimit in visibleStructuralHtml. */
const NESTING_LIMIT = 40;
/** Structural void elements: no content, no closing tag. */
const VOID = new Set(['br', 'hr', 'wbr']);

// ---------------------------------------------------------------------------------------------------
// Stage 1: the surviving tags and text, as a flat list of events.

const OPEN = 0,
  CLOSE = 1,
  TEXT = 2;

interface Events {
  kinds: number[];
  /** Tag name (OPEN, CLOSE) or text (TEXT). */
  values: string[];
  /** `start` and `type` of an `ol` (the only attributes the rendering reads). */
  attribs: Array<Record<string, string> | undefined>;
  hasBody: boolean;
}

/** Counted in the same pass: every `<a href>` and `<img>`, hidden or not (a link-heavy mail is a signal). */
export interface HtmlCounts {
  links: number;
  images: number;
}

function visibleEvents(html: string, counts?: HtmlCounts): Events {
  const events: Events = { kinds: [], values: [], attribs: [], hasBody: false };
  const emit = (kind: number, value: string, attribs?: Record<string, string>) => {
    events.kinds.push(kind);
    events.values.push(value);
    events.attribs.push(attribs);
  };
  // sanitize-html's bookkeeping, mirrored: a frame per open element outside skipped content (the stack
  // position is its depth); a skipped frame's tag is dropped (its text kept unless it is invisible).
  const frames: Array<{ tag: string; skip: boolean }> = [];
  // sanitize-html renames an invisible element (transformMap[depth]) and never clears the entry when the
  // element is discarded, so the next kept element to close at that depth closes under the new name,
  // which the second parse ignores: the element stays open. Reproduced, because the text depends on it.
  const renamed: boolean[] = [];
  let skipText = false;
  let skipTextDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (counts) {
          if (name === 'a' && 'href' in attribs) counts.links++;
          else if (name === 'img') counts.images++;
        }
        if (skipText) {
          skipTextDepth++;
          return;
        }
        const depth = frames.length;
        const hidden = hiddenBecause(name, attribs) !== undefined;
        if (hidden) renamed[depth] = true;
        const skip = hidden || !STRUCTURAL.has(name) || depth >= NESTING_LIMIT;
        frames.push({ tag: name, skip });
        if (hidden) {
          skipText = true;
          skipTextDepth = 1;
        }
        if (skip) return;
        if (name === 'ol') {
          const kept: Record<string, string> = {};
          if (attribs.start) kept.start = stripInvisibleChars(attribs.start);
          if (attribs.type) kept.type = stripInvisibleChars(attribs.type);
          emit(OPEN, name, kept);
        } else {
          if (name === 'body') events.hasBody = true;
          emit(OPEN, name);
        }
      },
      ontext(text) {
        if (!skipText) emit(TEXT, text);
      },
      onclosetag(name) {
        if (skipText) {
          if (--skipTextDepth > 0) return;
          skipText = false;
        }
        const frame = frames.pop();
        if (!frame) return;
        if (frame.tag !== name) {
          frames.push(frame);
          return;
        }
        const depth = frames.length;
        if (frame.skip) return;
        if (renamed[depth]) {
          renamed[depth] = false;
          return; // closed under the hidden name: ignored by the second parse
        }
        if (!VOID.has(name)) emit(CLOSE, name);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return events;
}

// ---------------------------------------------------------------------------------------------------
// Stage 3 first (stage 2 drives it): html-to-text's BlockTextBuilder with wordwrap off, no encoding.

const HTML_WHITESPACE = /[ \t\r\n\f\u200b]+/g;

/** One of html-to-text's whitespace characters (space, tab, CR, LF, form feed, zero-width space). */
function isHtmlWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 0x200b;
}

function onlyHtmlWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isHtmlWhitespace(text.charCodeAt(i))) return false;
  return true;
}

/** The words of the block being built, as a string: completed lines each end with "\n". */
class InlineText {
  done = '';
  lines = 0;
  current = '';
  hasWords = false;
  stashedSpace = false;

  pushWords(words: string): void {
    if (this.hasWords) this.current += ` ${words}`;
    else {
      this.current = words;
      this.hasWords = true;
    }
  }

  /** Glued to the last word of the line (no space between). */
  concatWords(words: string): void {
    if (this.hasWords) this.current += words;
    else {
      this.current = words;
      this.hasWords = true;
    }
  }

  startNewLine(count = 1): void {
    this.done += this.current + '\n'.repeat(count);
    this.lines += count;
    this.current = '';
    this.hasWords = false;
  }

  isEmpty(): boolean {
    return this.lines === 0 && !this.hasWords;
  }

  clear(): void {
    this.done = '';
    this.lines = 0;
    this.current = '';
    this.hasWords = false;
  }

  toString(): string {
    return this.done + this.current;
  }
}

interface ListItemText {
  prefix: string;
  text: string;
  leading: number;
  stashed: number;
}

class Block {
  readonly inline = new InlineText();
  raw = '';
  stashed = 0;
  readonly isPre: boolean;
  /** Lists only: the finished items, joined when the list closes (their prefixes are aligned). */
  items: ListItemText[] | undefined;
  /** List items only. */
  prefix = '';

  constructor(
    readonly next: Block | undefined,
    public leading: number,
    isPre = false,
  ) {
    this.isPre = isPre || (next?.isPre ?? false);
  }

  text(): string {
    return this.inline.isEmpty() ? this.raw : this.raw + this.inline.toString();
  }

  /** A finished child block's text, separated by the larger of the pending and the requested breaks. */
  addText(text: string, leading: number, trailing: number): void {
    const parentText = this.text();
    const lineBreaks = Math.max(this.stashed, leading);
    this.inline.clear();
    if (parentText) this.raw = parentText + '\n'.repeat(lineBreaks) + text;
    else {
      this.raw = text;
      this.leading = lineBreaks;
    }
    this.stashed = trailing;
  }
}

function trimNewlines(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '\n') start++;
  while (end > start && text[end - 1] === '\n') end--;
  return start > 0 || end < text.length ? text.slice(start, end) : text;
}

function letters(num: number, base: string): string {
  const digits: number[] = [];
  do {
    num -= 1;
    digits.push(num % 26);
    num = (num / 26) >> 0;
  } while (num > 0);
  const code = base.charCodeAt(0);
  return digits
    .reverse()
    .map((n) => String.fromCharCode(code + n))
    .join('');
}

const ROMAN_I = ['I', 'X', 'C', 'M'];
const ROMAN_V = ['V', 'L', 'D'];

function roman(num: number): string {
  return [...`${num}`]
    .map((n) => +n)
    .reverse()
    .map((v, i) => {
      const one = ROMAN_I[i];
      if (one === undefined) throw new RangeError('list number out of range'); // html-to-text throws here too
      return v % 5 < 4 ? (v < 5 ? '' : ROMAN_V[i]!) + one.repeat(v % 5) : one + (v < 5 ? ROMAN_V[i]! : ROMAN_I[i + 1]!);
    })
    .reverse()
    .join('');
}

function listNumber(type: string | undefined, n: number): string {
  switch (type) {
    case 'a':
      return letters(n, 'a');
    case 'A':
      return letters(n, 'A');
    case 'i':
      return roman(n).toLowerCase();
    case 'I':
      return roman(n);
    default:
      return n.toString();
  }
}

const BLOCKS: Record<string, [leading: number, trailing: number]> = {
  article: [1, 1],
  aside: [1, 1],
  div: [1, 1],
  footer: [1, 1],
  form: [1, 1],
  header: [1, 1],
  main: [1, 1],
  nav: [1, 1],
  section: [1, 1],
  tr: [2, 2],
  table: [2, 2],
  p: [2, 2],
  pre: [2, 2],
  blockquote: [2, 2],
  h1: [3, 2],
  h2: [3, 2],
  h3: [3, 2],
  h4: [2, 2],
  h5: [2, 2],
  h6: [2, 2],
};
const UPPERCASE = new Set(['h4', 'h5', 'h6']);

interface Frame {
  name: string;
  /** Opened inside a list, so wrapped in a list item of its own. */
  wrapped: boolean;
  /** ul/ol: the list block and the next item's prefix. */
  list?: { block: Block; nested: boolean; nextPrefix: () => string };
}

class TextRenderer {
  private current = new Block(undefined, 1);
  private readonly root = this.current;
  private readonly frames: Frame[] = [];
  private uppercase = 0;

  result(): string {
    return this.root.text();
  }

  private openBlock(leading: number, isPre = false): void {
    this.current = new Block(this.current, leading, isPre);
  }

  private pop(): Block {
    const block = this.current;
    if (!block.next) throw new Error('unbalanced block');
    this.current = block.next;
    return block;
  }

  private closeBlock(trailing: number, transform?: (text: string) => string): void {
    const block = this.pop();
    const text = transform ? transform(block.text()) : block.text();
    this.current.addText(text, block.leading, Math.max(block.stashed, trailing));
  }

  private addInline(text: string): void {
    const block = this.current;
    if (block.isPre) {
      block.raw += text;
      return;
    }
    if (text.length === 0 || (block.stashed && onlyHtmlWhitespace(text))) return;
    if (block.stashed) block.inline.startNewLine(block.stashed);
    const inline = block.inline;
    const previouslyStashedSpace = inline.stashedSpace;
    let words = text.replace(HTML_WHITESPACE, ' ');
    if (words.length > 0 && words.charCodeAt(0) === 32) words = words.slice(1);
    if (words.length > 0 && words.charCodeAt(words.length - 1) === 32) words = words.slice(0, -1);
    if (words.length > 0) {
      if (this.uppercase > 0) words = words.toUpperCase();
      if (previouslyStashedSpace || isHtmlWhitespace(text.charCodeAt(0))) inline.pushWords(words);
      else inline.concatWords(words);
    }
    inline.stashedSpace =
      (previouslyStashedSpace && words.length === 0) || isHtmlWhitespace(text.charCodeAt(text.length - 1));
    block.stashed = 0;
  }

  private lineBreak(): void {
    const block = this.current;
    if (block.isPre) block.raw += '\n';
    else block.inline.startNewLine();
  }

  private openListItem(prefix: string): void {
    const item = new Block(this.current, 1);
    item.prefix = prefix;
    this.current = item;
  }

  private closeListItem(): void {
    const item = this.pop();
    const items = this.current.items;
    if (!items) throw new Error('list item outside a list');
    items.push({ prefix: item.prefix, text: item.text(), leading: item.leading, stashed: item.stashed });
  }

  open(name: string, attribs: Record<string, string> | undefined): void {
    const parent = this.frames[this.frames.length - 1];
    const wrapped = parent?.list !== undefined;
    if (parent?.list) this.openListItem(name === 'li' ? parent.list.nextPrefix() : '');
    const frame: Frame = { name, wrapped };
    const block = BLOCKS[name];
    if (block) {
      this.openBlock(block[0], name === 'pre');
      if (UPPERCASE.has(name)) this.uppercase++;
    } else if (name === 'ul' || name === 'ol') {
      const nested = parent?.name === 'li';
      let nextPrefix: () => string;
      if (name === 'ul') {
        const prefix = nested ? '* ' : ' * ';
        nextPrefix = () => prefix;
      } else {
        let index = Number(attribs?.start || '1');
        const type = attribs?.type;
        nextPrefix = () => {
          const prefix = ` ${listNumber(type, index++)}. `;
          return nested ? prefix.trimStart() : prefix;
        };
      }
      this.openBlock(nested ? 1 : 2);
      this.current.items = [];
      frame.list = { block: this.current, nested, nextPrefix };
    } else if (name === 'br') {
      this.lineBreak();
    } else if (name === 'hr') {
      this.openBlock(2);
      this.addInline('-'.repeat(40));
      this.closeBlock(2);
    }
    this.frames.push(frame);
  }

  close(name: string): void {
    const frame = this.frames.pop();
    if (!frame || frame.name !== name) throw new Error('unbalanced element');
    const block = BLOCKS[name];
    if (block) {
      if (UPPERCASE.has(name)) this.uppercase--;
      this.closeBlock(
        block[1],
        name === 'blockquote'
          ? (text) =>
              trimNewlines(text)
                .split('\n')
                .map((line) => `> ${line}`)
                .join('\n')
          : undefined,
      );
    } else if (frame.list) {
      const list = this.pop();
      const items = list.items!;
      if (items.length > 0) {
        let width = 0;
        for (const item of items) width = Math.max(width, item.prefix.length);
        const indent = `\n${' '.repeat(width)}`;
        list.items = undefined;
        for (const item of items) {
          list.addText(
            item.prefix.padEnd(width) + item.text.replace(/\n/g, indent),
            item.leading,
            Math.max(item.stashed, 1),
          );
        }
        const text = list.text();
        if (text) this.current.addText(text, list.leading, frame.list.nested ? 1 : 2);
      }
    }
    if (frame.wrapped) this.closeListItem();
  }

  text(text: string): void {
    const parent = this.frames[this.frames.length - 1];
    if (parent?.list) {
      if (/^\s*$/.test(text)) return;
      this.openListItem('');
      this.addInline(text);
      this.closeListItem();
      return;
    }
    this.addInline(text);
  }
}

// ---------------------------------------------------------------------------------------------------
// Stage 2: the tree the surviving tags form when parsed on their own (htmlparser2's rules, HTML mode).

const P_TAG = new Set(['p']);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...[
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'article',
    'aside',
    'blockquote',
    'div',
    'footer',
    'form',
    'header',
    'hr',
    'main',
    'nav',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((tag) => [tag, P_TAG] as [string, Set<string>]),
]);

/** The visible text of an HTML body (see the module comment). Throws on anything unexpected. */
export function visibleHtmlText(html: string, counts?: HtmlCounts): string {
  const events = visibleEvents(html.includes('<!--') ? html.replace(/<!--[\s\S]*?(-->|$)/g, '') : html, counts);
  const renderer = new TextRenderer();
  const stack: string[] = [];
  /** With a <body>, only what is inside one is rendered (html-to-text's base elements). */
  let bodies = 0;
  let pendingText = '';

  const flushText = () => {
    if (!pendingText) return;
    const text = stripInvisibleChars(pendingText);
    pendingText = '';
    if (text && (!events.hasBody || bodies > 0)) renderer.text(text);
  };
  const domOpen = (name: string, attribs: Record<string, string> | undefined) => {
    flushText();
    if (events.hasBody && name === 'body' && bodies++ === 0) return;
    if (!events.hasBody || bodies > 0) renderer.open(name, attribs);
  };
  const domClose = (name: string) => {
    flushText();
    if (events.hasBody && name === 'body' && --bodies === 0) return;
    if (!events.hasBody || bodies > 0) renderer.close(name);
  };
  const open = (name: string, attribs: Record<string, string> | undefined) => {
    const implied = OPEN_IMPLIES_CLOSE.get(name);
    if (implied) while (stack.length > 0 && implied.has(stack[stack.length - 1]!)) domClose(stack.pop()!);
    domOpen(name, attribs);
    if (VOID.has(name)) domClose(name);
    else stack.push(name);
  };

  const { kinds, values, attribs } = events;
  for (let i = 0; i < kinds.length; i++) {
    const value = values[i]!;
    if (kinds[i] === TEXT) pendingText += value;
    else if (kinds[i] === OPEN) open(value, attribs[i]);
    else {
      const at = stack.lastIndexOf(value);
      if (at >= 0) while (stack.length > at) domClose(stack.pop()!);
      else if (value === 'p') {
        open('p', undefined);
        if (stack[stack.length - 1] === 'p') domClose(stack.pop()!);
      }
    }
  }
  while (stack.length > 0) domClose(stack.pop()!);
  flushText();
  return renderer.result();
}

/** Links and images alone, for HTML the text pass refused (one htmlparser2 pass, linear). */
export function countLinksAndImages(html: string): HtmlCounts {
  const counts: HtmlCounts = { links: 0, images: 0 };
  const parser = new Parser({
    onopentag(name, attribs) {
      if (name === 'a' && 'href' in attribs) counts.links++;
      else if (name === 'img') counts.images++;
    },
  });
  parser.write(html.replace(/<!--[\s\S]*?(-->|$)/g, ''));
  parser.end();
  return counts;
}
