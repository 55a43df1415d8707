import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanUtterance, detectTranscriptFormat, parseTranscript, type Turn } from '../../src/notes/transcript.ts';
import { JSON_TRANSCRIPT, PLAIN_TEXT, SRT, TEAMS_VTT, ZOOM_VTT } from './fixtures.ts';

function turnsOf(input: string, format?: 'vtt' | 'srt' | 'txt' | 'json'): Turn[] {
  const parsed = parseTranscript(input, format ? { format } : {});
  if (!parsed.ok) throw new Error(`expected a transcript, got ${parsed.error.code}: ${parsed.error.message}`);
  return parsed.turns;
}

describe('parseTranscript: formats', () => {
  it('reads a Teams VTT with GUID cue ids and <v> voice tags, merging one speaker and dropping fillers', () => {
    const turns = turnsOf(TEAMS_VTT);
    expect(turns.map((t) => t.speaker)).toEqual([
      'Ann Lee',
      'Bob Stone',
      'Ann Lee',
      'Sarah Kim',
      'Bob Stone',
      'Sarah Kim',
      'Ann Lee',
    ]);
    expect(turns[0]?.text).toBe(
      'Thanks everyone for joining. Today we need to settle the launch date and the pricing page. ' +
        'The marketing team wants the launch in April but engineering needs two more weeks.',
    );
    expect(turns[0]).toMatchObject({ start: 1, end: 12 });
  });

  it("drops a backchannel said over someone else's sentence, so that speaker's turn stays whole", () => {
    const bob = turnsOf(TEAMS_VTT)[1];
    expect(bob?.text).toBe(
      'Engineering can hit the end of April if we cut the export feature from the first release. ' +
        'The export feature can ship in May as a follow-up release without blocking the launch.',
    );
  });

  it('splits a cue holding two voices (cross-talk) into two turns', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>We should ship.</v><v Bob>No, wait for QA.</v>\n';
    expect(turnsOf(vtt)).toEqual([
      { speaker: 'Ann', text: 'We should ship.', start: 1, end: 4 },
      { speaker: 'Bob', text: 'No, wait for QA.', start: 1, end: 4 },
    ]);
  });

  it('reads Zoom VTT cues with "Name: text"', () => {
    const turns = turnsOf(ZOOM_VTT);
    expect(turns.map((t) => [t.speaker, t.start])).toEqual([
      ['Priya Shah', 0.5],
      ['Tom Berg', 4],
      ['Priya Shah', 7],
      ['Tom Berg', 12],
    ]);
    expect(turns[3]?.text).toBe('Will do.');
  });

  it('reads SRT with comma milliseconds and speaker labels', () => {
    const turns = turnsOf(SRT);
    expect(turns).toHaveLength(4);
    expect(turns[1]).toEqual({
      speaker: 'Raj',
      text: "I'll update the calendar invite before Monday.",
      start: 5,
      end: 9,
    });
  });

  it('keeps unlabelled captions as separate unknown-speaker turns', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,000 --> 00:00:03,000\nHi!\n';
    expect(turnsOf(srt).map((t) => [t.speaker, t.text])).toEqual([
      ['Unknown speaker', 'Hello there.'],
      ['Unknown speaker', 'Hi!'],
    ]);
  });

  it('reads plain "Speaker: text" lines with continuation lines', () => {
    const turns = turnsOf(PLAIN_TEXT);
    expect(turns.map((t) => t.speaker)).toEqual(['Maria Lopez', 'Kevin', 'Maria Lopez', 'Kevin', 'Maria Lopez']);
    expect(turns[0]?.text).toContain('Legal flagged two clauses about data retention that we need to renegotiate.');
  });

  it('reads Otter-style "Name  0:03" header lines followed by the words', () => {
    const text = 'Ann Lee  0:03\nWelcome to the review.\n\nBob  0:10\nThanks, glad to be here.\n';
    expect(turnsOf(text, 'txt')).toEqual([
      { speaker: 'Ann Lee', text: 'Welcome to the review.', start: 3 },
      { speaker: 'Bob', text: 'Thanks, glad to be here.', start: 10 },
    ]);
  });

  it('reads JSON arrays and objects holding a turn list', () => {
    expect(turnsOf(JSON_TRANSCRIPT).map((t) => [t.speaker, t.start])).toEqual([
      ['Lena', 0],
      ['Omar', 6],
      ['Lena', 12],
      ['Omar', 18],
    ]);
    const wrapped = JSON.stringify({ turns: [{ name: 'Ann', content: 'Hello team.', start: '00:01:05' }] });
    expect(turnsOf(wrapped)).toEqual([{ speaker: 'Ann', text: 'Hello team.', start: 65 }]);
  });

  it('detects the format from the content', () => {
    expect(detectTranscriptFormat(TEAMS_VTT)).toBe('vtt');
    expect(detectTranscriptFormat(SRT)).toBe('srt');
    expect(detectTranscriptFormat(PLAIN_TEXT)).toBe('txt');
    expect(detectTranscriptFormat(JSON_TRANSCRIPT)).toBe('json');
  });
});

