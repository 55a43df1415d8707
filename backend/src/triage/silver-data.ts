/**
 * The silver triage labels of the development data (silver/README.md in the data folder), joined back to
 * their source records, with the mailbox owner ("me") of each message. Dev tooling for training and the
 * leave-one-corpus-out evaluation: reads files.
 *
 * Who "me" is, per source (as the annotators were told):
 * - Enron Berkeley: the `X-Origin` mailbox ("LAY-K"); every address of the message whose local part
 *   contains the surname (its first 6 letters: old mailbox names are cut to 8 characters) and starts with the
 *   initial ("kenneth.lay@…") is the owner's; without such an address, every one that holds the surname.
 * - SpamAssassin: the `Delivered-To` (or `X-Original-To`) address; without one, nobody (every message
 *   then counts as received by the reader).
 * - AESLC: the mailbox named in the file name; a `sent` folder means the owner wrote it. The records
 *   have no headers: a sent message gets the owner as sender, a received one the owner as recipient.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CategoryId, EmailMessage } from '@steward/shared';
import { loadEnron, loadSpamAssassin } from './dev-data.ts';

export type MailSource = 'enron' | 'spamassassin' | 'aeslc';
export const MAIL_SOURCES: readonly MailSource[] = ['enron', 'spamassassin', 'aeslc'];

export interface SilverLabel {
  category: CategoryId;
  needsReply: boolean;
  meetingRequest: boolean;
  priority: 'high' | 'normal' | 'low';
}

export interface SilverRow {
  key: string;
  source: MailSource;
  message: EmailMessage;
  me: string[];
  /** The owner wrote this message (AESLC sent folder, Enron owner as sender). */
  fromMe: boolean;
  label: SilverLabel;
  /** Enron Berkeley genres (e.g. "1.4"), for the older tables; empty for other sources. */
  cats: string[];
}

export function hasSilverData(dir: string): boolean {
  return ['silver/labels.dev.jsonl', 'silver/aeslc_train_sample.jsonl'].every((f) => existsSync(join(dir, f)));
}

function headerOf(raw: string, name: string): string | undefined {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const match = new RegExp(`^${name}:[ \\t]*([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\s+/g, ' ').trim();
}

const ADDRESS = /[\w.+'-]+@[\w.-]+/g;

function addressesIn(value: string | undefined): string[] {
  return (value?.match(ADDRESS) ?? []).map((a) => a.toLowerCase());
}

/** The owner's addresses among a raw Enron message's From, To and Cc, from its X-Origin ("LAY-K"). */
export function enronOwnerAddresses(raw: string): string[] {
  const origin = headerOf(raw, 'X-Origin')?.toLowerCase() ?? '';
  const [surname, initial] = origin.split('-');
  if (!surname) return [];
  const all = [...new Set(['From', 'To', 'Cc'].flatMap((h) => addressesIn(headerOf(raw, h))))];
  // Old mailbox names are cut to 8 characters ("jdasovic" for Dasovich): the surname's first 6 letters count.
  const stem = surname.length > 6 ? surname.slice(0, 6) : surname;
  const withSurname = all.filter((a) => (a.split('@')[0] ?? '').includes(stem));
  const withInitial = withSurname.filter((a) => !initial || a.startsWith(initial[0]!));
  // Without an address that starts with the initial, one that holds the surname is the owner's (a middle
  // initial first: "d..steffes" for STEFFES-J).
  return withInitial.length > 0 ? withInitial : withSurname;
}

function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function loadSilver(dir: string): SilverRow[] {
  const labels = new Map<string, SilverLabel>();
  for (const row of readJsonLines<SilverLabel & { key: string }>(join(dir, 'silver/labels.dev.jsonl'))) {
    labels.set(row.key, {
      category: row.category,
      needsReply: row.needsReply,
      meetingRequest: row.meetingRequest,
      priority: row.priority,
    });
  }
  const rows: SilverRow[] = [];
  for (const r of loadEnron(dir)) {
    const label = labels.get(`enron:${r.id}`);
    if (!label) continue;
    const me = enronOwnerAddresses(r.raw);
    const from = addressesIn(headerOf(r.raw, 'From'))[0];
    rows.push({
      key: `enron:${r.id}`,
      source: 'enron',
      message: { id: `enron:${r.id}`, raw: r.raw },
      me,
      fromMe: from !== undefined && me.includes(from),
      label,
      cats: r.cats,
    });
  }
  for (const r of loadSpamAssassin(dir)) {
    const label = labels.get(`spam:${r.file}`);
    if (!label) continue;
    const me = addressesIn(headerOf(r.raw, 'Delivered-To') ?? headerOf(r.raw, 'X-Original-To')).slice(0, 1);
    rows.push({
      key: `spam:${r.file}`,
      source: 'spamassassin',
      message: { id: `spam:${r.file}`, raw: r.raw },
      me,
      fromMe: false,
      label,
      cats: [],
    });
  }
  const aeslc = readJsonLines<{ key: string; owner_folder: string; subject: string; body: string }>(
    join(dir, 'silver/aeslc_train_sample.jsonl'),
  );
  for (const r of aeslc) {
    const label = labels.get(r.key);
    if (!label) continue;
    const mailbox = /mailbox '([^']+)'/.exec(r.owner_folder)?.[1] ?? 'owner';
    const sent = /folder '[^']*sent[^']*'/i.test(r.owner_folder);
    const owner = `${mailbox.replace(/[^\w.-]/g, '')}@enron.com`;
    rows.push({
      key: r.key,
      source: 'aeslc',
      message: sent
        ? { id: r.key, subject: r.subject, text: r.body, from: { address: owner } }
        : { id: r.key, subject: r.subject, text: r.body, to: [{ address: owner }] },
      me: [owner],
      fromMe: sent,
      label,
      cats: [],
    });
  }
  return rows;
}
