import { MAX_TRANSCRIPT_CHARS, type TranscriptFormat } from '@steward/shared';
import { parseSync } from 'subtitle';

/** One speaker's uninterrupted stretch of talk. Times are seconds from the start of the recording. */
export interface Turn {
  speaker: string;
  text: string;
  start?: number;
  end?: number;
}

export const UNKNOWN_SPEAKER = 'Unknown speaker';

export type TranscriptErrorCode = 'empty_transcript' | 'too_large' | 'binary_input' | 'not_a_transcript';

export type ParsedTranscript =
  | { ok: true; format: TranscriptFormat; turns: Turn[]; warnings: string[] }
  | { ok: false; error: { code: TranscriptErrorCode; message: string } };

/** A caption or line before normalisation: speaker may be missing, text still raw. */
interface RawCue {
  speaker?: string;
  text: string;
  start?: number;
  end?: number;
}

interface CueReading {
  cues: RawCue[];
  warnings: string[];
}

/**
 * Reads a meeting transcript in any supported format into merged, cleaned speaker turns.
 * Never throws: malformed input becomes an error value or a warning.
 */
export function parseTranscript(input: string, opts: { format?: TranscriptFormat } = {}): ParsedTranscript {
  if (input.length > MAX_TRANSCRIPT_CHARS) {
    return fail('too_large', `The transcript has ${input.length} characters; the limit is ${MAX_TRANSCRIPT_CHARS}.`);
  }
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') return fail('empty_transcript', 'The transcript is empty.');
  if (looksBinary(text)) {
    return fail('binary_input', 'The file is binary data, not a text transcript (VTT, SRT, TXT or JSON).');
  }
  const somethingElse = describeNonTranscript(text);
  if (somethingElse) return fail('not_a_transcript', `This looks like ${somethingElse}, not a meeting transcript.`);

  const format = opts.format ?? detectTranscriptFormat(text);
  const reading = readCues(text, format);
  if ('error' in reading) return fail('not_a_transcript', reading.error);

  const warnings = [...reading.warnings];
  const turns = normaliseCues(reading.cues, warnings);
  if (turns.length === 0) {
    return fail('empty_transcript', `No spoken text was found in the ${format.toUpperCase()} transcript.`);
  }
  return { ok: true, format, turns, warnings };
}

export function detectTranscriptFormat(text: string): TranscriptFormat {
  const head = text.trimStart().slice(0, 4000);
  if (/^WEBVTT/.test(head)) return 'vtt';
  if (head.startsWith('[') || head.startsWith('{')) return 'json';
  const timing = /^\s*(?:\d+:)?\d{1,2}:\d{2}([.,])\d{1,3}\s*-->/m.exec(head);
  if (timing) return timing[1] === ',' ? 'srt' : 'vtt';
  return 'txt';
}

function fail(code: TranscriptErrorCode, message: string): ParsedTranscript {
  return { ok: false, error: { code, message } };
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  // Control characters other than tab/newline/form feed, and U+FFFD from a failed UTF-8 decode, never
  // appear in real transcripts in any number.
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 12 && code !== 13) || code === 0xfffd) odd++;
  }
  return odd > 0 && odd / sample.length > 0.005;
}

const EMAIL_HEADER =
  /^(?:from|to|cc|bcc|subject|date|received|message-id|mime-version|content-type|return-path|reply-to|delivered-to|x-[\w-]+):/i;

/** Names the kind of document when the text is clearly something other than a transcript. */
function describeNonTranscript(text: string): string | null {
  const head = text.trimStart().slice(0, 2000);
  if (/^(?:<!doctype html|<html[\s>])/i.test(head)) return 'an HTML page';
  if (/^%PDF-/.test(head)) return 'a PDF document';
  const firstBlock = head.split(/\n\s*\n/, 1)[0] ?? '';
  const headerLines = firstBlock.split('\n').filter((line) => EMAIL_HEADER.test(line));
  const names = new Set(headerLines.map((line) => line.slice(0, line.indexOf(':')).toLowerCase()));
  if (names.size >= 2 && (names.has('from') || names.has('subject') || names.has('received'))) {
    return 'an email message';
  }
  return null;
}

function readCues(text: string, format: TranscriptFormat): CueReading | { error: string } {
  switch (format) {
    case 'vtt':
    case 'srt':
      return readCaptions(text);
    case 'json':
      return readJson(text);
    case 'txt':
      return readPlainText(text);
  }
}

