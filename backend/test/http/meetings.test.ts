import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MeetingNotes } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import type { UserScope } from '../../src/storage/user-scope.ts';
import { userStore } from '../../src/storage/users.ts';
import { TEAMS_VTT } from '../notes/fixtures.ts';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';
import { type FakeOpenAi, reply, script, startFakeOpenAi } from '../support/fake-openai.ts';
import { type FakeS3, startFakeS3 } from '../support/fake-s3.ts';
import { type FakeTranscription, startFakeTranscription } from '../support/fake-transcription.ts';

const NOTES = '/v1/meetings/notes';

const teamsMeeting = {
  transcript: TEAMS_VTT,
  format: 'vtt',
  meetingDate: '2026-03-03T10:00:00+01:00',
  timeZone: 'Europe/Berlin',
  title: 'Launch sync',
  attendees: ['Ann Lee <ann@example.com>', 'Sarah Kim <sarah@example.com>', 'Bob Stone <bob@example.com>'],
};

const voiceProfile = {
  greetings: [{ text: 'Hey {name},', share: 0.6 }],
  signOffs: [{ text: 'Cheers', share: 0.7 }],
  perRecipient: [],
  signatureName: 'Ann Lee',
  typicalWords: 60,
  formality: 'casual',
  contractionsRate: 0.8,
  emojiRate: 0,
  punctuation: { exclamationRate: 0.1, ellipsisRate: 0 },
  languages: ['en'],
  sampleCount: 40,
  confidence: 'medium',
};

/** A multipart/form-data body as a browser or the add-ins send it. */
function multipart(
  parts: Array<{ name: string; value: string } | { name: string; filename: string; type: string; data: Buffer }>,
) {
  const boundary = `----steward${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('filename' in part ? part.data : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** About five hours of talk, a turn every six seconds. */
function fiveHourTranscript(): string {
  const speakers = ['Ann Lee', 'Bob Stone', 'Sarah Kim', 'Priya Shah'];
  const topics = [
    'the launch plan',
    'the budget',
    'hiring',
    'the pricing page',
    'support training',
    'the export feature',
  ];
  const lines: string[] = ['WEBVTT', ''];
  for (let i = 0; i < 3000; i++) {
    const t = i * 6;
    const stamp = (s: number) =>
      `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
    const topic = topics[Math.floor(i / 50) % topics.length];
    lines.push(
      `${stamp(t)} --> ${stamp(t + 6)}`,
      `<v ${speakers[i % 4]}>We talked about ${topic} again, point ${i}, and what it means for the team.</v>`,
      '',
    );
  }
  return lines.join('\n');
}

async function localScope(storage: Storage): Promise<UserScope> {
  const row = await storage.db.selectFrom('users').select(['id', 'tenant_id']).executeTakeFirstOrThrow();
  return { tenantId: row.tenant_id, userId: row.id };
}

