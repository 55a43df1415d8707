/** The Gmail end-to-end world: the real backend in a child process, the built add-on in a V8 context. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, build } from '../../../gmail-addon/scripts/build.ts';
import type { AppsScriptManifest } from '../../../gmail-addon/scripts/manifest.ts';
import {
  createTestIssuer,
  createWorld,
  loadBundle,
  type MessageData,
  type TestIssuer,
} from '../../../gmail-addon/test/fakes/index.ts';
import { type ChildServer, startChildServer } from '../../../gmail-addon/test/servers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PUBLIC_URL = 'https://steward.e2e.test';
export const CLIENT_ID = '000000000000-steward-e2e.apps.googleusercontent.com';
/**
 * The server's own OAuth client for mailbox sync (not the add-on's). Set so "Connect Gmail" gets a real
 * authorization URL; Google itself is never contacted, and SYNC_WORKER=off keeps the worker idle.
 */
export const SYNC_OAUTH_CLIENT_ID = '000000000000-steward-e2e-sync.apps.googleusercontent.com';

export interface Backend {
  server: ChildServer;
  issuer: TestIssuer;
  routes: string[];
  dataDir: string;
  stop(): Promise<void>;
}

export async function startBackend(): Promise<Backend> {
  const issuer = createTestIssuer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'steward-gmail-e2e-'));
  const server = await startChildServer(['--import', 'tsx', path.join(here, 'backend-child.ts')], {
    STEWARD_TEST_CERTS: JSON.stringify(issuer.certs),
    GOOGLE_CLIENT_IDS: CLIENT_ID,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    AI_PROVIDER: 'local',
    MICROSOFT_CLIENT_ID: '',
    GOOGLE_OAUTH_CLIENT_ID: SYNC_OAUTH_CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: 'e2e-sync-secret',
    GOOGLE_OAUTH_AUTH_URL: '',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SYNC_WORKER: 'off',
  });
  return {
    server,
    issuer,
    routes: [],
    dataDir,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Built {
  result: BuildResult;
  code: string;
  manifest: AppsScriptManifest;
  cleanup(): void;
}

export async function buildAddOn(): Promise<Built> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'steward-gmail-build-'));
  const result = await build({ publicUrl: PUBLIC_URL, outDir });
  return {
    result,
    code: readFileSync(result.codeFile, 'utf8'),
    manifest: JSON.parse(readFileSync(result.manifestFile, 'utf8')) as AppsScriptManifest,
    cleanup: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

export interface User {
  email: string;
  sub: string;
  name: string;
}

/** One Gmail user with the built add-on installed, talking to `backendUrl` through the manifest's whitelist. */
export function gmailUser(
  built: Built,
  backend: Backend,
  user: User,
  messages: MessageData[],
  backendUrl = backend.server.url,
) {
  const world = createWorld({
    owner: user.email,
    messages,
    identityToken: () =>
      backend.issuer.mint({ clientId: CLIENT_ID, email: user.email, sub: user.sub, name: user.name }),
    urlFetch: {
      whitelist: built.manifest.urlFetchWhitelist,
      routes: { [`${PUBLIC_URL}/`]: `${backendUrl}/` },
      timeoutMs: 30_000,
    },
  });
  const addon = loadBundle(built.code, world);
  return {
    world,
    fn: addon.fn,
    token: () => backend.issuer.mint({ clientId: CLIENT_ID, email: user.email, sub: user.sub, name: user.name }),
  };
}

/** Calls the API directly as the user, to check what the add-on did. */
export async function api<T>(
  backend: Backend,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${backend.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
