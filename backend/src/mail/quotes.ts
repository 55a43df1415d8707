/**
 * Separates what the sender wrote now from quoted history and signature. Nothing is thrown away: the three
 * parts together hold every line of the input.
 */

export interface ReplyParts {
  newText: string;
  quoted: string;
  signature: string;
}

const ON_WROTE =
  /^\s*(On|Am|Le|El|Il|Op|Em)\b.{0,300}\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\s*:\s*$/i;
const ON_START = /^\s*On\s.{3,200}$/i;
const WROTE_END = /^.{0,200}\bwrote:\s*$/i;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}/i;
const FORWARDED = /^\s*-{2,}\s*(Forwarded (by|message)|Begin forwarded message|Weitergeleitete Nachricht)/i;
const BEGIN_FORWARDED = /^\s*Begin forwarded message:?\s*$/i;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const HEADER_LINE = /^\s*\*?(From|Sent|Date|To|Cc|Subject|Von|Gesendet|An|Betreff|De|Envoyé|À|Objet)\*?\s*:/i;
const NOTES_DATE_LINE = /^\s*\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}(\s*[AP]M)?\s*$/i;

const SIGNATURE_DELIMITER = /^(--|-- |__)\s*$/;
const MOBILE_FOOTER =
  /^\s*(Sent from my \w+|Sent from (Mail|Outlook|Yahoo Mail|Gmail)\b|Get Outlook for (iOS|Android)|Sent via \w+|Envoyé de mon|Von meinem .* gesendet)/i;
const SIGN_OFF =
  /^\s*(thanks( so much| again| a lot)?|thank you( so much| again)?|many thanks|thx|best|best regards|best wishes|kind regards|warm regards|warmly|regards|cheers|sincerely|yours( truly| sincerely)?|all the best|talk soon|take care|br|rgds|mit freundlichen grüßen|viele grüße|cordialement|saludos)\s*[,.!-]*\s*$/i;

/**
 * A line that introduces quoted or forwarded mail rather than saying anything: "On Mon, Ann wrote:",
 * "Laurent Papier wrote:", "-----Original Message-----", "From: …", "Sent: …".
 */
export function isAttributionLine(line: string): boolean {
  return (
    ON_WROTE.test(line) ||
    WROTE_END.test(line) ||
    ORIGINAL_MESSAGE.test(line) ||
    FORWARDED.test(line) ||
    BEGIN_FORWARDED.test(line) ||
    UNDERSCORE_RULE.test(line) ||
    HEADER_LINE.test(line) ||
    /^\s*>/.test(line)
  );
}

const NO_COLON_OPENINGS = '->_BbOo';
const COLON_OPENINGS = '*0123456789AaLlEeIiFfVvDd';

/**
 * Whether a line's first character (after \s) lets any pattern of isQuoteStart match: "-" (rules),
 * "B" (Begin forwarded), "O" (On … wrote), ">" and "_" need no colon; the other openings (Am/Le/El/Il/Em …
 * wrote:, From:/Von:/De:, a Notes date line) all end in one. A cheap test that spares most lines the
 * dozen regular expressions below; the expressions still decide.
 */
function mayStartQuote(line: string): boolean {
  const first = line.trimStart().charAt(0); // trimStart removes exactly what \s matches
  if (NO_COLON_OPENINGS.includes(first)) return first !== '';
  return COLON_OPENINGS.includes(first) && first !== '' && line.includes(':');
}

function isQuoteStart(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (!mayStartQuote(line)) return false;
  if (ORIGINAL_MESSAGE.test(line) || FORWARDED.test(line) || BEGIN_FORWARDED.test(line)) return true;
  if (ON_WROTE.test(line)) return true;
  if (ON_START.test(line) && WROTE_END.test(lines[i + 1] ?? '') && line.length + (lines[i + 1]?.length ?? 0) < 400)
    return true;
  if (/^\s*>/.test(line)) {
    // One stray ">" line is not a quote block; two in the next three lines are.
    let quotedLines = 0;
    for (let j = i; j < Math.min(lines.length, i + 3); j++) if (/^\s*>/.test(lines[j] ?? '')) quotedLines++;
    return quotedLines >= 2 || i === lines.length - 1;
  }
  if (UNDERSCORE_RULE.test(line) && HEADER_LINE.test(lines[i + 1] ?? '')) return true;
  if (HEADER_LINE.test(line) && /^\s*\*?(From|Von|De)\b/i.test(line)) {
    // Outlook and Lotus Notes header blocks: From: … then Sent:/To:/Subject: within a few lines.
    let headerLines = 0;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) if (HEADER_LINE.test(lines[j] ?? '')) headerLines++;
    return headerLines >= 2;
  }
  if (NOTES_DATE_LINE.test(line)) {
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) if (/^\s*To:/i.test(lines[j] ?? '')) return true;
  }
  return false;
}

/** Where a Lotus Notes style block really starts: the "Name@ORG" line above a date line. */
function backUpToAuthorLine(lines: readonly string[], start: number): number {
  if (
    NOTES_DATE_LINE.test(lines[start] ?? '') &&
    start > 0 &&
    (lines[start - 1] ?? '').trim().length > 0 &&
    (lines[start - 1] ?? '').length < 80
  ) {
    return start - 1;
  }
  return start;
}

/** The first line of the signature among lines[0, end), or `end` when there is none. */
function findSignatureStart(lines: readonly string[], end: number): number {
  // Only a delimiter or footer within 15 lines of the end counts (a rule far from the end, with lots of
  // text after it, is more likely part of the body), so the search stops there.
  for (let i = end - 1; i >= Math.max(0, end - 15); i--) {
    const line = lines[i] ?? '';
    if (SIGNATURE_DELIMITER.test(line) || MOBILE_FOOTER.test(line)) return i;
  }
  // A sign-off followed by at most six short lines (name, title, phone) and nothing else.
  const from = Math.max(0, end - 8);
  for (let i = Math.max(1, from); i < end; i++) {
    if (!SIGN_OFF.test(lines[i] ?? '')) continue;
    const rest = lines.slice(i + 1, end).filter((l) => l.trim());
    if (rest.length <= 6 && rest.every((l) => l.trim().length <= 60)) return i;
  }
  return end;
}

function trimBlankLines(text: string): string {
  // trimEnd removes exactly what /\s+$/ would, without the regex's quadratic retries on long blank runs.
  return text.replace(/^\s*\n/, '').trimEnd();
}

export function splitReply(text: string): ReplyParts {
  const whole = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const lines = whole.split('\n');
  let quoteStart = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isQuoteStart(lines, i)) {
      quoteStart = backUpToAuthorLine(lines, i);
      break;
    }
  }
  // Trailing blank lines would hide a sign-off from the "last lines" window.
  let bodyEnd = quoteStart;
  while (bodyEnd > 0 && !(lines[bodyEnd - 1] ?? '').trim()) bodyEnd--;
  const signatureStart = findSignatureStart(lines, bodyEnd);
  // Lines [from, to) joined with "\n" are the text between their offsets: sliced, not joined again.
  const offsets = [0];
  for (let i = 0; i < lines.length; i++) offsets.push(offsets[i]! + lines[i]!.length + 1);
  const join = (from: number, to: number) => (from >= to ? '' : whole.slice(offsets[from], offsets[to]! - 1));
  return {
    newText: trimBlankLines(join(0, signatureStart)),
    signature: trimBlankLines(join(signatureStart, bodyEnd)),
    quoted: trimBlankLines(join(quoteStart, lines.length)),
  };
}
