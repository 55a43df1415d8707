/**
 * Removal of text a reader cannot see. Hidden text is the classic carrier of prompt injection and of
 * spam-filter padding, so it goes before anything else (the triage models, the language model, a summary)
 * looks at a message. The AI safety pipeline reuses both exports.
 */
import sanitizeHtml from 'sanitize-html';
import './linear-htmlparser.ts';

/**
 * Zero-width characters, bidi embeddings/overrides/isolates, soft hyphens, word joiners, BOMs and the
 * Unicode tag block (used to smuggle invisible ASCII), plus C0 controls other than tab/newline/CR.
 */
const INVISIBLE_CHARS =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the tag block is matched as a surrogate pair outside the class
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\uDB40[\uDC00-\uDC7F]/g;

export function stripInvisibleChars(text: string): string {
  return text.replace(INVISIBLE_CHARS, '');
}

/** Elements whose content is never shown as text. */
const NEVER_VISIBLE_TAGS = new Set([
  'script',
  'style',
  'head',
  'title',
  'noscript',
  'template',
  'object',
  'embed',
  'iframe',
  'svg',
  'math',
]);

const WHITE = new Set(['#fff', '#ffffff', 'white', 'rgb(255,255,255)', 'rgba(255,255,255,1)', '#fefefe', '#fdfdfd']);

function parseStyle(style: string): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const property = part.slice(0, colon).trim().toLowerCase();
    const value = part
      .slice(colon + 1)
      .replace(/!important/i, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, '');
    if (property) declarations.set(property, value);
  }
  return declarations;
}

/** A length that renders as nothing: 0, 0px, 0pt, 0em, 0%, 0.0rem... */
function isZeroLength(value: string | undefined): boolean {
  return value !== undefined && /^-?0*\.?0*(px|pt|em|rem|%|ex|ch|vw|vh)?$/.test(value);
}

function isFarOffScreen(value: string | undefined): boolean {
  if (!value) return false;
  const match = /^-(\d+(?:\.\d+)?)(px|pt|em|rem|%|vw|vh)?$/.exec(value);
  if (!match) return false;
  const amount = Number(match[1]);
  const unit = match[2] ?? 'px';
  return unit === 'px' || unit === 'pt' ? amount >= 500 : amount >= 50;
}

function sameColour(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  return WHITE.has(a) && WHITE.has(b);
}

/** Why an element is invisible, or undefined when it is (as far as inline markup can tell) visible. */
export function hiddenBecause(tag: string, attribs: Record<string, string>): string | undefined {
  if (NEVER_VISIBLE_TAGS.has(tag)) return 'non-text element';
  if ('hidden' in attribs) return 'hidden attribute';
  if (tag === 'input' && attribs.type?.toLowerCase() === 'hidden') return 'hidden input';
  const style = attribs.style ? parseStyle(attribs.style) : undefined;
  if (style) {
    if (style.get('display') === 'none') return 'display:none';
    const visibility = style.get('visibility');
    if (visibility === 'hidden' || visibility === 'collapse') return 'visibility:hidden';
    if (style.get('mso-hide') === 'all') return 'mso-hide:all';
    if (isZeroLength(style.get('font-size'))) return 'font-size:0';
    if (isZeroLength(style.get('opacity'))) return 'opacity:0';
    if (
      style.get('max-height') !== undefined &&
      isZeroLength(style.get('max-height')) &&
      style.get('overflow') === 'hidden'
    )
      return 'zero height';
    if ((isZeroLength(style.get('height')) || isZeroLength(style.get('width'))) && style.get('overflow') === 'hidden')
      return 'zero size';
    if (style.get('clip')?.startsWith('rect(0') || style.get('clip-path') === 'inset(100%)') return 'clipped';
    const position = style.get('position');
    if (
      (position === 'absolute' || position === 'fixed') &&
      (isFarOffScreen(style.get('left')) || isFarOffScreen(style.get('top')) || isFarOffScreen(style.get('right')))
    )
      return 'off-screen';
    if (isFarOffScreen(style.get('text-indent'))) return 'off-screen';
    const background = style.get('background-color') ?? style.get('background');
    const colour = style.get('color');
    if (sameColour(colour, background ?? attribs.bgcolor?.toLowerCase())) return 'text colour equals background';
  }
  if (tag === 'font') {
    const size = attribs.size?.trim();
    if (size === '0') return 'font size 0';
  }
  return undefined;
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  // Keeps valueless attributes such as `hidden` visible to the filter (they are dropped by default).
  nonBooleanAttributes: [],
  allowVulnerableTags: true,
  // Beyond this depth tags are dropped and their text kept, so html-to-text never sees deeper nesting.
  nestingLimit: 40,
  nonTextTags: [...NEVER_VISIBLE_TAGS],
  exclusiveFilter: (frame) => hiddenBecause(frame.tag, frame.attribs) !== undefined,
};

/**
 * Returns the HTML with every element a reader cannot see removed (content included), HTML comments,
 * scripts and styles dropped, and invisible characters stripped from what remains.
 */
export function stripHiddenHtml(html: string): string {
  // White text on a white page: <body bgcolor="white"> with <font color="white"> is common in spam.
  const withoutComments = html.replace(/<!--[\s\S]*?(-->|$)/g, '');
  let cleaned: string;
  try {
    cleaned = sanitizeHtml(withoutComments, sanitizeOptions);
  } catch {
    cleaned = withoutComments.replace(/<[^>]*>/g, ' ');
  }
  return stripInvisibleChars(cleaned);
}

/** Tags whose formatting html-to-text (as normalise.ts configures it) distinguishes from plain inline text. */
/** html and body too: html-to-text renders only the body when there is one. */
export const STRUCTURAL_TAGS = [
  'html',
  'body',
  'article',
  'aside',
  'blockquote',
  'br',
  'div',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'td',
  'th',
  'tr',
  'ul',
  'wbr',
];
const HIDDEN_TAG = 'steward-hidden';

const structuralOptions: sanitizeHtml.IOptions = {
  allowedTags: STRUCTURAL_TAGS,
  // Only what html-to-text reads: list numbering.
  allowedAttributes: { ol: ['start', 'type'] },
  allowedSchemes: [],
  nestingLimit: 40,
  // Disallowed tags keep their text, except these, whose whole content goes.
  nonTextTags: [...NEVER_VISIBLE_TAGS, HIDDEN_TAG],
  disallowedTagsMode: 'discard',
  // Every element is checked with its original attributes; an invisible one is renamed so that it and
  // everything inside it are discarded (nonTextTags above).
  transformTags: {
    '*': (tagName, attribs) =>
      hiddenBecause(tagName, attribs) !== undefined ? { tagName: HIDDEN_TAG, attribs: {} } : { tagName, attribs },
  },
};

/**
 * The visible content of an HTML body reduced to its structure (paragraphs, line breaks, lists, tables),
 * without attributes, inline markup, comments or invisible elements. html-to-text renders it to the same
 * text as the output of `stripHiddenHtml`, several times faster, which is what normalisation needs; the
 * AI safety pipeline keeps using `stripHiddenHtml`, which preserves the markup.
 */
export function visibleStructuralHtml(html: string): string {
  const withoutComments = html.replace(/<!--[\s\S]*?(-->|$)/g, '');
  let cleaned: string;
  try {
    cleaned = sanitizeHtml(withoutComments, structuralOptions);
  } catch {
    cleaned = withoutComments.replace(/<[^>]*>/g, ' ');
  }
  return stripInvisibleChars(cleaned);
}