// ---------------------------------------------------------------------------------------------- captions

const TIMING_LINE = /^\s*((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)\s*-->\s*((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?)/;

/** WebVTT or SRT: the `subtitle` parser first; its strictness (Teams cue ids, STYLE blocks) sends us to ours. */
function readCaptions(text: string): CueReading {
  let parsed: { start: number; end: number; text: string }[] | null = null;
  try {
    parsed = parseSync(text).flatMap((node) => (node.type === 'cue' ? [node.data] : []));
  } catch {
    parsed = null;
  }
  // `subtitle` glues a broken timing line (a truncated file) into the previous cue's text.
  if (parsed?.some((cue) => cue.text.includes('-->'))) parsed = null;
  const reading: CueReading = parsed
    ? { cues: parsed.map((cue) => ({ text: cue.text, start: cue.start / 1000, end: cue.end / 1000 })), warnings: [] }
    : readCaptionsTolerantly(text);
  if (reading.cues.length === 0 && !/-->/.test(text)) {
    const plain = readPlainText(text.replace(/^WEBVTT[^\n]*\n?/, ''));
    return { cues: plain.cues, warnings: ['No caption timings were found; the file was read as plain text.'] };
  }
  const lastCue = reading.cues.at(-1);
  if (lastCue && lastCue.text.trim() === '') {
    reading.warnings.push('The last caption has no text; the file may be truncated.');
  }
  return { cues: reading.cues.flatMap(splitCaptionText), warnings: reading.warnings };
}

function readCaptionsTolerantly(text: string): CueReading {
  const cues: RawCue[] = [];
  let current: RawCue | null = null;
  let skippingBlock = false;
  let unreadable = 0;
  for (const line of text.split('\n')) {
    const timing = TIMING_LINE.exec(line);
    if (timing) {
      current = { text: '', start: timestampSeconds(timing[1] ?? ''), end: timestampSeconds(timing[2] ?? '') };
      cues.push(current);
      skippingBlock = false;
      continue;
    }
    if (line.trim() === '') {
      current = null;
      skippingBlock = false;
      continue;
    }
    if (current) {
      current.text = current.text ? `${current.text}\n${line}` : line;
      continue;
    }
    if (skippingBlock) continue;
    if (/^(?:WEBVTT|NOTE|STYLE|REGION)\b/.test(line)) {
      skippingBlock = true;
      continue;
    }
    // A line outside a cue is a cue identifier (SRT index, Teams GUID) unless it is followed by no timing.
    if (/-->/.test(line)) unreadable++;
  }
  const warnings =
    unreadable > 0
      ? [
          `${unreadable} caption timing line(s) could not be read and were skipped; the file may be truncated or damaged.`,
        ]
      : [];
  return { cues, warnings };
}

function timestampSeconds(stamp: string): number | undefined {
  const parts = stamp.replace(',', '.').split(':').map(Number);
  if (parts.some((part) => !Number.isFinite(part))) return undefined;
  return parts.reduce((total, part) => total * 60 + part, 0);
}

const VOICE_TAG = /<v(?:\.[\w.-]+)?[ \t]+([^>]*)>/g;

/** One caption can hold several voices (`<v Ann>…<v Bob>…`) or dialogue dashes; each becomes a cue. */
function splitCaptionText(cue: RawCue): RawCue[] {
  const withoutClosers = cue.text.replace(/<\/v>/g, '');
  const voices = [...withoutClosers.matchAll(VOICE_TAG)];
  const timing = { start: cue.start, end: cue.end };
  if (voices.length > 0) {
    return voices.map((voice, i) => {
      const from = (voice.index ?? 0) + voice[0].length;
      const to = voices[i + 1]?.index ?? withoutClosers.length;
      return {
        ...timing,
        speaker: voice[1]?.trim() || undefined,
        text: stripCueMarkup(withoutClosers.slice(from, to)),
      };
    });
  }
  const plain = stripCueMarkup(withoutClosers);
  const lines = plain.split('\n').filter((line) => line.trim() !== '');
  const dialogue = lines.length > 1 && lines.every((line) => /^\s*-\s/.test(line));
  const pieces = dialogue ? lines.map((line) => line.replace(/^\s*-\s*/, '')) : [lines.join(' ')];
  return pieces.map((piece) => {
    const labelled = splitSpeakerLabel(piece);
    return labelled ? { ...timing, ...labelled } : { ...timing, text: piece };
  });
}

function stripCueMarkup(text: string): string {
  return decodeEntities(text.replace(/<[^>]*>/g, '')).trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------------- speaker labels

/** Words that end in a colon at the start of a line without naming a speaker. */
const NOT_SPEAKERS = new Set([
  'note',
  'notes',
  'agenda',
  'action',
  'action item',
  'action items',
  'todo',
  'summary',
  're',
  'fwd',
  'fw',
  'http',
  'https',
  'mailto',
  'question',
  'answer',
  'update',
  'decision',
  'attendees',
  'date',
  'time',
  'subject',
  'from',
  'to',
  'cc',
  'tl;dr',
  'p.s',
  'ps',
  'example',
  'warning',
  'important',
]);

// "Ann Lee: text", ">> ANN: text", "[00:01:02] Ann: text", "Ann (00:01:02): text", "Speaker 1: text"
const SPEAKER_LINE =
  /^\s*(?:>>\s*)?(?:\[?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?\s+)?([\p{Lu}\p{N}][\p{L}\p{M}\p{N}'’._-]*(?: [\p{L}\p{M}\p{N}'’._-]+){0,3}?)\s*(?:[([](\d{1,2}:\d{2}(?::\d{2})?)[)\]])?\s*:\s+(\S.*)$/u;

function splitSpeakerLabel(line: string): { speaker: string; text: string; start?: number } | null {
  const match = SPEAKER_LINE.exec(line);
  if (!match) return null;
  const speaker = (match[2] ?? '').trim();
  if (speaker.length > 40 || NOT_SPEAKERS.has(speaker.toLowerCase())) return null;
  const stamp = match[1] ?? match[3];
  const start = stamp ? timestampSeconds(stamp) : undefined;
  return { speaker, text: match[4] ?? '', ...(start === undefined ? {} : { start }) };
}

// Otter / Teams copy-paste: "Ann Lee  0:03" on its own line, the words on the next lines.
const SPEAKER_HEADER =
  /^\s*([\p{Lu}][\p{L}\p{M}\p{N}'’._-]*(?: [\p{L}\p{M}\p{N}'’._-]+){0,3})\s+\(?(\d{1,2}:\d{2}(?::\d{2})?)\)?\s*$/u;

function readPlainText(text: string): CueReading {
  const cues: RawCue[] = [];
  let current: RawCue | null = null;
  let pendingSpeaker: { speaker: string; start?: number } | null = null;
  let labelled = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      // A blank line ends an unlabelled paragraph; a labelled speaker keeps talking until the next label.
      if (current && current.speaker === undefined) current = null;
      continue;
    }
    const header = SPEAKER_HEADER.exec(line);
    if (header && !NOT_SPEAKERS.has((header[1] ?? '').toLowerCase())) {
      pendingSpeaker = { speaker: (header[1] ?? '').trim(), start: timestampSeconds(header[2] ?? '') };
      current = null;
      labelled++;
      continue;
    }
    const label = splitSpeakerLabel(line);
    if (label) {
      current = { ...label };
      cues.push(current);
      pendingSpeaker = null;
      labelled++;
      continue;
    }
    if (pendingSpeaker) {
      current = { ...pendingSpeaker, text: line.trim() };
      cues.push(current);
      pendingSpeaker = null;
      continue;
    }
    if (current) current.text = `${current.text} ${line.trim()}`;
    else {
      current = { text: line.trim() };
      cues.push(current);
    }
  }
  const warnings =
    labelled === 0 && cues.length > 0
      ? ['No "Speaker: text" labels were found; every paragraph is attributed to an unknown speaker.']
      : [];
  return { cues, warnings };
}

