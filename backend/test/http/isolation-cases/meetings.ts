import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

const SECRET = 'Project Nightingale';

export const meetingNotesCase: IsolationCase<{ id: string }> = {
  name: 'meeting notes and their transcripts',
  covers: [
    'POST /v1/meetings/notes',
    'GET /v1/meetings/notes',
    'GET /v1/meetings/notes/:id',
    'GET /v1/meetings/notes/:id/transcript',
    'DELETE /v1/meetings/notes/:id',
    'POST /v1/meetings/transcribe',
  ],
  async seed({ owner }) {
    const transcript = `Ann Lee: We agreed to sell ${SECRET} to the buyer for the asking price.\nBob Stone: I'll draft the ${SECRET} term sheet by Friday.\n`;
    const res = await owner.request({
      method: 'POST',
      url: '/v1/meetings/notes',
      payload: { transcript, title: `${SECRET} board call` },
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id as string };
  },
  attacks: ({ id }) => [
    { method: 'GET', url: `/v1/meetings/notes/${id}`, expectStatus: [404], mustNotContain: [SECRET] },
    { method: 'GET', url: `/v1/meetings/notes/${id}/transcript`, expectStatus: [404], mustNotContain: [SECRET] },
    { method: 'GET', url: '/v1/meetings/notes', expectStatus: [200], mustNotContain: [SECRET, id] },
    { method: 'DELETE', url: `/v1/meetings/notes/${id}`, expectStatus: [404] },
    // Another user's transcription id is not theirs to attach, and leaks nothing.
    {
      method: 'POST',
      url: '/v1/meetings/notes',
      payload: { transcript: 'Eve: hello there, nothing to see.', transcriptionId: id },
      expectStatus: [404],
      mustNotContain: [SECRET],
    },
    // Not configured in the isolation app: the answer is the same for everyone and reveals nothing.
    {
      method: 'POST',
      url: '/v1/meetings/transcribe',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload:
        '--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\nID3\r\n--x--\r\n',
      expectStatus: [501],
      mustNotContain: [SECRET],
    },
  ],
  async intact({ owner }, { id }) {
    const res = await owner.request({ method: 'GET', url: `/v1/meetings/notes/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().title).toBe(`${SECRET} board call`);
    const transcript = await owner.request({ method: 'GET', url: `/v1/meetings/notes/${id}/transcript` });
    expect(transcript.json().turns[0]).toMatchObject({ index: 0, speaker: 'Ann Lee' });
    const list = await owner.request({ method: 'GET', url: '/v1/meetings/notes' });
    expect(list.json().items.map((n: { id: string }) => n.id)).toContain(id);
  },
};
