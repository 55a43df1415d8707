import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

describe('the turns the notes cite', () => {
  // The database opens in a hook; the first notes request may also start the CPU worker thread, which on a
  // loaded machine takes a while: the bound is generous, and nothing here is timed.
  const ctx = useTestApp(testDatabases()[0]!);
  it('are served numbered as the notes number them', { timeout: 120_000 }, async () => {
    const { app } = ctx;
    {
      const transcript =
        'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana>We agreed to ship on Friday.\n\n00:00:05.000 --> 00:00:08.000\n<v Lee>I will write the release notes by Thursday.\n';
      const created = await app.inject({
        method: 'POST',
        url: '/v1/meetings/notes',
        payload: { transcript, meetingDate: '2026-03-02T10:00:00Z' },
      });
      const notes = created.json();
      const res = await app.inject({ method: 'GET', url: `/v1/meetings/notes/${notes.id}/transcript` });
      expect(res.statusCode).toBe(200);
      const { turns } = res.json();
      expect(turns).toEqual([
        expect.objectContaining({ index: 0, speaker: 'Dana', text: 'We agreed to ship on Friday.', start: 1 }),
        expect.objectContaining({ index: 1, speaker: 'Lee' }),
      ]);
      for (const item of [...notes.decisions, ...notes.actionItems]) {
        for (const turn of item.sourceTurns ?? []) expect(turns[turn]).toBeDefined();
      }
      expect(notes.actionItems.some((a: { sourceTurns?: number[] }) => a.sourceTurns?.includes(1))).toBe(true);
      const missing = await app.inject({
        method: 'GET',
        url: '/v1/meetings/notes/00000000-0000-4000-8000-000000000000/transcript',
      });
      expect(missing.statusCode).toBe(404);
    }
  });
});
