import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/database.ts';
import { bearer, buildTestApp } from './app.ts';
import { testDatabases } from './db.ts';
import { OTHER_TENANT, startTestIdp, type TestIdp } from './idp.ts';

export interface Caller {
  name: string;
  headers: Record<string, string>;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface IsolationContext {
  app: FastifyInstance;
  owner: Caller;
  intruder: Caller;
}

/**
 * One kind of user-owned data. `seed` creates it as the owner; `attacks` are the requests an intruder
 * (another user, of the same tenant and of another tenant) tries against it; `intact` proves the owner's
 * data survived unchanged and unread.
 */
export interface IsolationCase<Handle = unknown> {
  name: string;
  /** The routes ("METHOD /v1/...") this case exercises, so route coverage can be checked. */
  covers: string[];
  seed(ctx: IsolationContext): Promise<Handle>;
  attacks(handle: Handle): Array<InjectOptions & { expectStatus?: number[]; mustNotContain?: string[] }>;
  intact(ctx: IsolationContext, handle: Handle): Promise<void>;
}

/**
 * Proves, on every test database, for every case, that user A's data cannot be read, changed or deleted
 * by user B of the same tenant or user C of another tenant — and that every /v1 route of the app is
 * covered by some case (a new route without an isolation case fails here).
 */
export function describeIsolation(
  title: string,
  // biome-ignore lint/suspicious/noExplicitAny: the cases differ in their handle type; each is type-checked in its own file
  cases: IsolationCase<any>[],
  options: { exempt?: string[] } = {},
): void {
  for (const database of testDatabases()) {
    describe(`${title} [${database.name}]`, () => {
      let storage: Storage;
      let idp: TestIdp;
      let app: FastifyInstance;
      let owner: Caller;
      const intruders: Caller[] = [];

      const caller = (name: string, token: string): Caller => ({
        name,
        headers: bearer(token),
        request: (opts) => app.inject({ ...opts, headers: { ...bearer(token), ...(opts.headers ?? {}) } }),
      });

      beforeAll(async () => {
        storage = await database.open();
        idp = await startTestIdp();
        app = await buildTestApp(storage, idp.env);
        owner = caller(
          'owner',
          await idp.entraToken({ oid: 'oid-owner', preferred_username: 'owner@contoso.example' }),
        );
        intruders.push(
          caller(
            'same-tenant intruder',
            await idp.entraToken({ oid: 'oid-intruder', preferred_username: 'eve@contoso.example' }),
          ),
          caller(
            'other-tenant intruder',
            await idp.entraToken({ tid: OTHER_TENANT, oid: 'oid-owner', preferred_username: 'owner@fabrikam.example' }),
          ),
          caller('google intruder', await idp.googleToken({ sub: 'oid-owner', email: 'owner@contoso.example' })),
        );
      });
      afterAll(async () => {
        await app?.close();
        await idp?.close();
        await storage?.close();
      });

      it('covers every /v1 route', () => {
        const covered = new Set(cases.flatMap((c) => c.covers));
        const exempt = new Set(options.exempt ?? []);
        const uncovered = app.services.routes.filter(
          (r) => r.split(' ')[1]?.startsWith('/v1/') && !covered.has(r) && !exempt.has(r),
        );
        expect(uncovered).toEqual([]);
      });

      for (const testCase of cases) {
        it(`${testCase.name}: another user cannot read, change or delete it`, async () => {
          for (const intruder of intruders) {
            const ctx: IsolationContext = { app, owner, intruder };
            const handle = await testCase.seed(ctx);
            for (const attack of testCase.attacks(handle)) {
              const { expectStatus, mustNotContain, ...request } = attack;
              const response = await intruder.request(request);
              if (expectStatus)
                expect(expectStatus, `${intruder.name}: ${request.method} ${request.url}`).toContain(
                  response.statusCode,
                );
              for (const secret of mustNotContain ?? []) {
                expect(
                  response.body,
                  `${intruder.name} saw the owner's data via ${request.method} ${request.url}`,
                ).not.toContain(secret);
              }
            }
            await testCase.intact(ctx, handle);
          }
        });
      }
    });
  }
}
