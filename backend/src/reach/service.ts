/**
 * Reach and context wiring: one place that builds the alert channels, the CRM context and the hooks mail
 * sync calls for each new message, from the config (TOKEN_ENCRYPTION_KEY seals their secrets).
 */

import { createTokenCipher } from '../accounts/crypto.ts';
import type { Config } from '../config.ts';
import type { Storage } from '../storage/database.ts';
import { withCrmContext } from '../triage/crm.ts';
import { createAlerts } from './alerts.ts';
import { createCrm } from './crm.ts';
import type { ReachHooks } from './hooks.ts';
import type { OutboundOptions } from './http.ts';
import { createStatsCache } from './stats.ts';

export interface ReachOptions {
  /** https origins served by local fakes (tests): {"https://hooks.slack.com": "http://127.0.0.1:1234"}. */
  redirect?: Record<string, string>;
  /** How retries wait (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

type Log = { warn(obj: object, msg: string): void };

export function createReach(config: Config, storage: Storage, options: ReachOptions = {}, log?: Log) {
  const cipher = config.tokenEncryptionKey ? createTokenCipher(config.tokenEncryptionKey) : undefined;
  const outbound: OutboundOptions = { redirect: options.redirect ?? {} };
  const alerts = createAlerts({
    db: storage.db,
    cipher,
    outbound,
    sleep: options.sleep,
    log,
  });
  const crm = createCrm({ db: storage.db, cipher, outbound, log, oauth: config.reach });
  // Kept serialised: a cached answer is sent as it is (a year is 365 days of 8 counts).
  const stats = createStatsCache<string>({ ttlMs: config.reach.statsCacheSeconds * 1000 });
  const hooks: ReachHooks = {
    crm: async (scope, message, result) => {
      const from = message.from?.address;
      if (!from) return result;
      return withCrmContext(result, await crm.contextFor(scope.tenantId, from));
    },
    crmContext: (scope, sender) => crm.contextFor(scope.tenantId, sender),
    alerts: async (scope, event) => {
      try {
        await alerts.onMessage(scope, event);
      } catch (error) {
        log?.warn({ err: { message: (error as Error).message } }, 'alerts failed');
      }
    },
  };
  return { outbound, alerts, crm, hooks, stats };
}

export type Reach = ReturnType<typeof createReach>;