describe('parseTranscript: bad input', () => {
  it('rejects empty and blank input', () => {
    expect(parseTranscript('')).toMatchObject({ ok: false, error: { code: 'empty_transcript' } });
    expect(parseTranscript('  \n\n ')).toMatchObject({ ok: false, error: { code: 'empty_transcript' } });
    expect(parseTranscript('WEBVTT\n\n')).toMatchObject({ ok: false, error: { code: 'empty_transcript' } });
  });

  it('rejects binary data', () => {
    const binary = String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 37) % 256));
    expect(parseTranscript(binary)).toMatchObject({ ok: false, error: { code: 'binary_input' } });
  });

  it('recognises an email or an HTML page passed as a transcript', () => {
    const email = 'From: Ann <ann@example.com>\nTo: bob@example.com\nSubject: Budget\n\nHi Bob, see attached.\n';
    const result = parseTranscript(email);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_a_transcript' } });
    expect(!result.ok && result.error.message).toContain('email');
    expect(parseTranscript('<!DOCTYPE html><html><body>hi</body></html>')).toMatchObject({
      ok: false,
      error: { code: 'not_a_transcript' },
    });
  });

  it('rejects JSON that is not a list of turns', () => {
    expect(parseTranscript('{"name": "not a transcript"}')).toMatchObject({
      ok: false,
      error: { code: 'not_a_transcript' },
    });
  });

  it('reads a truncated JSON transcript up to its last complete entry and says so', () => {
    const truncated = JSON_TRANSCRIPT.slice(0, JSON_TRANSCRIPT.indexOf('Omar will') + 5);
    const parsed = parseTranscript(truncated);
    expect(parsed.ok && parsed.turns.map((t) => t.speaker)).toEqual(['Lena', 'Omar']);
    expect(parsed.ok && parsed.warnings.join(' ')).toMatch(/truncated/);
  });

  it('reads a VTT truncated in the middle of a timing line, keeping the cues before it', () => {
    const truncated = ZOOM_VTT.slice(0, ZOOM_VTT.indexOf('00:00:07.000 -->') + 20);
    const parsed = parseTranscript(truncated);
    expect(parsed.ok && parsed.turns).toEqual([
      { speaker: 'Priya Shah', text: "Let's go with the blue design for the landing page.", start: 0.5, end: 4 },
      { speaker: 'Tom Berg', text: 'Agreed, it tested better with customers.', start: 4, end: 7 },
    ]);
    expect(parsed.ok && parsed.warnings.join(' ')).toMatch(/truncated/);
  });

  it('keeps the words of a caption cut off mid-sentence', () => {
    const truncated = ZOOM_VTT.slice(0, ZOOM_VTT.indexOf('send the final') + 12);
    expect(turnsOf(truncated).at(-1)).toEqual({
      speaker: 'Priya Shah',
      text: 'Tom, could you send the fin',
      start: 7,
      end: 12,
    });
  });

  it('warns about captions that end before they start and keeps their text', () => {
    const vtt = 'WEBVTT\n\n00:00:09.000 --> 00:00:02.000\n<v Ann>Budget is approved.</v>\n';
    const parsed = parseTranscript(vtt);
    expect(parsed.ok && parsed.turns).toEqual([{ speaker: 'Ann', text: 'Budget is approved.', start: 9, end: 9 }]);
    expect(parsed.ok && parsed.warnings[0]).toMatch(/end before they start/);
  });

  it('names a speaker it cannot identify "Unknown speaker"', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v >Is anyone there?</v>\n';
    expect(turnsOf(vtt)[0]?.speaker).toBe('Unknown speaker');
  });

  it('accepts unlabelled prose with a warning instead of inventing speakers', () => {
    const parsed = parseTranscript('We talked about the roadmap.\nThen about hiring.\n\nFinally about budget.');
    expect(parsed.ok && parsed.turns.map((t) => t.speaker)).toEqual(['Unknown speaker', 'Unknown speaker']);
    expect(parsed.ok && parsed.warnings[0]).toMatch(/No "Speaker: text" labels/);
  });

  it('rejects input over the size limit without reading it', () => {
    expect(parseTranscript('a'.repeat(2_000_001))).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('never throws, whatever the text', () => {
    const prefixes = ['', 'WEBVTT\n\n', '1\n00:00:01,000 --> ', '[{"speaker":', 'Ann: '];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.string({ maxLength: 300 }), (prefix, body) => {
        const result = parseTranscript(prefix + body);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });

  it('reads a five-hour caption file completely', () => {
    const cues = Array.from({ length: 3600 }, (_, i) => {
      const start = i * 5;
      const stamp = (s: number) => new Date(s * 1000).toISOString().slice(11, 23);
      return `${i + 1}\n${stamp(start)} --> ${stamp(start + 4)}\n<v Speaker ${i % 4}>Point number ${i} about the plan.</v>\n`;
    });
    const parsed = parseTranscript(`WEBVTT\n\n${cues.join('\n')}`);
    expect(parsed.ok && parsed.turns.length).toBe(3600);
    expect(parsed.ok && parsed.turns.at(-1)?.start).toBe(17_995);
  });
});

describe('cleanUtterance', () => {
  it('removes fillers, stutters and transcription markers', () => {
    expect(cleanUtterance('Um, so we, uh, need the the {disfmarker} report.')).toBe('so we need the report.');
    expect(cleanUtterance("I 've checked , and it 's fine .")).toBe("I've checked, and it's fine.");
    expect(cleanUtterance('[crosstalk] Hmm. The budget is fine.')).toBe('The budget is fine.');
  });

  it('removes "you know" as a filler but keeps it as a verb', () => {
    expect(cleanUtterance("It's, you know, a hard deadline.")).toBe("It's a hard deadline.");
    expect(cleanUtterance('Do you know the deadline?')).toBe('Do you know the deadline?');
    expect(cleanUtterance('Do you know?')).toBe('Do you know?');
  });
});
