import net from 'node:net';
import path from 'node:path';

export type AiProvider = 'local' | 'openai';

/** Everything the server reads from the environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  aiProvider: AiProvider;
  openai: { baseUrl?: string; apiKey?: string; model: string; timeoutMs: number; dailyTokenBudget: number };
  microsoft: {
    clientId?: string;
    tenants: string[];
    jwksUrl: string;
    /** Issuer template; `{tid}` is replaced by the token's tenant id. */
    issuerTemplate: string;
  };
  google: { clientIds: string[]; certsUrl?: string };
  tokenEncryptionKey?: Buffer;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number };
  corsOrigins: string[];
  logLevel: string;
  /** True when no identity provider is configured: one local user, loopback only. */
  localMode: boolean;
  /** Where audio and transcripts are kept: DATA_DIR/blobs, or an S3-compatible bucket when `s3` is set. */
  blobs: { s3?: S3BlobConfig };
  /** The OpenAI-compatible /audio/transcriptions endpoint; without a base URL or key there is no transcription. */
  transcription: { baseUrl?: string; apiKey?: string; model: string; timeoutMs: number };
  /**
   * The OpenAI-compatible /embeddings endpoint for Ask Steward's hybrid search; set EMBEDDINGS_MODEL to turn it
   * on. Without EMBEDDINGS_BASE_URL / EMBEDDINGS_API_KEY the OpenAI settings are used, as a pair.
   */
  embeddings: { model?: string; baseUrl?: string; apiKey?: string; timeoutMs: number };
  /** Mailbox sync (issue 9): OAuth clients, provider endpoints, push verification, the worker. */
  sync: SyncConfig;
  /**
   * Who may see /v1/admin routes, by immutable identity (the local user always may): "microsoft:<tid>:<oid>"
   * for Entra accounts and "google:<sub>" for Google accounts, lower-cased. Never an email address.
   */
  adminIdentities: string[];
  /** Fastify's trustProxy: false unless TRUST_PROXY names the proxies (X-Forwarded-For is read only then). */
  trustProxy: boolean | number | string[];
  /** Slow clients are cut off (408 or closed) after these: headers, the whole request, an idle keep-alive. */
  timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /** Failed sign-ins per client address per rate-limit window before further attempts get 429. */
  authFailureLimit: number;
  /** CPU work on untrusted input: worker threads (0: one per core, at most 4) and each task's time budget. */
  cpu: { threads: number; budgetMs: number };
  /** GET /metrics (Prometheus): served only when a token is set, and only to `Authorization: Bearer <token>`. */
  metrics: { token?: string };
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint when set (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: { endpoint?: string; serviceName: string };
  /** Reach and context (docs/reach.md): the dashboard's answer cache and the CRMs' OAuth apps. */
  reach: ReachConfig;
}

export interface ReachConfig {
  /** How long GET /v1/stats answers are kept per user and range (0: not cached). */
  statsCacheSeconds: number;
  /** HubSpot public app (OAuth): the admin's "Connect HubSpot" is offered when both are set. */
  hubspot: { clientId?: string; clientSecret?: string };
  /** Salesforce connected app (OAuth, web server flow with PKCE); loginUrl for sandboxes or My Domain. */
  salesforce: { clientId?: string; clientSecret?: string; loginUrl: string };
}

export interface SyncConfig {
  google: { clientId?: string; clientSecret?: string; authUrl?: string; tokenUrl: string; revokeUrl: string };
  microsoft: { clientId?: string; clientSecret?: string; authority: string; loginUrl?: string };
  gmailApiUrl: string;
  graphApiUrl: string;
  /** Google Calendar API (freeBusy, events) for connected Gmail accounts. */
  googleCalendarApiUrl: string;
  /** Pub/Sub topic Gmail publishes to ("projects/p/topics/t"). */
  gmailTopic?: string;
  /** Expected `aud` and service-account `email` of the Pub/Sub push OIDC token. */
  gmailPushAudience: string;
  gmailPushServiceAccount?: string;
  /** Run the background worker in this process (SYNC_WORKER=off for web-only processes). */
  worker: boolean;
  /** pg-boss on PostgreSQL; the built-in table queue on embedded PGlite (or when JOB_QUEUE=table). */
  queue: 'pg-boss' | 'table';
  /**
   * Mailbox syncs (list what changed, enqueue the messages) a worker process runs at once. With many
   * mailboxes each new message needs one, so this bounds a worker's messages/s (docs/scaling.md).
   */
  mailboxConcurrency: number;
  /**
   * How long the pipeline's bookkeeping rows are kept (storage/retention.ts), in days; 0 keeps them. A daily
   * job in a worker process deletes older ones.
   */
  retention: { days: number; auditDays: number };
}

