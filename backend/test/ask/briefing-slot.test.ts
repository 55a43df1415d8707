/** The morning draft's hour in the user's zone, and its body: mail text is escaped, never markup. */
import { defaultSettings } from '@steward/shared';
import { describe, expect, it } from 'vitest';
import { briefingDraftContent, briefingSlot } from '../../src/ask/briefing.ts';

const settings = (timeZone: string, briefingDraftHour: number | null) => ({
  ...defaultSettings(),
  timeZone,
  briefingDraftHour,
});

describe('briefingSlot', () => {
  it('is due from the hour in the user zone for the catch-up hours, on the local day', () => {
    // 7:00 in Kolkata (UTC+5:30) is 01:30 UTC: a zone off the hour is served at its own hour.
    expect(briefingSlot(settings('Asia/Kolkata', 7), new Date('2026-12-03T01:29:00Z'))).toEqual({
      day: '2026-12-03',
      due: false,
    });
    expect(briefingSlot(settings('Asia/Kolkata', 7), new Date('2026-12-03T01:30:00Z'))).toEqual({
      day: '2026-12-03',
      due: true,
    });
    expect(briefingSlot(settings('Asia/Kolkata', 7), new Date('2026-12-03T04:30:00Z')).due).toBe(false);
    // 23:00 in Los Angeles is the next day in UTC; the day is the user's.
    expect(briefingSlot(settings('America/Los_Angeles', 23), new Date('2026-12-04T07:10:00Z'))).toEqual({
      day: '2026-12-03',
      due: true,
    });
  });

  it('is never due with the setting off or an unknown zone', () => {
    expect(briefingSlot(settings('UTC', null), new Date('2026-12-03T07:00:00Z')).due).toBe(false);
    expect(briefingSlot(settings('Mars/Olympus', 7), new Date('2026-12-03T07:00:00Z')).due).toBe(false);
  });
});

describe('briefingDraftContent', () => {
  it('escapes mail text in the HTML body and keeps the plain text as it is', () => {
    const text = 'Needs your reply (1):\n- <script>alert(1)</script> & more — dana@example.com, today';
    const content = briefingDraftContent({
      date: '2026-12-03',
      needsReply: [],
      waitingFor: [],
      meetings: [],
      calendar: 'none',
      text,
    });
    expect(content.subject).toBe('Steward briefing for 2026-12-03');
    expect(content.text).toBe(text);
    expect(content.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(content.html).not.toContain('<script>');
  });
});
