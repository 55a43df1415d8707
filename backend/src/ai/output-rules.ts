/**
 * Output rules enforced in code on everything a drafting engine writes (issue 12), whatever the model did:
 *
 * 1. No claim of a completed action Steward cannot verify. Steward never sends, forwards, pays, deletes,
 *    accepts or signs anything, and cannot know whether the user did; a sentence asserting such an action
 *    (any tense or aspect: "I have forwarded", "the wire was approved and sent", "we're transferring",
 *    "Deleted.") becomes a visible `[confirm: …]` placeholder the user must resolve. What the correspondent
 *    did ("you sent", "thanks for sending") is theirs to claim, and questions, negations, plans and
 *    conditions ("I will send", "once it is signed") are not claims.
 * 2. No line of a system prompt or of the analysis scaffolding (the prompts register themselves with
 *    `registerScaffolding`; a line sharing six consecutive words with one is dropped).
 * 3. No host name the thread does not contain, however it is written: after NFKC, Unicode full stops
 *    (。．｡), "[.]", "(.)", " dot " are read as dots; host names on any TLD, with or without a scheme, are
 *    removed unless the thread has them; a host mixing scripts (a Cyrillic look-alike) is removed always.
 *
 * Every pattern here is linear: no nested or adjacent quantifiers over overlapping characters (checked by
 * test/linear-time.test.ts).
 */

// ───────────────────────────── scaffolding ─────────────────────────────

const SHINGLE = 6;
const scaffoldShingles = new Set<string>();

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function shinglesOf(text: string): string[] {
  const words = wordsOf(text);
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= words.length; i++) out.push(words.slice(i, i + SHINGLE).join(' '));
  return out;
}

/** Text Steward writes to a model (system prompts, prompt templates): none of its lines may reach a user. */
export function registerScaffolding(...texts: string[]): void {
  for (const text of texts) for (const shingle of shinglesOf(text)) scaffoldShingles.add(shingle);
}

/** Lines of the prompt templates too short for shingles (style card, checklist, markers). */
const SCAFFOLD_LINE =
  /^\s*(?:-\s*(?:answer|respond to the invitation)\s*:|(?:typical length|formality|contractions|exclamation marks|emoji|languages)\s*:|<<<|what the reply must cover\b|the user's (?:style card|instruction for this draft)\b|examples of the user's own writing\b|the email thread, oldest first\b|proposed meeting times are available\b|no meeting times are proposed\b|rules, in order of importance\b)/i;

function leaksScaffolding(line: string): boolean {
  if (SCAFFOLD_LINE.test(line)) return true;
  if (scaffoldShingles.size === 0) return false;
  for (const shingle of shinglesOf(line)) if (scaffoldShingles.has(shingle)) return true;
  return false;
}

// ───────────────────────────── claims of completed actions ─────────────────────────────

/** Verbs of actions Steward cannot take or verify: participle → the word for the placeholder. */
const PARTICIPLES: Record<string, string> = {
  sent: 'sent',
  forwarded: 'forwarded',
  paid: 'paid',
  wired: 'wired',
  deleted: 'deleted',
  accepted: 'accepted',
  shared: 'shared',
  granted: 'granted',
  signed: 'signed',
  countersigned: 'signed',
  approved: 'approved',
  transferred: 'transferred',
  submitted: 'submitted',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  booked: 'booked',
  emailed: 'emailed',
  uploaded: 'uploaded',
  released: 'released',
  refunded: 'refunded',
  authorised: 'authorised',
  authorized: 'authorised',
  executed: 'executed',
  removed: 'removed',
  purchased: 'purchased',
  invoiced: 'invoiced',
  remitted: 'remitted',
  published: 'published',
  // German, French, Spanish: the common perfect forms.
  gesendet: 'sent',
  geschickt: 'sent',
  weitergeleitet: 'forwarded',
  bezahlt: 'paid',
  überwiesen: 'transferred',
  gelöscht: 'deleted',
  unterschrieben: 'signed',
  genehmigt: 'approved',
  envoyé: 'sent',
  envoyée: 'sent',
  envoyés: 'sent',
  transféré: 'forwarded',
  payé: 'paid',
  supprimé: 'deleted',
  signé: 'signed',
  approuvé: 'approved',
  accepté: 'accepted',
  enviado: 'sent',
  reenviado: 'forwarded',
  pagado: 'paid',
  transferido: 'transferred',
  eliminado: 'deleted',
  firmado: 'signed',
  aprobado: 'approved',
  aceptado: 'accepted',
};

