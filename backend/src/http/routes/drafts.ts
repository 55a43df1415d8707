import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  Draft,
  DraftRequest,
  type EmailMessage,
  ErrorBody,
  VoiceLearnRequest,
  VoiceLearnResponse,
  VoiceProfile,
} from '@steward/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PreparedDraft } from '../../drafting/service.ts';
import { learnVoice } from '../../drafting/voice.ts';
import { crmFacts } from '../../triage/crm.ts';
import { HttpError } from '../errors.ts';

/** How many of the user's sent messages are kept as few-shot examples for the language model. */
const MAX_EXAMPLES_KEPT = 30;
const MAX_EXAMPLE_CHARS = 1500;

export async function draftRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { drafting } = app.services;

  async function prepareDraft(request: FastifyRequest, body: DraftRequest): Promise<PreparedDraft> {
    const [ctx, message, thread] = await Promise.all([
      request.store.modelContext(),
      app.services.cpu.normalise(body.message),
      Promise.all((body.thread ?? []).map((m) => app.services.cpu.normalise(m))),
    ]);
    const identity = request.user?.identity;
    const email = identity?.email;
    const me = [...new Set([...(body.me ?? []), ...(email ? [email] : [])].map((a) => a.toLowerCase()))];
    // The local user's name is a placeholder ("Local user"), not a name to sign with.
    const myName = identity && identity.provider !== 'local' ? identity.displayName : undefined;
    const sender = message.from?.address;
    const crm =
      sender && sender !== email?.toLowerCase()
        ? await app.services.reach.crm.contextFor(request.store.scope.tenantId, sender)
        : undefined;
    const facts = crmFacts(crm);
    return drafting.prepare(ctx, {
      message,
      thread,
      ...(body.instruction ? { instruction: body.instruction } : {}),
      ...(me.length ? { me } : {}),
      ...(myName ? { myName } : {}),
      ...(body.message.labels ? { labels: body.message.labels } : {}),
      ...(facts.length ? { facts } : {}),
      ...(crm ? { crm } : {}),
    });
  }

  function wantsStream(request: FastifyRequest): boolean {
    return (request.headers.accept ?? '').includes('text/event-stream');
  }

  async function sendStream(request: FastifyRequest, reply: FastifyReply, prepared: PreparedDraft): Promise<void> {
    const headers = {
      ...reply.getHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    };
    reply.hijack();
    reply.raw.writeHead(200, headers as Record<string, string>);
    const send = (event: string, data: unknown) =>
      reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const abort = new AbortController();
    request.raw.once('close', () => abort.abort());
    try {
      for await (const event of drafting.stream(prepared, abort.signal)) {
        if (abort.signal.aborted) break;
        if (event.type === 'delta') send('delta', { text: event.text });
        else send('done', event.draft);
      }
    } catch (error) {
      request.log.warn({ err: { message: (error as Error).message } }, 'draft stream failed');
      send('error', { error: { code: 'draft_failed', message: 'The draft could not be finished; try again.' } });
    } finally {
      reply.raw.end();
    }
  }

  app.post(
    '/drafts',
    {
      schema: {
        tags: ['drafts'],
        summary: "A reply draft in the user's voice",
        description:
          'Never sent: the client inserts it into a reply the user edits and sends. Unknowns become visible `[confirm: …]` placeholders; meeting asks get real free times from the scheduling solver. With `Accept: text/event-stream` the draft streams as server-sent events: `delta` ({text}) events, then `done` (the Draft).',
        body: DraftRequest,
        response: { 200: Draft, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const prepared = await prepareDraft(request, request.body);
      await request.store.audit('draft', {
        messageId: prepared.call.message.id,
        engine: prepared.modelAllowed ? drafting.provider : 'local',
      });
      if (wantsStream(request)) return sendStream(request, reply, prepared);
      const outcome = await drafting.run(prepared);
      if (outcome.fallback) reply.header('x-steward-engine-note', outcome.fallback);
      return outcome.draft;
    },
  );

  app.get(
    '/voice',
    {
      schema: {
        tags: ['voice'],
        summary: 'My voice profile (the style card)',
        description: 'Before anything is learned, a neutral default with sampleCount 0.',
        response: { 200: VoiceProfile },
      },
    },
    async (request) => (await request.store.voiceCard()).profile,
  );

  app.put(
    '/voice',
    {
      schema: {
        tags: ['voice'],
        summary: 'Save the style card as the user edited it',
        body: VoiceProfile,
        response: { 200: VoiceProfile, 400: ErrorBody },
      },
    },
    async (request) => {
      const profile = request.body;
      await request.store.voice.put(profile);
      await request.store.audit('voice.edited', {});
      return profile;
    },
  );

  app.post(
    '/voice/learn',
    {
      schema: {
        tags: ['voice'],
        summary: 'Learn the voice profile from my sent mail',
        description:
          "Send 20 to a few hundred of the user's sent messages. Quoted text and signatures are removed first. A few short messages are kept as examples for the language model; nothing else of the mail is stored.",
        body: VoiceLearnRequest,
        response: { 200: VoiceLearnResponse, 400: ErrorBody },
      },
      bodyLimit: 8 * 1024 * 1024,
    },
    async (request) => {
      const { messages } = request.body;
      const normalised = [];
      let skipped = 0;
      for (const message of messages) {
        try {
          normalised.push(await app.services.cpu.normalise(message));
        } catch {
          skipped++;
        }
      }
      const usable = normalised.filter((m) => m.newText.trim().length > 0);
      if (usable.length === 0)
        throw new HttpError(400, 'no_usable_messages', 'None of the messages has text of its own to learn from.');
      const profile = learnVoice(usable);
      const examples: EmailMessage[] = usable
        .filter((m) => m.newText.length <= MAX_EXAMPLE_CHARS)
        .slice(-MAX_EXAMPLES_KEPT)
        .map((m) => ({
          id: m.id,
          ...(m.from ? { from: m.from } : {}),
          to: m.to,
          subject: m.subject,
          text: [m.newText, m.signature].filter(Boolean).join('\n\n'),
        }));
      await request.store.voice.put(profile, examples);
      await request.store.audit('voice.learned', { messages: usable.length });
      return { profile, learnedFrom: usable.length, skipped: skipped + (normalised.length - usable.length) };
    },
  );
}
