/**
 * Screenshots of the add-on's cards for the README: runs the add-on against the scripted API, renders the
 * recorded cards to HTML and photographs them with headless Chromium into tests/artifacts/gmail/.
 *   npx tsx gmail-addon/scripts/preview.ts   (CHROMIUM_PATH defaults to /usr/bin/chromium)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import * as addon from '../src/main.ts';
import { createWorld, installGlobals, type JsonNode, json, navigation } from '../test/fakes/index.ts';
import { MAILBOX, OWNER, QUESTION } from '../test/fixtures.ts';
import { cardToHtml } from '../test/preview.ts';
import { startChildServer } from '../test/servers.ts';
import { ADDON_ROOT } from './build.ts';
import { REPO_ROOT } from './manifest.ts';

const outDir = path.join(REPO_ROOT, 'tests/artifacts/gmail');
mkdirSync(outDir, { recursive: true });
const ignore = path.join(REPO_ROOT, 'tests/artifacts/.gitignore');
if (!existsSync(ignore)) writeFileSync(ignore, '*\n');

const stub = await startChildServer([path.join(ADDON_ROOT, 'test/stub-backend.mjs')]);
const world = createWorld({
  owner: OWNER,
  messages: MAILBOX,
  identityToken: () => 'preview',
  scriptProperties: { STEWARD_URL: 'https://steward.example.com' },
  urlFetch: { routes: { 'https://steward.example.com/': `${stub.url}/` } },
});
const restore = installGlobals(world);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const cards: Record<string, JsonNode> = {
    home: json(addon.onHomepage(world.event())) as JsonNode,
    message: (json(addon.onGmailMessage(world.event(QUESTION.id))) as JsonNode[])[0] as JsonNode,
    times: navigation(addon.onSuggestTimes(world.event(QUESTION.id, { parameters: { messageId: QUESTION.id } })))[0]
      ?.arg as JsonNode,
    'fix-category': navigation(
      addon.onOpenFixCategory(
        world.event(QUESTION.id, {
          parameters: { messageId: QUESTION.id, category: 'to_respond', fromAddress: 'alice@partner.example' },
        }),
      ),
    )[0]?.arg as JsonNode,
  };
  const script = (failures: unknown) =>
    fetch(`${stub.url}/__control`, { method: 'POST', body: JSON.stringify(failures) });
  await script({
    'GET /v1/sync/status': {
      status: 200,
      body: {
        mailboxes: [
          {
            id: 'mbx-1',
            provider: 'gmail',
            address: OWNER,
            status: 'needs_reauth',
            statusReason: "The provider rejected Steward's access (expired or revoked). Reconnect the mailbox.",
            phase: 'live',
            backfill: { total: 400, done: 400, startedAt: null, finishedAt: null },
            processed: 400,
            lastSyncAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
            lastError: null,
          },
        ],
      },
    },
  });
  cards['home-reconnect'] = json(addon.onHomepage(world.event())) as JsonNode;
  await script({ 'GET /v1/sync/status': { status: 200, body: { mailboxes: [] } } });
  cards['home-connect'] = json(addon.onHomepage(world.event())) as JsonNode;
  await fetch(`${stub.url}/__control`, {
    method: 'POST',
    body: JSON.stringify({
      '*': {
        status: 503,
        body: { error: { code: 'unavailable', message: 'The Steward server is starting or overloaded.' } },
      },
    }),
  });
  world.CacheService.user.store.clear();
  cards.error = (json(addon.onGmailMessage(world.event(QUESTION.id))) as JsonNode[])[0] as JsonNode;

  const page = await browser.newPage({ viewport: { width: 344, height: 200 }, deviceScaleFactor: 2 });
  for (const [name, card] of Object.entries(cards)) {
    const html = cardToHtml(card);
    writeFileSync(path.join(outDir, `${name}.html`), html);
    await page.setContent(html);
    await page.locator('.card').screenshot({ path: path.join(outDir, `${name}.png`) });
    console.log(path.relative(process.cwd(), path.join(outDir, `${name}.png`)));
  }
} finally {
  await browser.close();
  restore();
  await world.close();
  await stub.stop();
}
