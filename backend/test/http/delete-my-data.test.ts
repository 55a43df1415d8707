import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

describe('delete my data', () => {
  // Opens its own database and app: bounded generously for a loaded machine (nothing is timed).
  it("removes notes, transcripts, triage memory and the voice profile, and nobody else's", {
    timeout: 120_000,
  }, async () => {
    const storage = await testDatabases()[0]!.open();
    const app = await buildTestApp(storage, {});
    try {
      const transcript =
        'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana>We agreed to ship on Friday.\n\n00:00:05.000 --> 00:00:08.000\n<v Lee>I will write the release notes by Thursday.\n';
      const notes = await app.inject({
        method: 'POST',
        url: '/v1/meetings/notes',
        payload: { transcript, meetingDate: '2026-03-02T10:00:00Z' },
      });
      expect(notes.statusCode).toBe(201);
      await app.inject({
        method: 'POST',
        url: '/v1/triage',
        payload: { message: { id: 'm1', from: 'a@b.example', text: 'Can you call me?' } },
      });
      const blobRoot = path.join(app.services.config.dataDir, 'blobs');
      const filesBefore = fs.readdirSync(blobRoot, { recursive: true }).length;
      expect(filesBefore).toBeGreaterThan(0);

      expect((await app.inject({ method: 'DELETE', url: '/v1/me' })).statusCode).toBe(204);

      for (const table of ['meeting_notes', 'triage_results', 'voice_profiles', 'users'] as const) {
        expect(await storage.db.selectFrom(table).selectAll().execute(), table).toEqual([]);
      }
      const left = fs
        .readdirSync(blobRoot, { recursive: true })
        .filter((f) => fs.statSync(path.join(blobRoot, String(f))).isFile());
      expect(left).toEqual([]);
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
