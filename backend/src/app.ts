import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { connectedCalendars } from './accounts/calendars.ts';
import { type AccountTokens, createAccountTokens } from './accounts/tokens.ts';
import { type ConfiguredAi, configureAi } from './ai/configured.ts';
import { type Embedder, embedderFromConfig } from './ai/embeddings.ts';
import type { Config } from './config.ts';
import { type CpuPool, createCpuPool } from './cpu/pool.ts';
import { createDraftingService, type DraftingService } from './drafting/service.ts';
import { registerErrorHandling } from './http/errors.ts';
import { identityPlugin, v1Authentication } from './http/plugins/auth.ts';
import { redactUrl, registerHostCheck, registerTextGuard } from './http/plugins/guards.ts';
import { registerJsonBodyParser } from './http/plugins/json-body.ts';
import { openApiPlugin } from './http/plugins/openapi.ts';
import { securityPlugin } from './http/plugins/security.ts';
import { type StaticFilesOptions, staticFilesPlugin } from './http/plugins/static-files.ts';
import { askRoutes } from './http/routes/ask.ts';
import { draftRoutes } from './http/routes/drafts.ts';
import { healthRoutes } from './http/routes/health.ts';
import { meRoutes } from './http/routes/me.ts';
import { meetingRoutes } from './http/routes/meetings.ts';
import { metricsRoutes } from './http/routes/metrics.ts';
import { crmOAuthCallbackRoutes, reachRoutes } from './http/routes/reach.ts';
import { schedulingRoutes } from './http/routes/scheduling.ts';
import { settingsRoutes } from './http/routes/settings.ts';
import { syncApiRoutes, syncPlugin } from './http/routes/sync.ts';
import { triageRoutes } from './http/routes/triage.ts';
import { withoutSchemaIds } from './http/schema-ids.ts';
import { createIdentityVerifier, type IdentityVerifier } from './identity/verifier.ts';
import { createNotesService, type NotesService } from './notes/service.ts';
import { instrumentDrafting, instrumentTriage, registerRequestTelemetry } from './ops/tracing.ts';
import { createReach, type Reach, type ReachOptions } from './reach/service.ts';
import type { CalendarPort } from './scheduling/calendar/port.ts';
import { migrateToLatest, openStorage, type Storage } from './storage/database.ts';
import type { UserScope } from './storage/user-scope.ts';
import { createTriageService, type TriageService } from './triage/service.ts';

export const VERSION: string = createRequire(import.meta.url)('../package.json').version;

