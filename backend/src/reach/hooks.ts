import type { CrmContext, TriageResult } from '@steward/shared';
import type { NormalisedMessage } from '../mail/types.ts';
import type { UserScope } from '../storage/user-scope.ts';
import type { AlertEvent } from './alerts.ts';

/** What mailbox sync calls into reach/ for each new message someone else wrote. Neither ever throws. */
export interface ReachHooks {
  /** Adds the tenant's CRM context to a triage result (priority and reasons). */
  crm?: (scope: UserScope, message: NormalisedMessage, result: TriageResult) => Promise<TriageResult>;
  /** The sender's CRM context (cached per sender), for background drafts: the facts POST /v1/drafts gets. */
  crmContext?: (scope: UserScope, sender: string) => Promise<CrmContext | undefined>;
  /** Sends the alerts the user's rules ask for (Slack, Teams). */
  alerts?: (scope: UserScope, event: AlertEvent) => Promise<void>;
}
