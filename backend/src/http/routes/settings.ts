import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody, Settings, SettingsPatch } from '@steward/shared';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { checkFeedUrl, FeedUrlError } from '../../scheduling/calendar/feed-fetch.ts';
import { HttpError } from '../errors.ts';

export async function settingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/settings',
    { schema: { tags: ['settings'], summary: 'My settings', response: { 200: Settings } } },
    async (request) => request.store.settings(),
  );

  app.put(
    '/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Change some settings',
        description: 'Send only the keys to change; unknown keys are refused.',
        body: SettingsPatch,
        response: { 200: Settings, 400: ErrorBody },
      },
    },
    async (request) => {
      const patch = request.body;
      if (patch.timeZone !== undefined && !DateTime.local().setZone(patch.timeZone).isValid) {
        throw new HttpError(400, 'invalid_body', `body.timeZone "${patch.timeZone}" is not an IANA time zone.`);
      }
      for (const [day, ranges] of Object.entries(patch.workingHours ?? {})) {
        for (const range of ranges) {
          if (range.start >= range.end) {
            throw new HttpError(
              400,
              'invalid_body',
              `body.workingHours.${day} has a range that ends before it starts (${range.start}–${range.end}).`,
            );
          }
        }
      }
      for (const [i, feed] of (patch.icsFeeds ?? []).entries()) {
        try {
          checkFeedUrl(feed);
        } catch (error) {
          if (!(error instanceof FeedUrlError)) throw error;
          throw new HttpError(400, 'invalid_body', `body.icsFeeds[${i}]: ${error.message}.`);
        }
      }
      const updated = await request.store.updateSettings(patch);
      // Triage results depend on these; cached ones are recomputed on next use.
      if (
        patch.replyThreshold !== undefined ||
        patch.marketingThreshold !== undefined ||
        patch.neverSendToModel !== undefined
      ) {
        await request.store.triage.forgetResults();
      }
      // Turning the mail index off deletes it (rows, word counts, embeddings).
      if (patch.mailIndex === false) await request.store.mailIndex.removeAll();
      return updated;
    },
  );
}
