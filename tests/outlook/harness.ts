// Shared by the Outlook end-to-end tests and outlook-addin/scripts/bench.ts: the built pane, a headless
// Chromium, the fake Office host answering the office.js request, and the real backend on port 0.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { FakeMessage, FakeOfficeOptions } from './fake-office.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
export const DIST = join(REPO, 'outlook-addin', 'dist');
export const ARTIFACTS = join(REPO, 'tests', 'artifacts');

/**
 * Builds the production pane unless dist/ is newer than every source. Test files run in parallel
 * processes: a lock directory makes one build while the others wait, so no test serves a half-written dist.
 */
let built: Promise<void> | null = null;
export function ensureBuilt(): Promise<void> {
  built ??= buildOnce();
  return built;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function buildOnce(): Promise<void> {
  const lock = `${DIST}.lock`;
  const stamp = join(DIST, '.build-stamp');
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a process that died.
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const sources = await Promise.all(
      ['outlook-addin/src', 'outlook-addin/scripts', 'shared/src'].map((dir) => newestSource(join(REPO, dir))),
    );
    const builtAt = await stat(stamp).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (builtAt > Math.max(...sources)) return;
    const { build } = await import('../../outlook-addin/scripts/build.ts');
    await build();
    await writeFile(stamp, new Date().toISOString());
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium (never downloaded). On a developer machine without it they are skipped
 * with a message; in CI (CI=true) a missing browser is a failure, so the tests always run there.
 */
export const browserAvailable = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!existsSync(CHROMIUM) && process.env.CI !== 'true') {
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

let fakeOfficeBundle: Promise<string> | null = null;
/** tests/outlook/fake-office.ts as a classic script exposing `FakeOffice`. */
export function fakeOfficeScript(): Promise<string> {
  fakeOfficeBundle ??= esbuild
    .build({
      entryPoints: [join(here, 'fake-office.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'FakeOffice',
      target: 'es2020',
    })
    .then((result) => result.outputFiles[0]?.text ?? '');
  return fakeOfficeBundle;
}

/** Answers the office.js request with the fake host, installed with `options`, as `window.__fakeOffice`. */
export async function installFakeOfficeHost(page: Page, options: FakeOfficeOptions): Promise<void> {
  const script = `${await fakeOfficeScript()}\nwindow.__fakeOffice = FakeOffice.installFakeOffice(window, ${JSON.stringify(options)});`;
  await page.route('https://appsforoffice.microsoft.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/javascript', body: script }),
  );
}

/** What the fake host recorded, read from the page. */
export function officeCalls(page: Page): Promise<{ method: string; args: unknown[] }[]> {
  return page.evaluate(
    () => (window as unknown as { __fakeOffice: { calls: { method: string; args: unknown[] }[] } }).__fakeOffice.calls,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves outlook-addin/dist at `${origin}/addin/` and the preview at `${origin}/preview` from the
 * browser side, for a backend that does not serve them (yet). Same origin, so the pane's API calls
 * still go to the real backend.
 */
export async function servePaneFromDist(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/addin/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/addin\//, '');
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: await readFile(file),
    });
  });
  await page.route(`${origin}/preview`, async (route) =>
    route.fulfill({ status: 200, contentType: TYPES['.html'], body: await readFile(join(DIST, 'preview.html')) }),
  );
}

export interface RunningBackend {
  origin: string;
  /** The Fastify app, for asking the database directly. */
  app: { close(): Promise<unknown>; services?: unknown };
  /** True when the backend itself serves /addin/ (else the harness serves dist from the browser side). */
  servesPane: boolean;
  close(): Promise<void>;
}

/** The real backend: embedded PGlite in a temp DATA_DIR, local AI engine, local mode, port 0. */
export async function startBackend(): Promise<RunningBackend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'steward-outlook-e2e-'));
  const { loadConfig } = await import('../../backend/src/config.ts');
  const { buildApp } = await import('../../backend/src/app.ts');
  const config = loadConfig(
    { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', AI_PROVIDER: 'local', LOG_LEVEL: 'warn' },
    REPO,
  );
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const probe = await fetch(`${origin}/addin/taskpane.html`).catch(() => null);
  return {
    origin,
    app,
    servesPane: probe?.status === 200,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Messages as Outlook would hand them to the pane: a request for pricing and a newsletter. */
export const OUTLOOK_MESSAGES: FakeMessage[] = [
  {
    itemId: 'AAMkADe2e-pricing',
    conversationId: 'AAQkADe2e-conv-pricing',
    subject: 'Pricing for 200 seats before Friday?',
    from: { displayName: 'Priya Raman', emailAddress: 'priya.raman@contoso.example' },
    to: [{ displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' }],
    dateTimeCreated: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    bodyText:
      'Hi Alex,\n\nCould you send me your pricing for 200 seats, including onboarding? I need it before Friday to get budget approval.\n\nThanks,\nPriya',
    bodyHtml:
      '<p>Hi Alex,</p><p>Could you send me your pricing for 200 seats, including onboarding? I need it before Friday to get budget approval.</p><p>Thanks,<br>Priya</p>',
  },
  {
    itemId: 'AAMkADe2e-newsletter',
    conversationId: 'AAQkADe2e-conv-news',
    subject: '50% off Cloudly Pro this week only',
    from: { displayName: 'Cloudly Weekly', emailAddress: 'news@mail.cloudly.example' },
    to: [{ displayName: 'Alex Morgan', emailAddress: 'alex@northwind.example' }],
    dateTimeCreated: new Date(Date.now() - 5 * 3_600_000).toISOString(),
    bodyText:
      'Upgrade to Cloudly Pro and save 50% this week only! Claim your discount now. Unsubscribe: https://cloudly.example/unsubscribe',
    bodyHtml:
      '<p>Upgrade to Cloudly Pro and save 50% this week only!</p><p><a href="https://cloudly.example/pro">Claim your discount now</a></p><p><a href="https://cloudly.example/unsubscribe">Unsubscribe</a></p>',
  },
];