// ---------------------------------------------------------------------------------------------- JSON

const SPEAKER_KEYS = ['speaker', 'name', 'speaker_name', 'speakerName', 'participant', 'user', 'author'];
const TEXT_KEYS = ['text', 'content', 'transcript', 'utterance', 'words', 'caption'];
const START_KEYS = ['start', 'start_time', 'startTime', 'offset', 'timestamp', 'begin'];
const END_KEYS = ['end', 'end_time', 'endTime', 'stop'];
const LIST_KEYS = ['turns', 'transcript', 'segments', 'meeting_transcripts', 'utterances', 'entries', 'captions'];

function readJson(text: string): CueReading | { error: string } {
  const warnings: string[] = [];
  let data = tryJson(text);
  if (data === undefined) {
    data = salvageTruncatedJsonArray(text);
    if (data === undefined)
      return { error: 'The JSON transcript could not be parsed (it may be truncated or not JSON).' };
    warnings.push('The JSON transcript was truncated; the complete entries before the cut were read.');
  }
  const items = findTurnList(data);
  if (!items) return { error: 'The JSON has no list of {"speaker", "text"} entries.' };
  const cues: RawCue[] = [];
  let skipped = 0;
  for (const item of items) {
    const cue = jsonCue(item);
    if (cue) cues.push(cue);
    else skipped++;
  }
  if (cues.length === 0) return { error: 'The JSON has no entries with a "text" field.' };
  if (skipped > 0) warnings.push(`${skipped} JSON entries without text were skipped.`);
  return { cues, warnings };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Cuts a truncated `[{…},{…},{…` back to its last complete entry; a few attempts, so never slow. */
function salvageTruncatedJsonArray(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[')) return undefined;
  let cut = trimmed.length;
  for (let attempt = 0; attempt < 5; attempt++) {
    cut = trimmed.lastIndexOf('}', cut - 1);
    if (cut <= 0) return undefined;
    const data = tryJson(`${trimmed.slice(0, cut + 1)}]`);
    if (Array.isArray(data)) return data;
  }
  return undefined;
}

function findTurnList(data: unknown): unknown[] | null {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const key of LIST_KEYS) {
      const value = (data as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return null;
}

function jsonCue(item: unknown): RawCue | null {
  if (!item || typeof item !== 'object') return null;
  const record = item as Record<string, unknown>;
  const text = firstValue(record, TEXT_KEYS);
  if (typeof text !== 'string' || text.trim() === '') return null;
  const speaker = firstValue(record, SPEAKER_KEYS);
  const start = jsonSeconds(firstValue(record, START_KEYS));
  const end = jsonSeconds(firstValue(record, END_KEYS));
  return {
    text,
    ...(typeof speaker === 'string' && speaker.trim() ? { speaker: speaker.trim() } : {}),
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
  };
}

function firstValue(record: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) if (record[key] !== undefined && record[key] !== null) return record[key];
  return undefined;
}

function jsonSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d+)?$/.test(value.trim())) {
    return timestampSeconds(value.trim());
  }
  if (typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

// ---------------------------------------------------------------------------------------------- normalising

const BACKCHANNEL =
  /^(?:(?:yeah|yes|yep|ok|okay|right|sure|uh-huh|mm-hmm|mhm|i see|true|exactly|cool|great|got it|alright|all right|oh|wow|nice)[\s,.!]*)+$/i;

function normaliseCues(cues: RawCue[], warnings: string[]): Turn[] {
  let misTimed = 0;
  let backwards = 0;
  let lastStart = -Infinity;
  const cleaned: Turn[] = [];
  for (const cue of cues) {
    const text = cleanUtterance(cue.text);
    if (text === '') continue;
    let { start, end } = cue;
    if (start !== undefined && end !== undefined && end < start) {
      misTimed++;
      end = start;
    }
    if (start !== undefined) {
      if (start < lastStart) backwards++;
      lastStart = start;
    }
    const speaker = cleanSpeakerName(cue.speaker);
    cleaned.push({ speaker, text, ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) });
  }
  if (misTimed > 0)
    warnings.push(`${misTimed} caption(s) end before they start; their end time was set to their start.`);
  if (backwards > 0)
    warnings.push(`${backwards} caption(s) start earlier than the caption before; document order was kept.`);
  return mergeTurns(dropCrossTalkBackchannels(cleaned)).map((turn) => ({
    ...turn,
    text: capitaliseSentences(turn.text),
  }));
}