/** What the routes use, built once per app. Tests may pass their own pieces. */
export interface Services {
  config: Config;
  storage: Storage;
  verify: IdentityVerifier;
  /** The language model AI_PROVIDER configured (none with `local`); the feature services use it. */
  ai: ConfiguredAi;
  /** The features as HTTP, CLI and mail sync all run them. */
  triage: TriageService;
  drafting: DraftingService;
  notes: NotesService;
  /** Access tokens of connected accounts (mail sync and the connected calendars share the cache). */
  accounts: AccountTokens;
  /** The user's connected calendar, when there is one (a connected mailbox's calendar and the user's ICS feeds). */
  calendars?: (scope: UserScope) => Promise<CalendarPort | undefined>;
  /** Run before a user's rows are deleted (DELETE /v1/me): features remove what they keep outside the database. */
  userDeletion: Array<(scope: UserScope) => Promise<void>>;
  /** Every route as "METHOD /url", filled as routes register (the isolation tests check coverage). */
  routes: string[];
  /** The /embeddings endpoint for hybrid mail search, when EMBEDDINGS_MODEL is set. */
  embedder?: Embedder;
  /** Worker threads with a time budget for CPU work on untrusted input (reading mail, local triage, notes). */
  cpu: CpuPool;
  /** Alerts to Slack and Teams, CRM context, senders and the dashboard's numbers. */
  reach: Reach;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface BuildOptions {
  /** An already-open storage (tests); otherwise opened from the config and closed with the app. */
  storage?: Storage;
  logger?: FastifyServerOptions['logger'];
  /** Skip migrations (the storage is known to be current). */
  skipMigrations?: boolean;
  /** Another model than AI_PROVIDER configures (tests). */
  ai?: ConfiguredAi;
  /** Other folders for the pane and manifests (tests). */
  staticFiles?: StaticFilesOptions;
  /** Another embedder than EMBEDDINGS_MODEL chooses (tests). */
  embedder?: Embedder;
  /** Where a user's calendar is found (tests inject one); by default the connected mailbox's calendar. */
  calendars?: (scope: UserScope) => Promise<CalendarPort | undefined>;
  /** Fake Slack, Teams and CRM servers (tests). */
  reach?: ReachOptions;
}

/** Never logged: credentials and anything that could hold mail, transcript or calendar text. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.password',
  '*.text',
  '*.html',
  '*.raw',
  '*.body',
  '*.transcript',
];

/** How a request is logged: secrets in the query string (OAuth `code` and `state`, `access_token`…) redacted. */
export const requestSerializer = (request: {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) => ({
  method: request.method,
  url: redactUrl(request.url),
  host: request.hostname,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer },
  };
}

/** Builds the whole app without listening; server.ts listens, tests use `inject` or listen on port 0. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names; otherwise a client could choose
    // the address its rate limit and logs are keyed by.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (() => {
            const hops = config.trustProxy;
            return (_address: string, hop: number) => hop < hops;
          })()
        : config.trustProxy,
    // A client that sends its headers or body slowly, or stops, is cut off (408) in seconds, checked every
    // second; an idle kept-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS.
    requestTimeout: config.timeouts.requestMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    http: {
      headersTimeout: config.timeouts.headersMs,
      requestTimeout: config.timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1000, config.timeouts.headersMs),
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    forceCloseConnections: 'idle',
  });

  const storage = options.storage ?? (await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  if (!options.storage) app.addHook('onClose', async () => storage.close());
  if (!options.skipMigrations) await migrateToLatest(storage.db, storage.schema);

  const cpu = createCpuPool({
    ...(config.cpu.threads > 0 ? { threads: config.cpu.threads } : {}),
    budgetMs: config.cpu.budgetMs,
  });
  app.addHook('onClose', async () => cpu.close());
  const ai = options.ai ?? configureAi(config, storage.db);
  const accounts = createAccountTokens({ config, storage });
  const calendars = options.calendars ?? connectedCalendars({ config, storage, tokens: accounts, log: app.log });
  const embedder = options.embedder ?? embedderFromConfig(config);
  const services: Services = {
    config,
    storage,
    cpu,
    verify: createIdentityVerifier(config),
    ai,
    triage: instrumentTriage(createTriageService({ ai, cpu })),
    drafting: instrumentDrafting(createDraftingService({ ai, calendars, normalise: (m) => cpu.normalise(m) })),
    // Parsing the transcript and the local notes run in a worker thread under the CPU budget.
    notes: createNotesService({
      ...(ai.model ? { model: ai.model } : {}),
      local: (request, voice) => cpu.notes({ request, ...(voice ? { voice } : {}) }),
    }),
    accounts,
    calendars,
    routes: [],
    userDeletion: [],
    ...(embedder ? { embedder } : {}),
    reach: createReach(config, storage, options.reach, app.log),
  };
  app.decorate('services', services);
  // Alerts held back by quiet hours or the hourly limit go out as a digest once allowed (worker only).
  if (config.sync.worker) {
    const digests = setInterval(() => {
      services.reach.alerts
        .flushAll()
        .catch((error: Error) => app.log.warn({ err: { message: error.message } }, 'alert digests failed'));
    }, 5 * 60_000);
    digests.unref();
    app.addHook('onClose', async () => clearInterval(digests));
  }
  app.addHook('onRoute', (route) => {
    if (route.schema) route.schema = withoutSchemaIds(route.schema);
    for (const method of [route.method].flat()) if (method !== 'HEAD') services.routes.push(`${method} ${route.url}`);
  });

  registerErrorHandling(app);
  registerRequestTelemetry(app);
  registerHostCheck(app, config);
  registerJsonBodyParser(app);
  registerTextGuard(app);
  await app.register(securityPlugin, { config });
  await app.register(openApiPlugin, { config, version: VERSION });
  await app.register(identityPlugin, { verify: services.verify, storage });

  // Public: the pane and manifests, health, and what browsers and providers call without our token.
  await app.register(staticFilesPlugin, { publicUrl: config.publicUrl, ...options.staticFiles });
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(syncPlugin);
  await app.register(crmOAuthCallbackRoutes);

  // Everything under /v1 lives in one scope whose onRequest hook authenticates (and rate-limits) on the
  // routed path, so no spelling of the URL (%76, %2F, case, dots) reaches a handler without a user.
  await app.register(
    async (v1) => {
      await v1Authentication(v1, { config });
      await v1.register(meRoutes);
      await v1.register(settingsRoutes);
      await v1.register(triageRoutes);
      await v1.register(syncApiRoutes);
      await v1.register(meetingRoutes);
      await v1.register(schedulingRoutes);
      await v1.register(draftRoutes);
      await v1.register(askRoutes);
      await v1.register(reachRoutes);
    },
    { prefix: '/v1' },
  );

  return app;
}
