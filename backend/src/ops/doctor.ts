import { createOpenAiModel } from '../ai/openai.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { openStorage, ping, type Storage } from '../storage/database.ts';
import { databaseNow, databaseFix as knownDatabaseFix, migrationStatus } from '../storage/operations.ts';

const databaseFix = (error: unknown) =>
  knownDatabaseFix(error) ?? 'check that PostgreSQL runs and that DATABASE_URL names it';

/**
 * `steward doctor`: checks a configuration end to end before users meet its errors. Every check gives one
 * line (pass, warn, fail or skip), what it found, and for anything not passing, how to fix it.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** For each network check (database, URLs, model). Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** How to fix a bad value, by variable; the configuration's own sentence says what is wrong. */
const FIXES: Record<string, string> = {
  TOKEN_ENCRYPTION_KEY: 'generate a key with `openssl rand -hex 32` and set TOKEN_ENCRYPTION_KEY to it',
  TOKEN_ENCRYPTION_KEY_NEW: 'generate a key with `openssl rand -hex 32`',
  DATABASE_URL: 'use postgres://USER:PASSWORD@HOST:5432/DATABASE, or unset it for the embedded database',
  PUBLIC_URL: 'set PUBLIC_URL to the https address users and the add-ins reach, e.g. https://steward.example.com',
  METRICS_TOKEN: 'generate one with `openssl rand -hex 24`, or unset METRICS_TOKEN to turn /metrics off',
  HOST: 'set MICROSOFT_CLIENT_ID or GOOGLE_CLIENT_IDS to serve other hosts, or bind HOST=127.0.0.1',
  AI_PROVIDER: 'use AI_PROVIDER=local, or AI_PROVIDER=openai with OPENAI_BASE_URL and/or OPENAI_API_KEY',
  ADMIN_EMAILS: 'replace ADMIN_EMAILS by ADMIN_IDENTITIES (see GET /v1/me/identity)',
  MICROSOFT_TENANTS: 'list tenant ids (GUIDs), comma-separated',
  ADMIN_IDENTITIES: 'use entra:<tenant id>:<object id> or google:<sub>, comma-separated',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(localhost|127\.[0-9.]+|\[::1\])$/;
/** Above this the identity tokens' five-minute tolerance gets thin and Pub/Sub tokens may be refused. */
const CLOCK_SKEW_FAIL_SECONDS = 60;
const CLOCK_SKEW_WARN_SECONDS = 5;

function variableOf(problem: string): string | undefined {
  return /^([A-Z][A-Z0-9_]+)\b/.exec(problem)?.[1];
}

async function withTimeout<T>(what: string, ms: number, task: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      task,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const text = e?.message || e?.code || String(error);
  const cause = e?.cause?.code ?? e?.cause?.message;
  return (cause && !text.includes(cause) ? `${text} (${cause})` : text).split('\n')[0]!.slice(0, 300);
}

/** Loads the configuration; each bad value becomes a failing line, and the rest is checked without it. */
function loadTolerant(env: NodeJS.ProcessEnv, cwd: string, results: CheckResult[]): Config | undefined {
  const working = { ...env };
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const config = loadConfig(working, cwd);
      if (attempt === 0) results.push({ check: 'configuration', status: 'pass', detail: 'every setting is valid' });
      return config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      let removed = false;
      for (const problem of error.problems) {
        const name = variableOf(problem);
        if (attempt === 0 || (name && name in working)) {
          results.push({
            check: 'configuration',
            status: 'fail',
            detail: problem,
            fix: (name && FIXES[name]) ?? (name ? `correct ${name} in your .env` : 'correct the setting in your .env'),
          });
        }
        if (name && name in working) {
          delete working[name];
          removed = true;
        }
      }
      if (!removed) return undefined;
    }
  }
  return undefined;
}

interface Clocks {
  /** Seconds by which a reference clock is ahead of ours (negative: behind), with its name. */
  references: Array<{ source: string; skewSeconds: number }>;
}

