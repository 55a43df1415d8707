/**
 * Alert-channel rules as both clients read and show them: the sender and domain lists a person types, and one
 * line describing a channel. Pure and free of schema code, so the Gmail bundle can take it without typebox.
 */
import type { AlertChannel } from './reach.ts';

/** Addresses or domains typed one a line, or separated by commas, semicolons or spaces; lower-cased, no repeats. */
export function parseList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((item) => item.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** Domains from a typed list, a leading "@" dropped, no repeats. */
export function parseDomains(text: string): string[] {
  return [...new Set(parseList(text).map((domain) => domain.replace(/^@/, '')))];
}

export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const DOMAIN_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** One line saying what a channel alerts about, when it is quiet and how often it may post. */
export function describeRules(channel: Pick<AlertChannel, 'rules' | 'quietHours' | 'maxPerHour'>): string {
  const parts: string[] = [];
  if (channel.rules.toRespondHighPriority) parts.push('needs your reply, high priority');
  if (channel.rules.meetingRequests) parts.push('meeting requests');
  if (channel.rules.senders.length) parts.push(`from ${channel.rules.senders.join(', ')}`);
  if (channel.rules.domains.length) parts.push(`from @${channel.rules.domains.join(', @')}`);
  const quiet = channel.quietHours ? ` · quiet ${channel.quietHours.start}–${channel.quietHours.end}` : '';
  return `${parts.join('; ') || 'nothing'}${quiet} · at most ${channel.maxPerHour} an hour`;
}