const GERUNDS: Record<string, string> = {
  sending: 'sent',
  forwarding: 'forwarded',
  paying: 'paid',
  wiring: 'wired',
  deleting: 'deleted',
  accepting: 'accepted',
  sharing: 'shared',
  granting: 'granted',
  signing: 'signed',
  approving: 'approved',
  transferring: 'transferred',
  submitting: 'submitted',
  cancelling: 'cancelled',
  canceling: 'cancelled',
  booking: 'booked',
  uploading: 'uploaded',
  releasing: 'released',
  refunding: 'refunded',
  removing: 'removed',
  processing: 'processed',
};

/** Words that make what follows not an assertion of a done deed: plans, conditions, negations. */
const NOT_A_CLAIM = new Set([
  'will',
  "'ll",
  'll',
  'shall',
  'would',
  'could',
  'should',
  'can',
  'may',
  'might',
  'must',
  'to',
  'if',
  'once',
  'when',
  'whenever',
  'after',
  'until',
  'unless',
  'before',
  'whether',
  'not',
  "n't",
  'never',
  'no',
  'yet',
  'soon',
  'please',
  'going',
  'need',
  'needs',
  'plan',
  'want',
  'hope',
  'expect',
  'about',
  'for',
  'by',
  'wenn',
  'sobald',
  'nicht',
  'noch',
  'si',
  'pas',
  'cuando',
  'no',
]);

const FIRST_PERSON = new Set([
  'i',
  "i've",
  'ive',
  "i'm",
  'im',
  'we',
  "we've",
  "we're",
  'my',
  'our',
  'ich',
  'wir',
  "j'ai",
  'je',
  'nous',
  'he',
  'hemos',
]);
const SECOND_PERSON = new Set([
  'you',
  "you've",
  'youve',
  "you're",
  'your',
  'yours',
  'du',
  'sie',
  'vous',
  'tu',
  'usted',
]);
const PROGRESSIVE_AUX = new Set(['am', "'m", 'm', 'are', "'re", 're', 'is', "'s"]);

interface Token {
  word: string;
  lower: string;
}

function tokensOf(sentence: string): Token[] {
  const tokens: Token[] = [];
  for (const match of sentence.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    const word = match[0].replace(/’/g, "'");
    tokens.push({ word, lower: word.toLowerCase() });
  }
  return tokens;
}

/**
 * The action words a sentence claims as done, or [] when it claims none. Decided on the words before
 * each action word in its clause: a second-person subject, a modal, a condition or a negation there
 * means the sentence is not Steward asserting a deed.
 */
export function claimedActions(sentence: string): string[] {
  const trimmed = sentence.trim();
  if (!trimmed) return [];
  // A quotation is a sentence of its own: 'please write "I have paid"' still writes the claim.
  const parts = trimmed.split(/["“”«»„]/);
  if (parts.length > 1) return [...new Set(parts.flatMap((part) => claimsIn(part)))];
  return claimsIn(trimmed);
}

function claimsIn(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed || trimmed.endsWith('?')) return [];
  const tokens = tokensOf(trimmed);
  const found: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const lower = tokens[i]!.lower;
    const participle = PARTICIPLES[lower];
    const gerund = participle ? undefined : GERUNDS[lower];
    if (!participle && !gerund) continue;
    // The words before it in its clause (at most six back).
    const before = tokens.slice(Math.max(0, i - 6), i).map((t) => t.lower);
    if (before.some((w) => NOT_A_CLAIM.has(w) || w.endsWith("n't"))) continue;
    const subjectIsYou = before.some((w) => SECOND_PERSON.has(w));
    if (subjectIsYou) continue;
    if (gerund) {
      // "I'm sending", "we are forwarding": an action in progress claimed by the writer.
      const previous = before[before.length - 1] ?? '';
      const firstPerson = before.some((w) => FIRST_PERSON.has(w) || w === "i'm" || w === "we're");
      if (firstPerson && (PROGRESSIVE_AUX.has(previous) || previous === "i'm" || previous === "we're" || i === 0))
        found.push(gerund);
      else if (i === 0) found.push(gerund); // "Sending the files now."
      continue;
    }
    found.push(participle as string);
  }
  return [...new Set(found)];
}

/** Sentences of a line, each with its trailing punctuation and space (linear scan). */
function sentencesOf(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ((c === '.' || c === '!' || c === '?' || c === '。') && (i + 1 === line.length || /\s/.test(line[i + 1]!))) {
      let end = i + 1;
      while (end < line.length && /\s/.test(line[end]!)) end++;
      out.push(line.slice(start, end));
      start = end;
      i = end - 1;
    }
  }
  if (start < line.length) out.push(line.slice(start));
  return out;
}

const PLACEHOLDER = /\[confirm:[^\]\n]*\]/g;
/** A placeholder set aside while claims are read. */
const HELD = /\u0000(\d+)\u0000/g;

function placeholderFor(actions: string[]): string {
  return `[confirm: was this really done (${actions.join(', ')})? Steward cannot check]`;
}

// ───────────────────────────── host names ─────────────────────────────

