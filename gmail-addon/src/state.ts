/** What the add-on keeps between callbacks: the user's settings and the open message, cached per user. */

import type { EmailMessage, Settings } from '@steward/shared';
import { api } from './api/client.ts';
import { BackendError } from './api/errors.ts';
import { cacheGet, cachePut, keys } from './cache.ts';
import { type GmailContext, readOpenMessage } from './gmail/read.ts';

export function cachedSettings(): Settings | null {
  return cacheGet<Settings>(keys.settings);
}

export function loadSettings(fresh = false): Settings {
  const cached = fresh ? null : cachedSettings();
  if (cached) return cached;
  const settings = api.settings();
  cachePut(keys.settings, settings, 3600);
  return settings;
}

/** The open message as the backend wants it: from the cache when this message was seen before, else from Gmail. */
export function messageFor(
  context: GmailContext | null,
  messageId: string,
): { message: EmailMessage; thread: EmailMessage[]; gmail?: GoogleAppsScript.Gmail.GmailMessage } {
  if (context) {
    try {
      return readOpenMessage(context);
    } catch (err) {
      const cached = cacheGet<EmailMessage>(keys.message(messageId || context.messageId));
      if (cached) return { message: cached, thread: [] };
      throw err;
    }
  }
  const cached = messageId ? cacheGet<EmailMessage>(keys.message(messageId)) : null;
  if (cached) return { message: cached, thread: [] };
  throw new BackendError('no_message', 'Open the message again: Steward no longer has it.', 0, false);
}

export function rememberMessage(message: EmailMessage): void {
  // Compose callbacks may not be able to read the message, so keep a small copy (no HTML).
  const { html: _html, ...small } = message;
  cachePut(keys.message(message.id), small);
  cachePut(keys.lastMessage, message.id);
}
