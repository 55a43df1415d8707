/**
 * CRM context in triage: an open deal with the sender raises priority and says so in the reasons ("open
 * deal 'ACME renewal', stage Negotiation"); a known contact without one is at least normal priority. The
 * category never changes: the CRM says who someone is, not what their message asks.
 */
import type { CrmContext, TriageResult } from '@steward/shared';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Categories where a customer's message deserves the customer's priority. */
const RAISES = new Set(['to_respond', 'fyi', 'comment', 'meeting_update', 'awaiting_reply']);

export function crmReasons(context: CrmContext): string[] {
  const reasons: string[] = [];
  for (const deal of context.deals.slice(0, 2))
    reasons.push(clip(`open deal '${deal.name}', stage ${deal.stage}`, 300));
  if (reasons.length === 0 && (context.company || context.owner)) {
    const who = [context.company ? `at ${context.company}` : '', context.owner ? `owner ${context.owner}` : '']
      .filter(Boolean)
      .join(', ');
    reasons.push(clip(`known CRM contact ${who}`, 300));
  }
  return reasons;
}

export function withCrmContext(result: TriageResult, context: CrmContext | undefined): TriageResult {
  if (!context) return result;
  const reasons = crmReasons(context);
  if (reasons.length === 0) return result;
  let priority = result.priority;
  if (RAISES.has(result.category)) {
    if (context.deals.length > 0) priority = 'high';
    else if (priority === 'low') priority = 'normal';
  }
  return { ...result, priority, reasons: [...reasons, ...result.reasons].slice(0, 10) };
}

/** Facts a draft may cite, one per line; what the CRM does not say is left to placeholders. */
export function crmFacts(context: CrmContext | undefined): string[] {
  if (!context) return [];
  const facts: string[] = [];
  if (context.contact?.name)
    facts.push(`The sender is ${context.contact.name}${context.contact.title ? `, ${context.contact.title}` : ''}.`);
  if (context.company) facts.push(`They work at ${context.company}.`);
  if (context.owner) facts.push(`Their account owner is ${context.owner}.`);
  for (const deal of context.deals.slice(0, 3)) {
    facts.push(
      `Open deal '${deal.name}' at stage ${deal.stage}${deal.amount !== undefined ? `, amount ${deal.amount}` : ''}${deal.closeDate ? `, closing ${deal.closeDate}` : ''}.`,
    );
  }
  return facts;
}
