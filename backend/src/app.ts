import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { createEngines, type Engines } from './engines.ts';
import { registerErrorHandling } from './http/errors.ts';
import { authPlugin } from './http/plugins/auth.ts';
import { registerJsonBodyParser } from './http/plugins/json-body.ts';
import { openApiPlugin } from './http/plugins/openapi.ts';
import { securityPlugin } from './http/plugins/security.ts';
import { type StaticFilesOptions, staticFilesPlugin } from './http/plugins/static-files.ts';
import { draftRoutes } from './http/routes/drafts.ts';
import { healthRoutes } from './http/routes/health.ts';
import { meRoutes } from './http/routes/me.ts';
import { meetingRoutes } from './http/routes/meetings.ts';
import { schedulingRoutes } from './http/routes/scheduling.ts';
import { settingsRoutes } from './http/routes/settings.ts';
import { syncRoutes } from './http/routes/sync.ts';
import { triageRoutes } from './http/routes/triage.ts';
import { withoutSchemaIds } from './http/schema-ids.ts';
import { createIdentityVerifier, type IdentityVerifier } from './identity/verifier.ts';
import { connectedCalendars } from './scheduling/calendar/connected.ts';
import type { CalendarPort } from './scheduling/calendar/port.ts';
import { migrateToLatest, openStorage, type Storage } from './storage/database.ts';
import type { UserScope } from './storage/users.ts';

export const VERSION: string = createRequire(import.meta.url)('../package.json').version;

/** What the routes use, built once per app. Tests may pass their own pieces. */
export interface Services {
  config: Config;
  storage: Storage;
  verify: IdentityVerifier;
  engines: Engines;
  /** The user's connected calendar, when there is one (a connected mailbox's calendar and the user's ICS feeds). */
  calendars?: (scope: UserScope) => Promise<CalendarPort | undefined>;
  /** Run before a user's rows are deleted (DELETE /v1/me): features remove what they keep outside the database. */
  userDeletion: Array<(scope: UserScope) => Promise<void>>;
  /** Every route as "METHOD /url", filled as routes register (the isolation tests check coverage). */
  routes: string[];
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
  /** Other engines than AI_PROVIDER chooses (tests). */
  engines?: Engines;
  /** Other folders for the pane and manifests (tests). */
  staticFiles?: StaticFilesOptions;
  /** Where a user's calendar is found (tests inject one); by default the connected mailbox's calendar. */
  calendars?: (scope: UserScope) => Promise<CalendarPort | undefined>;
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

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

/** Builds the whole app without listening; server.ts listens, tests use `inject` or listen on port 0. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: !config.localMode,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    forceCloseConnections: 'idle',
  });

  const storage = options.storage ?? (await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  if (!options.storage) app.addHook('onClose', async () => storage.close());
  if (!options.skipMigrations) await migrateToLatest(storage.db, storage.schema);

  const services: Services = {
    config,
    storage,
    verify: createIdentityVerifier(config),
    engines: options.engines ?? createEngines(config, storage.db),
    routes: [],
    userDeletion: [],
    ...(options.calendars ? { calendars: options.calendars } : {}),
  };
  app.decorate('services', services);
  app.addHook('onRoute', (route) => {
    if (route.schema) route.schema = withoutSchemaIds(route.schema);
    for (const method of [route.method].flat()) if (method !== 'HEAD') services.routes.push(`${method} ${route.url}`);
  });

  registerErrorHandling(app);
  registerJsonBodyParser(app);
  await app.register(securityPlugin, { config });
  await app.register(openApiPlugin, { config, version: VERSION });
  await app.register(authPlugin, { verify: services.verify, storage });

  await app.register(staticFilesPlugin, options.staticFiles ?? {});
  await app.register(healthRoutes);
  await app.register(meRoutes);
  await app.register(settingsRoutes);
  await app.register(triageRoutes);
  await app.register(syncRoutes);
  // Connected calendars reuse the sync service's sealed tokens and refresh.
  services.calendars ??= connectedCalendars({ config, storage, sync: app.sync, log: app.log });
  await app.register(meetingRoutes);
  await app.register(schedulingRoutes);
  await app.register(draftRoutes);

  return app;
}