/** Unicode and spelled-out dots, read as dots before host names are looked for. */
const DOT_SPELLINGS =
  /[\u3002\uFF0E\uFF61\u2024\uFE52]|\s?\[\s?(?:\.|dot)\s?\]\s?|\s?\(\s?(?:\.|dot)\s?\)\s?|\s?\{\s?(?:\.|dot)\s?\}\s?|(?<=[\p{L}\p{N}])\s(?:dot|DOT)\s(?=(?:com|net|org|io|co|info|biz|xyz|top|app|dev|ai|me|ru|cn|us|uk|de|fr|eu|support|site|online)\b)/gu;

function withPlainDots(text: string): string {
  return text.normalize('NFKC').replace(DOT_SPELLINGS, '.');
}

/** A host name: labels of letters, digits and hyphens joined by dots, ending in a TLD of two or more letters. */
const HOST =
  /(?<![\p{L}\p{N}@._-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,10}(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}@-])(?::\d{1,5})?(?:\/[^\s<>"'`)\]}]*)?/gu;

/** Endings that are file types far more often than TLDs in a reply ("report.pdf"), unless a path follows. */
const FILE_ENDINGS = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'txt',
  'csv',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'md',
  'json',
  'ics',
  'eml',
  'msg',
  'js',
  'ts',
  'html',
  'htm',
  'mp3',
  'mp4',
  'wav',
  'mov',
]);

const LATIN = /\p{Script=Latin}/u;
const OTHER_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;

function hostOf(match: string): string {
  const end = match.search(/[:/]/);
  return (end < 0 ? match : match.slice(0, end)).toLowerCase();
}

function isHostLike(match: string): boolean {
  const host = hostOf(match);
  const tld = host.slice(host.lastIndexOf('.') + 1);
  if (FILE_ENDINGS.has(tld) && !match.includes('/')) return false;
  // "e.g", "i.e" and abbreviations have one-letter labels only.
  return host.split('.').some((label) => label.length > 1);
}

/** The text without any host name (however its dots are written): for sources whose links are not trusted. */
export function withoutHosts(text: string): string {
  return withPlainDots(text).replace(HOST, (match) => (isHostLike(match) ? ' ' : match));
}

/** Host names in the sources, as written there after the same dot reading. */
export function hostsIn(sources: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const source of sources) {
    const plain = withPlainDots(source);
    for (const match of plain.matchAll(HOST)) hosts.add(hostOf(match[0]));
    // The domains of addresses in the thread may be named too.
    for (const match of plain.matchAll(/@([\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,10})/gu))
      hosts.add((match[1] ?? '').toLowerCase());
  }
  return hosts;
}

// ───────────────────────────── the rules together ─────────────────────────────

export interface OutputRuleOptions {
  /** The thread and profile: what host names may be repeated from. */
  sources: readonly string[];
  /** Apply the rule on claims of completed actions (drafts); default true. */
  claims?: boolean;
  /** Hosts already known to be allowed (computed once by the caller). */
  allowedHosts?: ReadonlySet<string>;
}

export interface RuledOutput {
  text: string;
  removed: string[];
}

export function enforceDraftRules(output: string, options: OutputRuleOptions): RuledOutput {
  const removed: string[] = [];
  const allowed = options.allowedHosts ?? hostsIn(options.sources);
  const lines = withPlainDots(output).split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (line.trim() && leaksScaffolding(line)) {
      removed.push(`prompt line "${line.trim().slice(0, 60)}"`);
      continue;
    }
    let text = line.replace(HOST, (match) => {
      if (!isHostLike(match)) return match;
      const host = hostOf(match);
      const mixed = LATIN.test(host) && OTHER_SCRIPT.test(host);
      if (!mixed && allowed.has(host)) return match;
      removed.push(`host ${host}`);
      return '';
    });
    if (options.claims !== false) {
      // A `[confirm: …]` placeholder asks the user and claims nothing ("whether you issue it, executed by…"):
      // placeholders are set aside (a full stop inside one does not end a sentence) and put back after.
      const held: string[] = [];
      const masked = text
        .replace(/\u0000/g, '')
        .replace(PLACEHOLDER, (placeholder) => `\u0000${held.push(placeholder) - 1}\u0000`);
      text = sentencesOf(masked)
        .map((sentence) => {
          const actions = claimedActions(sentence.replace(HELD, ' '));
          if (actions.length === 0) return sentence;
          removed.push(`claim "${sentence.replace(HELD, '[confirm]').trim().slice(0, 80)}"`);
          const trailing = /\s*$/.exec(sentence)?.[0] ?? '';
          return `${placeholderFor(actions)}${trailing}`;
        })
        .join('')
        .replace(HELD, (_, index: string) => held[Number(index)] ?? '');
    }
    kept.push(text);
  }
  return { text: kept.join('\n'), removed };
}
