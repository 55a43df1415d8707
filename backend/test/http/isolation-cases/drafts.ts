import { expect } from 'vitest';
import type { IsolationCase } from '../../support/isolation.ts';

export const voiceCase: IsolationCase<{ name: string }> = {
  name: 'voice profile and drafts',
  covers: ['GET /v1/voice', 'PUT /v1/voice', 'POST /v1/voice/learn', 'POST /v1/drafts'],
  async seed({ owner }) {
    const name = `Zeb${Array.from({ length: 5 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
    const messages = Array.from({ length: 20 }, (_, i) => ({
      id: `s${i}`,
      from: `${name} <owner@contoso.example>`,
      to: ['pal@example.org'],
      subject: 'x',
      text: `Hi Pal,\n\nWill do.\n\nBest,\n${name}`,
    }));
    expect((await owner.request({ method: 'POST', url: '/v1/voice/learn', payload: { messages } })).statusCode).toBe(
      200,
    );
    return { name };
  },
  attacks: ({ name }) => [
    { method: 'GET', url: '/v1/voice', expectStatus: [200], mustNotContain: [name] },
    {
      method: 'POST',
      url: '/v1/drafts',
      payload: {
        message: {
          id: 'q',
          from: 'Pal <pal@example.org>',
          to: ['me@x.example'],
          subject: 'q',
          text: 'Can you send the file?',
        },
      },
      expectStatus: [200],
      mustNotContain: [name],
    },
    {
      method: 'POST',
      url: '/v1/voice/learn',
      payload: { messages: [{ id: 'a', text: 'Hi,\n\nok\n\nEve' }] },
      expectStatus: [200],
    },
    {
      method: 'PUT',
      url: '/v1/voice',
      payload: {
        greetings: [],
        signOffs: [],
        perRecipient: [],
        signatureName: 'Eve',
        typicalWords: 5,
        formality: 'casual',
        contractionsRate: 0,
        emojiRate: 0,
        punctuation: { exclamationRate: 0, ellipsisRate: 0 },
        languages: ['en'],
        sampleCount: 1,
        confidence: 'low',
      },
      expectStatus: [200],
    },
  ],
  async intact({ owner }, { name }) {
    expect((await owner.request({ method: 'GET', url: '/v1/voice' })).json().signatureName).toBe(name);
  },
};
