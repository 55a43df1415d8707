/** The user cache keeps repeated opens of the same message instant; it is best effort and never fails a card. */
const MAX_VALUE_CHARS = 100_000;
export const SIX_HOURS = 21_600;

function cache(): GoogleAppsScript.Cache.Cache | null {
  try {
    return CacheService.getUserCache();
  } catch {
    return null;
  }
}

export function cacheGet<T>(key: string): T | null {
  try {
    const text = cache()?.get(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

export function cachePut(key: string, value: unknown, seconds = SIX_HOURS): void {
  try {
    const text = JSON.stringify(value);
    if (text.length <= MAX_VALUE_CHARS) cache()?.put(key, text, seconds);
  } catch {
    // A full or unavailable cache only costs speed.
  }
}

export function cacheRemove(key: string): void {
  try {
    cache()?.remove(key);
  } catch {
    // Same as above.
  }
}

export const keys = {
  triage: (messageId: string) => `triage:${messageId}`,
  message: (messageId: string) => `message:${messageId}`,
  lastMessage: 'message:last',
  settings: 'settings',
  me: 'me',
  voice: 'voice',
};
