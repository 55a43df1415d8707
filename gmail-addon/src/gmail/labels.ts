import { cacheGet, cachePut } from '../cache.ts';

/**
 * Optional (build with --labels): files the thread under "Steward/<category>" through the Gmail REST API.
 * This needs the restricted gmail.modify and gmail.labels scopes, so it is off unless the admin builds it in.
 */
export const GMAIL_API = 'https://gmail.googleapis.com/gmail/v1/users/me';
export const LABEL_PREFIX = 'Steward/';

function gmailApi<T>(method: 'get' | 'post', path: string, body?: unknown): T | null {
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method,
    muteHttpExceptions: true,
    headers: { Authorization: `Bearer ${ScriptApp.getOAuthToken()}` },
  };
  if (body !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(body);
  }
  const response = UrlFetchApp.fetch(GMAIL_API + path, options);
  const status = response.getResponseCode();
  if (status < 200 || status >= 300) return null;
  return JSON.parse(response.getContentText()) as T;
}

function labelId(name: string): string | null {
  const cacheKey = `label:${name}`;
  const cached = cacheGet<string>(cacheKey);
  if (cached) return cached;
  const list = gmailApi<{ labels?: { id: string; name: string }[] }>('get', '/labels');
  let id = list?.labels?.find((l) => l.name === name)?.id ?? null;
  if (!id) {
    id =
      gmailApi<{ id: string }>('post', '/labels', {
        name,
        labelListVisibility: 'labelShow',
        messageListVisibility: 'show',
      })?.id ?? null;
  }
  if (id) cachePut(cacheKey, id);
  return id;
}

/** Labels never block the card: a failure here is logged and the card still shows. Returns whether it worked. */
export function applyCategoryLabel(threadId: string, categoryLabel: string): boolean {
  try {
    const id = labelId(LABEL_PREFIX + categoryLabel);
    if (!id) return false;
    return gmailApi('post', `/threads/${encodeURIComponent(threadId)}/modify`, { addLabelIds: [id] }) !== null;
  } catch (err) {
    console.warn(`Steward could not label the thread: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