function noteDateHeader(clocks: Clocks, source: string, response: Response, sentAt: number, now: () => number) {
  const date = response.headers.get('date');
  if (!date) return;
  const theirs = Date.parse(date);
  if (Number.isNaN(theirs)) return;
  // The header has one-second resolution; compare with the middle of the round trip.
  const ours = (sentAt + now()) / 2;
  clocks.references.push({ source, skewSeconds: (theirs - ours) / 1000 });
}

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const env = options.env;
  const clocks: Clocks = { references: [] };

  const config = loadTolerant(env, options.cwd, results);
  if (!config) {
    results.push({
      check: 'other checks',
      status: 'skip',
      detail: 'the configuration could not be read',
      fix: 'fix the lines above and run steward doctor again',
    });
    return results;
  }

  // Database reachable and migrated.
  let storage: Storage | undefined;
  try {
    storage = await withTimeout(
      'the database',
      timeoutMs,
      openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }),
    );
    const where = storage.describe;
    const reachable = await withTimeout(
      'the database',
      timeoutMs,
      ping(storage.db).then(() => true),
    ).catch((error: unknown) => error);
    if (reachable !== true) {
      results.push({
        check: 'database',
        status: 'fail',
        detail: `${where}: ${messageOf(reachable)}`,
        fix: databaseFix(reachable),
      });
      results.push({ check: 'migrations', status: 'skip', detail: 'the database is not reachable' });
    } else {
      results.push({ check: 'database', status: 'pass', detail: `reachable: ${where}` });
      const status = await migrationStatus(storage);
      results.push(
        status.pending.length === 0
          ? { check: 'migrations', status: 'pass', detail: `up to date (${status.applied.length} applied)` }
          : {
              check: 'migrations',
              status: 'fail',
              detail: `${status.pending.length} not applied: ${status.pending.join(', ')}`,
              fix: 'run `steward migrate` (compose runs it once at start in the migrate service)',
            },
      );
      const sentAt = now();
      const dbNow = await databaseNow(storage);
      clocks.references.push({ source: 'the database', skewSeconds: (dbNow.getTime() - (sentAt + now()) / 2) / 1000 });
    }
  } catch (error) {
    results.push({
      check: 'database',
      status: 'fail',
      detail: `${config.databaseUrl ? 'PostgreSQL' : 'the embedded database'}: ${messageOf(error)}`,
      fix: config.databaseUrl ? databaseFix(error) : `check that DATA_DIR (${config.dataDir}) is writable`,
    });
    results.push({ check: 'migrations', status: 'skip', detail: 'the database is not reachable' });
  } finally {
    if (storage) await storage.close().catch(() => {});
  }

  // PUBLIC_URL: https, and this server answers there.
  const publicUrl = new URL(config.publicUrl);
  const isLocalUrl = LOOPBACK.test(publicUrl.hostname);
  if (publicUrl.protocol !== 'https:') {
    results.push({
      check: 'public url',
      status: config.localMode && isLocalUrl ? 'warn' : 'fail',
      detail: `${config.publicUrl} is not https; the add-ins, Pub/Sub push and Graph notifications need https`,
      fix: 'put TLS in front (docs/deploy.md: Caddy or nginx) and set PUBLIC_URL=https://your.host',
    });
  } else {
    results.push({ check: 'public url', status: 'pass', detail: `${config.publicUrl} is https` });
  }
  try {
    const sentAt = now();
    const response = await doFetch(`${config.publicUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    noteDateHeader(clocks, 'PUBLIC_URL', response, sentAt, now);
    const body = (await response.json().catch(() => ({}))) as { status?: string };
    if (response.ok && body.status === 'ok') {
      results.push({ check: 'public url reachable', status: 'pass', detail: `${config.publicUrl}/health answers` });
    } else {
      results.push({
        check: 'public url reachable',
        status: 'fail',
        detail: `${config.publicUrl}/health answered ${response.status}, not Steward's health answer`,
        fix: 'point PUBLIC_URL (and the proxy in front) at this Steward server',
      });
    }
  } catch (error) {
    results.push({
      check: 'public url reachable',
      status: config.localMode && isLocalUrl ? 'warn' : 'fail',
      detail: `${config.publicUrl}/health: ${messageOf(error)}`,
      fix: 'start the server (steward serve), then check DNS and the TLS proxy for PUBLIC_URL',
    });
  }

  // Identity settings.
  if (config.localMode) {
    results.push({
      check: 'identity',
      status: 'warn',
      detail: 'no identity provider: local mode, one local user, loopback only',
      fix: 'set MICROSOFT_CLIENT_ID (Outlook) and/or GOOGLE_CLIENT_IDS (Gmail) to serve people (docs/deploy.md)',
    });
  } else {
    const problems: string[] = [];
    if (config.microsoft.clientId && !GUID.test(config.microsoft.clientId))
      problems.push(`MICROSOFT_CLIENT_ID "${config.microsoft.clientId}" is not an application id (a GUID)`);
    for (const id of config.google.clientIds)
      if (!id.endsWith('.apps.googleusercontent.com'))
        problems.push(`GOOGLE_CLIENT_IDS holds "${id}", which is not an OAuth client id (…apps.googleusercontent.com)`);
    if (config.adminIdentities.some((a) => a.startsWith('microsoft:')) && !config.microsoft.clientId)
      problems.push('ADMIN_IDENTITIES names an Entra identity but MICROSOFT_CLIENT_ID is not set');
    if (config.adminIdentities.some((a) => a.startsWith('google:')) && config.google.clientIds.length === 0)
      problems.push('ADMIN_IDENTITIES names a Google identity but GOOGLE_CLIENT_IDS is not set');
    results.push(
      problems.length === 0
        ? {
            check: 'identity',
            status: 'pass',
            detail: [
              config.microsoft.clientId ? `Entra app ${config.microsoft.clientId}` : '',
              config.google.clientIds.length ? `${config.google.clientIds.length} Google client id(s)` : '',
            ]
              .filter(Boolean)
              .join(', '),
          }
        : {
            check: 'identity',
            status: 'fail',
            detail: problems.join('; '),
            fix: 'copy the ids from the Entra app registration / Google Cloud credentials page (docs/deploy.md)',
          },
    );
  }

  // Token encryption key.
  const syncWanted = Boolean(config.sync.google.clientId || config.sync.microsoft.clientSecret);
  if (config.tokenEncryptionKey) {
    results.push({ check: 'token key', status: 'pass', detail: 'TOKEN_ENCRYPTION_KEY is 32 bytes' });
  } else if (env.TOKEN_ENCRYPTION_KEY?.trim()) {
    results.push({
      check: 'token key',
      status: 'fail',
      detail: 'TOKEN_ENCRYPTION_KEY is set but is not 32 bytes (64 hex characters or base64)',
      fix: 'generate a key with `openssl rand -hex 32`; if mailboxes are already connected, restore the key they were sealed with',
    });
  } else {
    results.push({
      check: 'token key',
      status: syncWanted ? 'fail' : 'warn',
      detail: syncWanted
        ? 'TOKEN_ENCRYPTION_KEY is missing but mailbox sync is configured'
        : 'TOKEN_ENCRYPTION_KEY is missing; mailboxes cannot be connected',
      fix: 'generate a key with `openssl rand -hex 32`, set TOKEN_ENCRYPTION_KEY, and keep a copy with your backups',
    });
  }

  // Model endpoint: a tiny structured call.
  if (config.aiProvider === 'local') {
    results.push({ check: 'model', status: 'pass', detail: 'AI_PROVIDER=local: the built-in offline engine' });
  } else {
    const model = createOpenAiModel({
      baseURL: config.openai.baseUrl ?? 'https://api.openai.com/v1',
      apiKey: config.openai.apiKey,
      model: config.openai.model,
      timeoutMs: Math.min(config.openai.timeoutMs, timeoutMs),
      maxRetries: 0,
    });
    try {
      const answer = await withTimeout(
        'the model endpoint',
        timeoutMs + 1000,
        model.complete({
          purpose: 'triage',
          system: 'You check that a service works. Answer in JSON.',
          messages: [{ role: 'user', content: 'Reply with {"ok": true}.' }],
          jsonSchema: {
            name: 'doctor',
            schema: {
              type: 'object',
              properties: { ok: { type: 'boolean' } },
              required: ['ok'],
              additionalProperties: false,
            },
          },
          maxTokens: 20,
          temperature: 0,
        }),
      );
      results.push({
        check: 'model',
        status: 'pass',
        detail: `${config.openai.model} at ${config.openai.baseUrl ?? 'api.openai.com'} answered a structured call in ${answer.latencyMs} ms`,
      });
    } catch (error) {
      results.push({
        check: 'model',
        status: 'fail',
        detail: `${config.openai.model} at ${config.openai.baseUrl ?? 'api.openai.com'}: ${messageOf(error)}`,
        fix: 'check OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL (the model must support JSON-schema output), or use AI_PROVIDER=local',
      });
    }
  }

  // Transcription endpoint.
  const transcription = config.transcription;
  if (!transcription.baseUrl || (!transcription.apiKey && !env.TRANSCRIBE_BASE_URL)) {
    results.push({
      check: 'transcription',
      status: 'skip',
      detail: 'not configured; POST /v1/meetings/transcribe answers 501 (transcripts still work)',
    });
  } else {
    try {
      const sentAt = now();
      const response = await doFetch(`${transcription.baseUrl.replace(/\/+$/, '')}/models`, {
        headers: transcription.apiKey ? { authorization: `Bearer ${transcription.apiKey}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      noteDateHeader(clocks, 'the transcription endpoint', response, sentAt, now);
      await response.arrayBuffer().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        results.push({
          check: 'transcription',
          status: 'fail',
          detail: `${transcription.baseUrl} refused the key (${response.status})`,
          fix: 'set TRANSCRIBE_API_KEY (or OPENAI_API_KEY when they share an endpoint) to a valid key',
        });
      } else if (response.status >= 500) {
        results.push({
          check: 'transcription',
          status: 'fail',
          detail: `${transcription.baseUrl} answered ${response.status}`,
          fix: 'check that the transcription server is healthy',
        });
      } else {
        results.push({
          check: 'transcription',
          status: 'pass',
          detail: `${transcription.baseUrl} answers (model ${transcription.model})`,
        });
      }
    } catch (error) {
      results.push({
        check: 'transcription',
        status: 'fail',
        detail: `${transcription.baseUrl}: ${messageOf(error)}`,
        fix: 'check TRANSCRIBE_BASE_URL, or unset it to turn transcription off',
      });
    }
  }

  // Gmail push and Graph notifications.
  const https = publicUrl.protocol === 'https:';
  const google = config.sync.google;
  if (!google.clientId && !config.sync.gmailTopic) {
    results.push({ check: 'gmail push', status: 'skip', detail: 'Gmail mailbox sync is not configured' });
  } else {
    const problems: string[] = [];
    if (!google.clientId || !google.clientSecret)
      problems.push('GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET must both be set');
    if (!config.sync.gmailTopic)
      problems.push('GMAIL_PUBSUB_TOPIC is not set, so Gmail never tells Steward about new mail');
    else if (!/^projects\/[a-z][a-z0-9-]{4,29}\/topics\/[A-Za-z][\w.~+%-]{2,254}$/.test(config.sync.gmailTopic))
      problems.push(`GMAIL_PUBSUB_TOPIC "${config.sync.gmailTopic}" is not projects/<project id>/topics/<topic>`);
    if (config.sync.gmailTopic && !config.sync.gmailPushServiceAccount)
      problems.push('GMAIL_PUSH_SERVICE_ACCOUNT is not set, so push requests cannot be verified and are refused');
    if (!https) problems.push('Pub/Sub pushes only to https endpoints, and PUBLIC_URL is not https');
    results.push(
      problems.length === 0
        ? {
            check: 'gmail push',
            status: 'pass',
            detail: `topic ${config.sync.gmailTopic} → ${config.sync.gmailPushAudience}, signed by ${config.sync.gmailPushServiceAccount}`,
          }
        : {
            check: 'gmail push',
            status: 'fail',
            detail: problems.join('; '),
            fix: 'follow "Google Cloud project" in docs/deploy.md (topic, push subscription to PUBLIC_URL/webhooks/gmail with an OIDC service account)',
          },
    );
  }
  if (!config.sync.microsoft.clientSecret) {
    results.push({
      check: 'graph notifications',
      status: 'skip',
      detail: 'Microsoft 365 mailbox sync is not configured',
    });
  } else {
    const problems: string[] = [];
    if (!config.sync.microsoft.clientId) problems.push('MICROSOFT_CLIENT_SECRET is set but MICROSOFT_CLIENT_ID is not');
    if (!https) problems.push('Graph sends notifications only to https URLs, and PUBLIC_URL is not https');
    results.push(
      problems.length === 0
        ? {
            check: 'graph notifications',
            status: 'pass',
            detail: `subscriptions will notify ${config.publicUrl}/webhooks/graph`,
          }
        : {
            check: 'graph notifications',
            status: 'fail',
            detail: problems.join('; '),
            fix: 'follow "Entra app registration" in docs/deploy.md',
          },
    );
  }

  // Clock skew against every clock seen above.
  if (clocks.references.length === 0) {
    results.push({ check: 'clock', status: 'skip', detail: 'no other clock answered' });
  } else {
    const worst = clocks.references.reduce((a, b) => (Math.abs(b.skewSeconds) > Math.abs(a.skewSeconds) ? b : a));
    const skew = Math.abs(worst.skewSeconds);
    const detail = `largest difference ${worst.skewSeconds.toFixed(1)} s, against ${worst.source} (${clocks.references.length} clock(s) compared)`;
    results.push(
      skew > CLOCK_SKEW_FAIL_SECONDS
        ? { check: 'clock', status: 'fail', detail, fix: 'synchronise the clock (NTP: systemd-timesyncd or chrony)' }
        : skew > CLOCK_SKEW_WARN_SECONDS
          ? { check: 'clock', status: 'warn', detail, fix: 'synchronise the clock (NTP: systemd-timesyncd or chrony)' }
          : { check: 'clock', status: 'pass', detail },
    );
  }
  return results;
}
