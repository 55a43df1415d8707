/** The built dist/Code.js, run in a bare V8 context with the Apps Script fakes: every manifest function works. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, build } from '../scripts/build.ts';
import { type AppsScriptManifest, manifestFunctions } from '../scripts/manifest.ts';
import { buttons, createWorld, json, loadBundle, nodes, visibleText, type World } from './fakes/index.ts';
import { MAILBOX, OWNER, QUESTION } from './fixtures.ts';
import { type ChildServer, startChildServer } from './servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_URL = 'https://steward.test';

let stub: ChildServer;
let outDir: string;
let result: BuildResult;
let code: string;
let manifest: AppsScriptManifest;
let world: World;

beforeAll(async () => {
  stub = await startChildServer([path.join(here, 'stub-backend.mjs')]);
  outDir = mkdtempSync(path.join(tmpdir(), 'steward-gmail-dist-'));
  result = await build({ publicUrl: PUBLIC_URL, outDir });
  code = readFileSync(result.codeFile, 'utf8');
  manifest = JSON.parse(readFileSync(result.manifestFile, 'utf8')) as AppsScriptManifest;
  world = createWorld({
    owner: OWNER,
    messages: MAILBOX,
    identityToken: () => 'artifact-token',
    // The manifest's own whitelist, and the build-time default URL: no script property is set.
    urlFetch: { whitelist: manifest.urlFetchWhitelist, routes: { [`${PUBLIC_URL}/`]: `${stub.url}/` } },
  });
});

afterAll(async () => {
  await world?.close();
  await stub?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('dist/Code.js', () => {
  it('is one self-contained script: no module syntax, no Node globals, no schema library', () => {
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/\bprocess\.|\bBuffer\b/);
    expect(code).not.toContain('typebox');
    expect(result.bytes).toBe(Buffer.byteLength(code));
  });

  it('runs every function the manifest names, and each returns what Gmail expects', () => {
    const { fn } = loadBundle(code, world);
    const names = manifestFunctions(manifest);
    expect(names.sort()).toEqual(['onGmailCompose', 'onGmailMessage', 'onHomepage', 'onShowSettings']);

    const home = json(fn('onHomepage')(world.event()));
    expect(home).toMatchObject({ kind: 'Card', name: 'home' });
    expect(visibleText(home)).toContain(PUBLIC_URL);

    const message = json(fn('onGmailMessage')(world.event(QUESTION.id)));
    expect(message).toMatchObject([{ kind: 'Card', name: 'message' }]);
    expect(visibleText(message)).toContain('<b>To respond</b>');

    expect(json(fn('onGmailCompose')(world.event()))).toMatchObject([{ kind: 'Card', name: 'compose' }]);
    expect(json(fn('onShowSettings')(world.event()))).toMatchObject({ kind: 'UniversalActionResponse' });
  });

  it('defines a top-level function for every callback a card refers to', () => {
    const { fn, context } = loadBundle(code, world);
    const cards = [
      fn('onHomepage')(world.event()),
      fn('onGmailMessage')(world.event(QUESTION.id)),
      fn('onGmailCompose')(world.event()),
      fn('onShowSettings')(world.event()),
      fn('onOpenFixCategory')(
        world.event(QUESTION.id, {
          parameters: { messageId: QUESTION.id, category: 'fyi', fromAddress: 'a@b.example' },
        }),
      ),
      fn('onSuggestTimes')(world.event(QUESTION.id, { parameters: { messageId: QUESTION.id } })),
    ];
    // Link buttons (a cited source, a briefing thread) open a URL and call nothing.
    const named = new Set(
      cards.flatMap((c) =>
        buttons(c)
          .filter((b) => !b.url)
          .map((b) => b.functionName),
      ),
    );
    expect(named.size).toBeGreaterThanOrEqual(10);
    for (const name of named) expect(typeof (context as Record<string, unknown>)[name], name).toBe('function');
    for (const name of result.functions)
      expect(typeof (context as Record<string, unknown>)[name], name).toBe('function');
  });

  it('creates a real draft reply from inside the bundle', () => {
    const { fn } = loadBundle(code, world);
    const response = fn('onCreateDraft')(world.event(QUESTION.id));
    expect(nodes(response, 'ComposeActionResponse')).toHaveLength(1);
    expect(world.GmailApp.drafts.at(-1)?.threadId).toBe(QUESTION.threadId);
  });
});

describe('dist/appsscript.json', () => {
  it('asks for the minimum scopes and lets the add-on fetch only from PUBLIC_URL', () => {
    expect(manifest.oauthScopes).toEqual([
      'https://www.googleapis.com/auth/gmail.addons.execute',
      'https://www.googleapis.com/auth/gmail.addons.current.message.readonly',
      'https://www.googleapis.com/auth/gmail.addons.current.action.compose',
      'https://www.googleapis.com/auth/script.external_request',
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
    expect(manifest.urlFetchWhitelist).toEqual(['https://steward.test/']);
    expect(manifest.addOns.common).toMatchObject({
      name: 'Steward',
      logoUrl: 'https://steward.test/logo.png',
      homepageTrigger: { runFunction: 'onHomepage' },
      // "Connect Gmail" and "Reconnect" open the providers' consent pages, Ask Steward's sources open the
      // message in Gmail (or Outlook on the web); Apps Script opens only these.
      openLinkUrlPrefixes: [
        'https://steward.test/',
        'https://accounts.google.com/',
        'https://login.microsoftonline.com/',
        'https://mail.google.com/',
        'https://outlook.office.com/',
      ],
    });
    expect(manifest.addOns.gmail.contextualTriggers).toEqual([
      { unconditional: {}, onTriggerFunction: 'onGmailMessage' },
    ]);
    expect(manifest.addOns.gmail.composeTrigger.selectActions[0]?.runFunction).toBe('onGmailCompose');
  });
});
