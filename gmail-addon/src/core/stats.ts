/**
 * The inbox dashboard on the Gmail homepage card: cards cannot draw charts, so each category gets a text
 * bar (█ blocks, proportional to the largest) in its colour, followed by its count, which is what a screen
 * reader reads. Pure functions, tested without Apps Script.
 */
import type { InboxStats, Settings } from '@steward/shared';
import { CATEGORY_IDS, type CategoryId } from '@steward/shared/categories';
import { categoryLabel } from './format.ts';

export const BAR_COLOURS: Record<CategoryId, string> = {
  to_respond: '#c50f1f',
  awaiting_reply: '#8a6100',
  meeting_update: '#5c2e91',
  comment: '#0f6cbd',
  fyi: '#038387',
  notification: '#107c10',
  actioned: '#616161',
  marketing: '#b4009e',
};

/** `n` of `max` as a bar of at most `width` blocks; any n > 0 shows at least one block. */
export function textBar(n: number, max: number, width = 12): string {
  if (n <= 0 || max <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((n / max) * width)));
}

export function minutesText(minutes: number | null): string {
  if (minutes === null) return 'no replies yet';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60);
    const m = Math.round(minutes % 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.round(minutes / 1440)} days`;
}

export interface StatsRow {
  label: string;
  /** Card HTML: the coloured bar and the count. */
  bar: string;
  count: number;
}

/** One row per category that had mail, largest first. */
export function categoryRows(stats: InboxStats, settings?: Pick<Settings, 'categories'> | null): StatsRow[] {
  const present = CATEGORY_IDS.filter((c) => (stats.totals[c] ?? 0) > 0);
  const max = Math.max(0, ...present.map((c) => stats.totals[c] ?? 0));
  return present
    .sort((a, b) => (stats.totals[b] ?? 0) - (stats.totals[a] ?? 0))
    .map((c) => {
      const n = stats.totals[c] ?? 0;
      return {
        label: categoryLabel(c, settings),
        count: n,
        bar: `<font color="${BAR_COLOURS[c]}">${textBar(n, max)}</font> ${n}`,
      };
    });
}

/** The numbers under the bars, as short lines. */
export function summaryLines(stats: InboxStats): string[] {
  const waiting = stats.awaitingReply.reduce((sum, b) => sum + b.threads, 0);
  const old = stats.awaitingReply
    .filter((b) => b.bucket === '7-14d' || b.bucket === '>14d')
    .reduce((s, b) => s + b.threads, 0);
  return [
    `Replies sent: ${stats.replies.sent} · median time to reply ${minutesText(stats.replies.medianMinutes)}`,
    `Waiting for a reply: ${waiting} thread${waiting === 1 ? '' : 's'}${old ? ` (${old} older than a week)` : ''}`,
    `Drafts used: ${stats.drafts.used} of ${stats.drafts.created}`,
    `Model calls: ${stats.model.calls}${stats.model.costUsd === null ? '' : ` · $${stats.model.costUsd.toFixed(2)}`}`,
  ];
}