/** Removing "um, " can leave "… page. the team…"; a capital tells the sentence splitter a sentence starts. */
function capitaliseSentences(text: string): string {
  return text.replace(
    /(^|[.?!]["')\]]?\s+)(\p{Ll})/gu,
    (_, before: string, letter: string) => `${before}${letter.toUpperCase()}`,
  );
}

function cleanSpeakerName(name: string | undefined): string {
  const trimmed = (name ?? '').replace(/\s+/g, ' ').trim();
  if (!trimmed || /^(?:unknown|speaker\??|\?+|-+)$/i.test(trimmed)) return UNKNOWN_SPEAKER;
  return trimmed;
}

/**
 * "yeah", "right" said over someone else's sentence would split that sentence into two turns.
 * Dropped only when it sits between two turns of one other speaker who was not asking something.
 */
function dropCrossTalkBackchannels(turns: Turn[]): Turn[] {
  return turns.filter((turn, i) => {
    const before = turns[i - 1];
    const after = turns[i + 1];
    if (!before || !after || turn.speaker === before.speaker) return true;
    if (before.speaker !== after.speaker || before.speaker === UNKNOWN_SPEAKER) return true;
    if (/\?\s*$/.test(before.text)) return true;
    return !BACKCHANNEL.test(turn.text);
  });
}

/** Consecutive turns of one known speaker become one; unknown speakers stay apart (they may be different people). */
function mergeTurns(turns: Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (!last || last.speaker !== turn.speaker || turn.speaker === UNKNOWN_SPEAKER) {
      merged.push({ ...turn });
      continue;
    }
    // Rolling captions repeat the previous line and extend it; keep the longer one instead of both.
    if (turn.text.startsWith(last.text)) last.text = turn.text;
    else if (!last.text.endsWith(turn.text)) last.text = `${last.text} ${turn.text}`;
    if (turn.end !== undefined) last.end = Math.max(last.end ?? turn.end, turn.end);
    if (last.start === undefined && turn.start !== undefined) last.start = turn.start;
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------- cleaning

const NOISE_MARKERS =
  /\{(?:disfmarker|vocalsound|nonvocalsound|gap|pause|comment|other)\}|[[(](?:inaudible|laughter|laughs|laughing|crosstalk|cross-talk|overlapping|music|noise|silence|applause|coughs?|background noise|unintelligible|indistinct)[^\])]{0,40}[\])]/gi;
// `m+h?m+` was quadratic on a long run of m (two adjacent quantifiers over one letter: 64k characters took
// 9 s, issue 12); `m+hm+|mm+` accepts the same words and backtracks at most once over the run.
const FILLER_WORDS =
  /(^|,?\s+|,)(?:u+m+|u+h+m*|e+r+m+|e+r+|a+h+|h+m+|m+hm+|mm+|mm-hmm|uh-huh)(?=[\s,.?!;:]|$)(?:\s*,)?/gi;
const YOU_KNOW = /(^|\b\w+\b)?(\s*,?\s*)\byou know\b(\s*,|\s*(?=[.?!]|$))/gi;
const I_MEAN = /(^|[,.?!]\s*)i mean,\s*/gi;
const REPEATED_WORD = /\b(\w+)(?:[\s,]+\1\b)+/gi;

/**
 * Makes spoken text readable: drops fillers and transcription noise markers, stutters ("the the"),
 * and the spaces tokenised corpora put before punctuation and contractions ("I 've").
 */
export function cleanUtterance(raw: string): string {
  let text = raw.replace(NOISE_MARKERS, ' ').replace(/\s+/g, ' ');
  text = text.replace(/ +([,.?!;:%])/g, '$1').replace(/ +(n't|'s|'re|'ve|'ll|'d|'m)\b/gi, '$1');
  text = text.replace(FILLER_WORDS, (_, before: string) => (before === '' ? '' : ' '));
  // "you know" is a filler only when it is not the verb of the sentence ("do you know", "if you know").
  text = text.replace(YOU_KNOW, (whole, before: string | undefined, gap: string) =>
    before && /^(?:do|did|don't|didn't|if|as|whether|what|would|will|you'd|probably)$/i.test(before)
      ? whole
      : `${before ?? ''}${gap.includes(',') ? '' : gap}`,
  );
  text = text.replace(I_MEAN, '$1');
  text = text.replace(REPEATED_WORD, '$1');
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.?!;:])/g, '$1')
    .replace(/([,;:])(?:\s*[,;:])+/g, '$1')
    .replace(/,\s*([.?!])/g, '$1')
    .replace(/^[\s,.;:!?-]+/, '')
    .trim();
}