export interface S3BlobConfig {
  /** Unset for AWS itself; the URL of MinIO, R2, Ceph, Garage and the like. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The bucket in the path (https://host/bucket/key) rather than the host name; self-hosted stores want it. */
  forcePathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * ADMIN_IDENTITIES entries, checked and written the way `identityKey` writes a signed-in user:
 * "entra:<tenant id>:<object id>" (or "microsoft:…") and "google:<sub>".
 */
function parseAdminIdentities(raw: string | undefined, problems: string[]): string[] {
  const keys: string[] = [];
  for (const entry of list(raw)) {
    const parts = entry.split(':');
    const kind = parts[0]?.toLowerCase();
    if ((kind === 'entra' || kind === 'microsoft') && parts.length === 3 && GUID.test(parts[1]!) && parts[2]) {
      keys.push(`microsoft:${parts[1]!.toLowerCase()}:${parts[2].toLowerCase()}`);
    } else if (kind === 'google' && parts.length === 2 && /^[0-9]{1,64}$/.test(parts[1]!)) {
      keys.push(`google:${parts[1]}`);
    } else {
      problems.push(
        `ADMIN_IDENTITIES holds "${entry}", which is not "entra:<tenant id>:<object id>" or "google:<numeric sub>"`,
      );
    }
  }
  return keys;
}

/** TRUST_PROXY: unset or "false" trusts no proxy; "true", a hop count, or a list of proxy addresses/CIDRs. */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string[] {
  const value = (raw ?? '').trim();
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^[0-9]{1,2}$/.test(value)) return Number(value);
  const entries = list(value);
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = net.isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (
      !['loopback', 'linklocal', 'uniquelocal'].includes(entry) &&
      (family === 0 || (bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= maxBits)))
    ) {
      problems.push(`TRUST_PROXY holds "${entry}"; use true, a hop count, or proxy addresses/CIDRs such as 10.0.0.0/8`);
    }
  }
  return entries;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads and checks the environment; every bad value is reported at once, each with its own sentence. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  // 0 keeps the rows; otherwise at least 30 days (the dashboard's ageing and the briefing look two weeks back).
  const retentionDays = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || (n !== 0 && (n < 30 || n > 36_500))) {
      problems.push(`${name} must be 0 (keep everything) or a whole number of days from 30 to 36500 (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, fallback?: string): string | undefined => {
    const raw = env[name] || fallback;
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!['http:', 'https:', 'postgres:', 'postgresql:'].includes(parsed.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${name} must be an absolute URL (got "${raw}")`);
      return fallback;
    }
  };

  const port = integer('PORT', 8787, 0, 65535);
  const microsoftClientId = env.MICROSOFT_CLIENT_ID?.trim() || undefined;
  const googleClientIds = list(env.GOOGLE_CLIENT_IDS);
  const localMode = !microsoftClientId && googleClientIds.length === 0;
  const host = env.HOST?.trim() || '127.0.0.1';
  if (localMode && !LOOPBACK_HOSTS.has(host)) {
    problems.push(
      `HOST is "${host}" but no identity provider is configured; local mode only binds to loopback (127.0.0.1, ::1 or localhost). Set MICROSOFT_CLIENT_ID or GOOGLE_CLIENT_IDS to serve other hosts.`,
    );
  }
  const tenants = list(env.MICROSOFT_TENANTS);
  for (const t of tenants) {
    if (!GUID.test(t)) {
      problems.push(`MICROSOFT_TENANTS holds "${t}", which is not a tenant id (a GUID)`);
    }
  }

  const aiProviderRaw = (env.AI_PROVIDER ?? 'local').trim() || 'local';
  let aiProvider: AiProvider = 'local';
  if (aiProviderRaw === 'local' || aiProviderRaw === 'openai') aiProvider = aiProviderRaw;
  else problems.push(`AI_PROVIDER must be "local" or "openai" (got "${aiProviderRaw}")`);
  const openaiBaseUrl = url('OPENAI_BASE_URL');
  if (aiProvider === 'openai' && !openaiBaseUrl && !env.OPENAI_API_KEY) {
    problems.push('AI_PROVIDER is "openai" but neither OPENAI_BASE_URL nor OPENAI_API_KEY is set');
  }

  let tokenEncryptionKey: Buffer | undefined;
  if (env.TOKEN_ENCRYPTION_KEY) {
    const raw = env.TOKEN_ENCRYPTION_KEY.trim();
    const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32) problems.push('TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
    else tokenEncryptionKey = key;
  }

  const databaseUrl = url('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:/.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const publicUrl = url('PUBLIC_URL', `http://localhost:${port}`) ?? `http://localhost:${port}`;
  const publicOrigin = (() => {
    try {
      return new URL(publicUrl).origin;
    } catch {
      return undefined;
    }
  })();

  const syncWorker = (env.SYNC_WORKER ?? 'on').trim().toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(syncWorker))
    problems.push(`SYNC_WORKER must be "on" or "off" (got "${env.SYNC_WORKER}")`);
  const jobQueue = (env.JOB_QUEUE ?? '').trim();
  if (jobQueue && jobQueue !== 'pg-boss' && jobQueue !== 'table')
    problems.push(`JOB_QUEUE must be "pg-boss" or "table" (got "${jobQueue}")`);
  const sync: SyncConfig = {
    google: {
      clientId: env.GOOGLE_OAUTH_CLIENT_ID?.trim() || undefined,
      clientSecret: env.GOOGLE_OAUTH_CLIENT_SECRET || undefined,
      authUrl: url('GOOGLE_OAUTH_AUTH_URL'),
      tokenUrl: url('GOOGLE_OAUTH_TOKEN_URL', 'https://oauth2.googleapis.com/token') as string,
      revokeUrl: url('GOOGLE_OAUTH_REVOKE_URL', 'https://oauth2.googleapis.com/revoke') as string,
    },
    microsoft: {
      clientId: microsoftClientId,
      clientSecret: env.MICROSOFT_CLIENT_SECRET || undefined,
      authority: url('MICROSOFT_AUTHORITY_URL', 'https://login.microsoftonline.com/common') as string,
      loginUrl: url('MICROSOFT_LOGIN_URL'),
    },
    gmailApiUrl: (url('GMAIL_API_URL', 'https://gmail.googleapis.com') as string).replace(/\/+$/, ''),
    graphApiUrl: (url('GRAPH_API_URL', 'https://graph.microsoft.com') as string).replace(/\/+$/, ''),
    googleCalendarApiUrl: (url('GOOGLE_CALENDAR_API_URL', 'https://www.googleapis.com') as string).replace(/\/+$/, ''),
    gmailTopic: env.GMAIL_PUBSUB_TOPIC?.trim() || undefined,
    gmailPushAudience: env.GMAIL_PUSH_AUDIENCE?.trim() || `${publicUrl.replace(/\/+$/, '')}/webhooks/gmail`,
    gmailPushServiceAccount: env.GMAIL_PUSH_SERVICE_ACCOUNT?.trim().toLowerCase() || undefined,
    worker: ['on', 'true', '1'].includes(syncWorker),
    queue: jobQueue === 'table' || !databaseUrl ? 'table' : 'pg-boss',
    mailboxConcurrency: integer('SYNC_MAILBOX_CONCURRENCY', 8, 1, 64),
    retention: { days: retentionDays('RETENTION_DAYS', 90), auditDays: retentionDays('AUDIT_RETENTION_DAYS', 365) },
  };

  const s3Bucket = env.S3_BUCKET?.trim() || undefined;
  const s3Endpoint = url('S3_ENDPOINT');
  if (!s3Bucket && (s3Endpoint || env.S3_ACCESS_KEY_ID))
    problems.push('S3_ENDPOINT or S3_ACCESS_KEY_ID is set but S3_BUCKET is not');
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  const s3PathStyle = (env.S3_FORCE_PATH_STYLE ?? '').trim().toLowerCase();
  if (s3PathStyle && !['true', 'false', '1', '0'].includes(s3PathStyle)) {
    problems.push(`S3_FORCE_PATH_STYLE must be true or false (got "${env.S3_FORCE_PATH_STYLE}")`);
  }
  // Transcription falls back to the OpenAI settings as a pair, so a key never travels to another endpoint.
  const ownTranscription = Boolean(env.TRANSCRIBE_BASE_URL || env.TRANSCRIBE_API_KEY);
  const transcribeBaseUrl = ownTranscription ? url('TRANSCRIBE_BASE_URL') : openaiBaseUrl;

  if (env.ADMIN_EMAILS?.trim()) {
    problems.push(
      'ADMIN_EMAILS is no longer read: an email address in a token is not proof of who someone is (another tenant can issue a token with any address). Name administrators by immutable identity instead: ADMIN_IDENTITIES=entra:<tenant id>:<object id>,google:<sub> (each user sees theirs at GET /v1/me/identity); then remove ADMIN_EMAILS.',
    );
  }
  const ownEmbeddings = Boolean(env.EMBEDDINGS_BASE_URL || env.EMBEDDINGS_API_KEY);
  const embeddingsBaseUrl = ownEmbeddings ? url('EMBEDDINGS_BASE_URL') : openaiBaseUrl;
  const adminIdentities = parseAdminIdentities(env.ADMIN_IDENTITIES, problems);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);
  const headersMs = integer('HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000);
  const requestMs = integer('REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000);
  if (headersMs > requestMs) problems.push('HEADERS_TIMEOUT_MS must not be larger than REQUEST_TIMEOUT_MS');

  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken && metricsToken.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters');
  }
  const otlpEndpoint = url('OTEL_EXPORTER_OTLP_ENDPOINT');

  const config: Config = {
    port,
    host,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    databaseUrl,
    dataDir: path.resolve(cwd, env.DATA_DIR?.trim() || './data'),
    aiProvider,
    openai: {
      baseUrl: openaiBaseUrl,
      apiKey: env.OPENAI_API_KEY || undefined,
      model: env.OPENAI_MODEL?.trim() || 'gpt-4o-mini',
      timeoutMs: integer('OPENAI_TIMEOUT_MS', 20_000, 100, 600_000),
      dailyTokenBudget: integer('OPENAI_DAILY_TOKEN_BUDGET', 200_000, 0, 1_000_000_000),
    },
    microsoft: {
      clientId: microsoftClientId,
      tenants,
      jwksUrl: url('MICROSOFT_JWKS_URL', 'https://login.microsoftonline.com/common/discovery/v2.0/keys') as string,
      issuerTemplate: env.MICROSOFT_ISSUER_TEMPLATE?.trim() || 'https://login.microsoftonline.com/{tid}/v2.0',
    },
    google: { clientIds: googleClientIds, certsUrl: url('GOOGLE_CERTS_URL') },
    tokenEncryptionKey,
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    rateLimit: {
      max: integer('RATE_LIMIT_MAX', 600, 1, 1_000_000),
      windowMs: integer('RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
    },
    corsOrigins: [
      ...new Set([
        ...(publicOrigin ? [publicOrigin] : []),
        // Outlook on the web and the new Outlook host add-ins from these origins.
        'https://outlook.office.com',
        'https://outlook.office365.com',
        'https://outlook.live.com',
        ...list(env.CORS_ORIGINS),
      ]),
    ],
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    localMode,
    blobs: s3Bucket
      ? {
          s3: {
            ...(s3Endpoint ? { endpoint: s3Endpoint } : {}),
            bucket: s3Bucket,
            region: env.S3_REGION?.trim() || 'us-east-1',
            ...(env.S3_ACCESS_KEY_ID
              ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
              : {}),
            // A custom endpoint is almost always a self-hosted store, and those want path-style addressing.
            forcePathStyle: s3PathStyle ? ['true', '1'].includes(s3PathStyle) : Boolean(s3Endpoint),
          },
        }
      : {},
    transcription: {
      baseUrl: transcribeBaseUrl,
      apiKey: (ownTranscription ? env.TRANSCRIBE_API_KEY : env.OPENAI_API_KEY) || undefined,
      model: env.TRANSCRIBE_MODEL?.trim() || 'whisper-1',
      timeoutMs: integer('TRANSCRIBE_TIMEOUT_MS', 300_000, 1000, 3_600_000),
    },
    embeddings: {
      ...(env.EMBEDDINGS_MODEL?.trim() ? { model: env.EMBEDDINGS_MODEL.trim() } : {}),
      ...(embeddingsBaseUrl ? { baseUrl: embeddingsBaseUrl } : {}),
      ...((ownEmbeddings ? env.EMBEDDINGS_API_KEY : env.OPENAI_API_KEY)
        ? {
            apiKey: (ownEmbeddings ? env.EMBEDDINGS_API_KEY : env.OPENAI_API_KEY) as string,
          }
        : {}),
      timeoutMs: integer('EMBEDDINGS_TIMEOUT_MS', 20_000, 100, 600_000),
    },
    sync,
    adminIdentities,
    trustProxy,
    timeouts: { headersMs, requestMs, keepAliveMs: integer('KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 600_000) },
    authFailureLimit: integer('AUTH_FAILURE_LIMIT', 30, 1, 1_000_000),
    cpu: { threads: integer('CPU_THREADS', 0, 0, 64), budgetMs: integer('CPU_BUDGET_MS', 10_000, 100, 600_000) },
    metrics: metricsToken && metricsToken.length >= 16 ? { token: metricsToken } : {},
    tracing: {
      ...(otlpEndpoint ? { endpoint: otlpEndpoint.replace(/\/+$/, '') } : {}),
      serviceName: env.OTEL_SERVICE_NAME?.trim() || 'steward',
    },
    reach: {
      statsCacheSeconds: integer('STATS_CACHE_SECONDS', 60, 0, 3600),
      hubspot: {
        clientId: env.HUBSPOT_CLIENT_ID?.trim() || undefined,
        clientSecret: env.HUBSPOT_CLIENT_SECRET || undefined,
      },
      salesforce: {
        clientId: env.SALESFORCE_CLIENT_ID?.trim() || undefined,
        clientSecret: env.SALESFORCE_CLIENT_SECRET || undefined,
        loginUrl: (url('SALESFORCE_LOGIN_URL', 'https://login.salesforce.com') as string).replace(/\/+$/, ''),
      },
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
