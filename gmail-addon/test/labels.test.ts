/** The optional label writing (--labels builds): "Steward/<category>" on the thread via the Gmail API. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import type { AppsScriptManifest } from '../scripts/manifest.ts';
import { applyCategoryLabel } from '../src/gmail/labels.ts';
import { createWorld, installGlobals, loadBundle } from './fakes/index.ts';
import { MAILBOX, NEWSLETTER, OWNER, QUESTION } from './fixtures.ts';
import { type ChildServer, getJson, startChildServer } from './servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let stub: ChildServer;
const state = () =>
  getJson<{
    log: { path: string }[];
    gmailLabels: { id: string; name: string }[];
    threadLabels: Record<string, string[]>;
  }>(`${stub.url}/__log`);

beforeAll(async () => {
  stub = await startChildServer([path.join(here, 'stub-backend.mjs')]);
});
afterAll(() => stub.stop());
beforeEach(async () => {
  await fetch(`${stub.url}/__control`, { method: 'POST', body: '{}' });
});

function world(whitelist: string[]) {
  return createWorld({
    owner: OWNER,
    messages: MAILBOX,
    identityToken: () => 'tok',
    urlFetch: {
      whitelist,
      routes: { 'https://steward.test/': `${stub.url}/`, 'https://gmail.googleapis.com/': `${stub.url}/` },
    },
  });
}

it('creates the label once and adds it to the thread', async () => {
  const w = world(['https://gmail.googleapis.com/']);
  const restore = installGlobals(w);
  try {
    expect(applyCategoryLabel('thread-1', 'To respond')).toBe(true);
    expect(applyCategoryLabel('thread-2', 'To respond')).toBe(true);
  } finally {
    restore();
    await w.close();
  }
  const s = await state();
  expect(s.gmailLabels.filter((l) => l.name === 'Steward/To respond')).toHaveLength(1);
  const id = s.gmailLabels.find((l) => l.name === 'Steward/To respond')?.id;
  expect(s.threadLabels).toMatchObject({ 'thread-1': [id], 'thread-2': [id] });
});

it('never breaks the card: without the Gmail API in the whitelist it reports failure quietly', async () => {
  const w = world([]);
  const restore = installGlobals(w);
  try {
    expect(applyCategoryLabel('thread-1', 'FYI')).toBe(false);
  } finally {
    restore();
    await w.close();
  }
});

it('a --labels build labels the thread when the message is opened; a default build does not', async () => {
  const dirs = [
    mkdtempSync(path.join(tmpdir(), 'steward-labels-')),
    mkdtempSync(path.join(tmpdir(), 'steward-plain-')),
  ];
  try {
    const withLabels = await build({ publicUrl: 'https://steward.test', outDir: dirs[0], labels: true });
    const manifest = JSON.parse(readFileSync(withLabels.manifestFile, 'utf8')) as AppsScriptManifest;
    const w = world(manifest.urlFetchWhitelist);
    loadBundle(readFileSync(withLabels.codeFile, 'utf8'), w).fn('onGmailMessage')(w.event(NEWSLETTER.id));
    await w.close();
    expect((await state()).threadLabels[NEWSLETTER.threadId]).toHaveLength(1);

    const plain = await build({ publicUrl: 'https://steward.test', outDir: dirs[1] });
    const w2 = world(['https://steward.test/', 'https://gmail.googleapis.com/']);
    loadBundle(readFileSync(plain.codeFile, 'utf8'), w2).fn('onGmailMessage')(w2.event(QUESTION.id));
    await w2.close();
    expect((await state()).threadLabels[QUESTION.threadId]).toBeUndefined();
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
