import path from 'node:path';

export type AiProvider = 'local' | 'openai';

/** Everything the server reads from the environment (product.md section 8), validated once at start. */
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

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
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) {
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
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