for (const database of testDatabases()) {
  describe(`meeting notes API [${database.name}]`, () => {
    let storage: Storage;
    let app: FastifyInstance;
    let dataDir: string;
    beforeAll(async () => {
      storage = await database.open();
      dataDir = await mkdtemp(path.join(tmpdir(), 'steward-meetings-'));
      app = await buildTestApp(storage, { DATA_DIR: dataDir });
    });
    afterAll(async () => {
      await app.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    const post = (payload: unknown) => app.inject({ method: 'POST', url: NOTES, payload: payload as object });
    const blobFile = (key: string, name: string) => path.join(dataDir, 'blobs', ...key.split('/'), name);

    it('makes notes from a Teams transcript, keeps them with the transcript, and answers 201', async () => {
      const res = await post(teamsMeeting);
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ title: 'Launch sync', meetingDate: '2026-03-03T09:00:00.000Z' });
      expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(body.createdAt)).not.toBeNaN();
      const { id, title, meetingDate, createdAt, ...notes } = body;
      expect(Value.Check(MeetingNotes, notes)).toBe(true);
      expect(notes.decisions[0]).toEqual({
        text: 'We agreed to launch on April 28 without the export feature (Tue 28 Apr 2026).',
        sourceTurns: [2],
      });
      expect(notes.actionItems.map((a: { owner: string; due: string }) => [a.owner, a.due])).toEqual([
        ['Sarah Kim', '2026-03-06'],
        ['Bob Stone', '2026-03-04'],
      ]);

      const row = await storage.db
        .selectFrom('meeting_notes')
        .select(['transcript_key'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const scope = await localScope(storage);
      expect(row.transcript_key).toMatch(new RegExp(`^${scope.tenantId}/${scope.userId}/[0-9a-f-]{36}$`));
      expect(await readFile(blobFile(row.transcript_key as string, 'transcript'), 'utf8')).toBe(TEAMS_VTT);
    });

    it("writes the follow-up in the user's voice when a profile is stored", async () => {
      await userStore(storage.db, await localScope(storage)).voice.put(voiceProfile);
      const { followUp } = (await post(teamsMeeting)).json();
      expect(followUp.text).toMatch(/^Hey Sarah and Bob,/);
      expect(followUp.text).toMatch(/Cheers,\nAnn Lee\n$/);
    });

    it('ignores a stored profile that is not a voice profile', async () => {
      await userStore(storage.db, await localScope(storage)).voice.put({ greetings: 'not a list' });
      const res = await post(teamsMeeting);
      expect(res.statusCode).toBe(201);
      expect(res.json().followUp.text).toMatch(/^Hi Ann, Sarah|^Hi all,|^Hi /);
    });

    it('lists notes newest first, gets one, and both 404 what is not there', async () => {
      const first = (await post({ ...teamsMeeting, title: 'Older meeting' })).json();
      const second = (await post({ ...teamsMeeting, title: 'Newer meeting' })).json();
      const list = await app.inject({ method: 'GET', url: `${NOTES}?limit=2` });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((n: { id: string }) => n.id)).toEqual([second.id, first.id]);
      expect(list.json().items[0].decisions.length).toBeGreaterThan(0);

      const one = await app.inject({ method: 'GET', url: `${NOTES}/${first.id}` });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual(first);
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const missing = await app.inject({ method: 'GET', url: `${NOTES}/${id}` });
        expect(missing.statusCode).toBe(404);
        expect(missing.json().error.code).toBe('not_found');
      }
      expect((await app.inject({ method: 'GET', url: `${NOTES}?limit=0` })).json().error.code).toBe(
        'invalid_querystring',
      );
    });

    it('deletes notes with their transcript: 204, then 404', async () => {
      const { id } = (await post(teamsMeeting)).json();
      const row = await storage.db
        .selectFrom('meeting_notes')
        .select(['transcript_key'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const file = blobFile(row.transcript_key as string, 'transcript');
      expect((await stat(file)).isFile()).toBe(true);

      const res = await app.inject({ method: 'DELETE', url: `${NOTES}/${id}` });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      await expect(stat(file)).rejects.toThrow(/ENOENT/);
      expect((await app.inject({ method: 'GET', url: `${NOTES}/${id}` })).statusCode).toBe(404);
      expect((await app.inject({ method: 'DELETE', url: `${NOTES}/${id}` })).statusCode).toBe(404);
    });

    it('records every read and write in the audit log, with ids and never text', async () => {
      const { id } = (await post(teamsMeeting)).json();
      await app.inject({ method: 'GET', url: `${NOTES}/${id}` });
      await app.inject({ method: 'DELETE', url: `${NOTES}/${id}` });
      const rows = await storage.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', '=', 'meetings.notes')
        .execute();
      const details = rows.map((r) => r.detail as Record<string, unknown>);
      expect(details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ op: 'create', notesId: id, engine: 'local' }),
          { op: 'read', notesId: id },
          { op: 'delete', notesId: id },
        ]),
      );
      const everything = JSON.stringify(details);
      for (const secret of ['pricing', 'export', 'Sarah', 'launch']) expect(everything).not.toContain(secret);
    });

    describe('bad input', () => {
      it.each([
        ['an empty transcript', { transcript: '' }, 400, 'invalid_body'],
        ['a transcript of blanks', { transcript: ' \n\n \t' }, 422, 'empty_transcript'],
        ['binary data', { transcript: '\u0000\u0001\u0002PK\u0003\u0004'.repeat(50) }, 422, 'binary_input'],
        [
          'an HTML page',
          { transcript: '<!DOCTYPE html><html><head><title>Shop</title></head><body><p>Buy now</p></body></html>' },
          422,
          'not_a_transcript',
        ],
        ['a bad meeting date', { transcript: TEAMS_VTT, meetingDate: '2026-02-31' }, 400, 'invalid_meeting_date'],
        ['an unknown time zone', { transcript: TEAMS_VTT, timeZone: 'Mars/Olympus' }, 400, 'invalid_time_zone'],
        ['an unknown field', { transcript: TEAMS_VTT, speakers: 3 }, 400, 'invalid_body'],
      ])('%s is a clear error', async (_name, payload, status, code) => {
        const res = await post(payload);
        expect(res.statusCode).toBe(status);
        expect(res.json().error.code).toBe(code);
        expect(res.json().error.message.length).toBeGreaterThan(10);
      });

      it('a truncated caption file still gives notes, with a warning', async () => {
        const cut = TEAMS_VTT.slice(0, Math.floor(TEAMS_VTT.length * 0.6));
        const res = await post({ transcript: cut, format: 'vtt' });
        expect(res.statusCode).toBe(201);
        expect(res.json().summary.length).toBeGreaterThan(0);
      });

      it('a five-hour transcript gives notes', async () => {
        const transcript = fiveHourTranscript();
        const res = await post({ transcript, meetingDate: '2026-03-03' });
        expect(res.statusCode).toBe(201);
        expect(res.json().summary.length).toBeGreaterThan(0);
        expect(res.json().summary.length).toBeLessThanOrEqual(10);
      });

      it('takes bodies beyond the app-wide 1 MiB limit, and answers 413 over 4 MiB', async () => {
        const transcript = Array.from(
          { length: 10_000 },
          (_, i) =>
            `${i % 2 ? 'Bob Stone' : 'Ann Lee'}: We went through item ${i} of the backlog and agreed it can wait until the planning session next month.`,
        ).join('\n');
        expect(Buffer.byteLength(transcript)).toBeGreaterThan(1024 * 1024);
        const long = await post({ transcript });
        expect(long.statusCode).toBe(201);
        const res = await post({ transcript: `Ann: ${'word '.repeat(900_000)}` });
        expect(res.statusCode).toBe(413);
        expect(res.json().error.code).toBe('body_too_large');
        // Within the body limit but beyond the longest transcript the notes engine takes.
        const tooLong = await post({ transcript: `Ann: ${'word '.repeat(420_000)}` });
        expect(tooLong.statusCode).toBe(413);
        expect(tooLong.json().error.code).toBe('too_large');
      });

      it('a transcription id that is not the user’s is a 404', async () => {
        const res = await post({ ...teamsMeeting, transcriptionId: '00000000-0000-4000-8000-000000000000' });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('transcription_not_found');
      });
    });

    it('answers 501 transcription_unavailable when no transcription endpoint is configured', async () => {
      const form = multipart([
        { name: 'file', filename: 'standup.mp3', type: 'audio/mpeg', data: Buffer.from('ID3 fake audio') },
      ]);
      const res = await app.inject({ method: 'POST', url: '/v1/meetings/transcribe', ...form });
      expect(res.statusCode).toBe(501);
      expect(res.json().error).toMatchObject({ code: 'transcription_unavailable' });
      expect(res.json().error.message).toMatch(/TRANSCRIBE_BASE_URL/);
    });
  });

  describe(`meeting audio and S3 storage [${database.name}]`, () => {
    let storage: Storage;
    let app: FastifyInstance;
    let s3: FakeS3;
    let whisper: FakeTranscription;
    const audio = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2048, 7)]);

    beforeAll(async () => {
      storage = await database.open();
      s3 = await startFakeS3();
      whisper = await startFakeTranscription((req) => {
        if (req.audio.subarray(0, 4).toString() !== 'OggS') return { status: 400, message: 'Invalid file format.' };
        return {
          status: 200,
          body: {
            task: 'transcribe',
            language: 'english',
            duration: 12.5,
            text: 'We agreed to ship on Friday. Bob will send the plan tomorrow.',
            segments: [
              { id: 0, start: 0, end: 5.2, text: ' We agreed to ship on Friday.' },
              { id: 1, start: 5.2, end: 12.5, text: ' Bob will send the plan tomorrow.' },
            ],
          },
        };
      });
      app = await buildTestApp(storage, {
        S3_ENDPOINT: s3.url,
        S3_BUCKET: 'steward-blobs',
        S3_ACCESS_KEY_ID: 'test',
        S3_SECRET_ACCESS_KEY: 'test-secret',
        TRANSCRIBE_BASE_URL: whisper.url,
        TRANSCRIBE_MODEL: 'whisper-large-v3',
      });
    });
    afterAll(async () => {
      await app.close();
      await s3.close();
      await whisper.close();
      await storage.close();
    });

    const transcribe = (form: ReturnType<typeof multipart>) =>
      app.inject({ method: 'POST', url: '/v1/meetings/transcribe', ...form });

    it('transcribes audio into a timed transcript, keeping the audio and transcript in the bucket', async () => {
      const res = await transcribe(
        multipart([
          { name: 'language', value: 'en' },
          { name: 'file', filename: 'standup.ogg', type: 'audio/ogg', data: audio },
        ]),
      );
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ format: 'vtt', language: 'english', durationSeconds: 12.5 });
      expect(body.transcript).toBe(
        'WEBVTT\n\n00:00:00.000 --> 00:00:05.200\nWe agreed to ship on Friday.\n\n00:00:05.200 --> 00:00:12.500\nBob will send the plan tomorrow.\n',
      );
      expect(whisper.requests.at(-1)).toMatchObject({
        model: 'whisper-large-v3',
        responseFormat: 'verbose_json',
        language: 'en',
        filename: 'standup.ogg',
      });
      expect(whisper.requests.at(-1)?.audio).toEqual(audio);

      const keys = [...s3.objects.keys()].filter((k) => k.includes(body.transcriptionId));
      expect(keys.sort()).toEqual([
        expect.stringMatching(/^steward-blobs\/.+\/audio$/),
        expect.stringMatching(/^steward-blobs\/.+\/transcript$/),
      ]);

      // Notes made from it keep the audio; deleting the notes removes both.
      const notes = await app.inject({
        method: 'POST',
        url: NOTES,
        payload: { transcript: body.transcript, meetingDate: '2026-03-03', transcriptionId: body.transcriptionId },
      });
      expect(notes.statusCode).toBe(201);
      expect(notes.json().decisions[0].text).toMatch(/ship on Friday/);
      expect((await app.inject({ method: 'DELETE', url: `${NOTES}/${notes.json().id}` })).statusCode).toBe(204);
      expect([...s3.objects.keys()].filter((k) => k.includes(body.transcriptionId))).toEqual([]);
    });

    it('keeps pasted transcripts in the bucket too', async () => {
      const res = await app.inject({ method: 'POST', url: NOTES, payload: teamsMeeting });
      expect(res.statusCode).toBe(201);
      const row = await storage.db
        .selectFrom('meeting_notes')
        .select(['transcript_key'])
        .where('id', '=', res.json().id)
        .executeTakeFirstOrThrow();
      expect(s3.objects.get(`steward-blobs/${row.transcript_key}/transcript`)?.body.toString()).toBe(TEAMS_VTT);
    });

    it('refuses what is not audio, an empty form, and audio the service cannot read', async () => {
      const pdf = await transcribe(
        multipart([{ name: 'file', filename: 'minutes.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7') }]),
      );
      expect(pdf.statusCode).toBe(415);
      expect(pdf.json().error.code).toBe('unsupported_audio');

      const none = await transcribe(multipart([{ name: 'language', value: 'en' }]));
      expect(none.statusCode).toBe(400);
      expect(none.json().error.code).toBe('missing_audio');

      const empty = await transcribe(
        multipart([{ name: 'file', filename: 'a.mp3', type: 'audio/mpeg', data: Buffer.alloc(0) }]),
      );
      expect(empty.json().error.code).toBe('empty_audio');

      const json = await app.inject({ method: 'POST', url: '/v1/meetings/transcribe', payload: { audio: 'base64…' } });
      expect(json.statusCode).toBe(415);

      const before = s3.objects.size;
      const garbled = await transcribe(
        multipart([{ name: 'file', filename: 'noise.mp3', type: 'audio/mpeg', data: Buffer.from('not really audio') }]),
      );
      expect(garbled.statusCode).toBe(422);
      expect(garbled.json().error.code).toBe('audio_rejected');
      // The rejected audio is not kept.
      expect(s3.objects.size).toBe(before);
    });
  });

  describe(`meeting notes through a language model [${database.name}]`, () => {
    let storage: Storage;
    let app: FastifyInstance;
    let fake: FakeOpenAi;
    let dataDir: string;

    beforeAll(async () => {
      storage = await database.open();
      dataDir = await mkdtemp(path.join(tmpdir(), 'steward-meetings-model-'));
      fake = await startFakeOpenAi(
        script([
          reply.json({
            summary: [{ text: 'The launch moves to April 28 without the export feature.', sourceTurns: [1, 2] }],
            decisions: [{ text: 'Launch on April 28 without the export feature.', sourceTurns: [2] }],
            actionItems: [
              {
                owner: 'Bob',
                task: 'Send the revised release plan to the leadership team',
                dueText: 'tomorrow',
                sourceTurns: [4],
              },
            ],
            openQuestions: [],
          }),
          reply.status(500),
        ]),
      );
      app = await buildTestApp(storage, {
        DATA_DIR: dataDir,
        AI_PROVIDER: 'openai',
        OPENAI_BASE_URL: fake.url,
        OPENAI_MODEL: 'fake',
      });
    });
    afterAll(async () => {
      await app.close();
      await fake.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("uses the model's notes, and falls back to the local engine (saying so) when it fails", async () => {
      const first = await app.inject({ method: 'POST', url: NOTES, payload: teamsMeeting });
      expect(first.statusCode).toBe(201);
      expect(first.json().actionItems).toEqual([
        {
          owner: 'Bob Stone',
          task: 'Send the revised release plan to the leadership team',
          due: '2026-03-04',
          dueText: 'tomorrow',
          sourceTurns: [4],
        },
      ]);
      expect(first.json().warnings).toBeUndefined();

      const second = await app.inject({ method: 'POST', url: NOTES, payload: teamsMeeting });
      expect(second.statusCode).toBe(201);
      expect(second.json().warnings).toContain('language model failed; used the local engine');
      expect(second.json().actionItems).toHaveLength(2);

      const engines = (
        await storage.db.selectFrom('audit_log').select('detail').where('action', '=', 'meetings.notes').execute()
      ).map((r) => (r.detail as { engine?: string }).engine);
      expect(engines).toEqual(['model', 'local']);
    });
  });
}
