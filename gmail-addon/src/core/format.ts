import type { Settings, TriageResult, VoiceProfile, WorkingHours } from '@steward/shared';
import { CATEGORY_LABELS, type CategoryId, INBOX_ORDER } from '@steward/shared/categories';

/** The default display names; users may rename categories in settings. */
export const DEFAULT_CATEGORY_LABELS: Record<CategoryId, string> = CATEGORY_LABELS;

/** In the order a person looks for them, not the precedence order. */
export const CATEGORY_MENU_ORDER: readonly CategoryId[] = INBOX_ORDER;

export function categoryLabel(id: CategoryId, settings?: Pick<Settings, 'categories'> | null): string {
  return settings?.categories?.[id]?.displayName || DEFAULT_CATEGORY_LABELS[id] || id;
}

export function isCategory(value: unknown): value is CategoryId {
  return typeof value === 'string' && Object.hasOwn(DEFAULT_CATEGORY_LABELS, value);
}

export function confidenceText(confidence: number): string {
  const c = Math.min(1, Math.max(0, Number.isFinite(confidence) ? confidence : 0));
  const word = c >= 0.8 ? 'High' : c >= 0.55 ? 'Medium' : 'Low';
  return `${word} confidence (${Math.round(c * 100)}%)`;
}

export function priorityText(priority: TriageResult['priority']): string {
  return priority === 'high' ? 'High priority' : priority === 'low' ? 'Low priority' : '';
}

const DAY_NAMES: Record<keyof WorkingHours, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};
const DAY_ORDER = Object.keys(DAY_NAMES) as (keyof WorkingHours)[];

export function dayHoursText(ranges: WorkingHours[keyof WorkingHours]): string {
  return ranges.length ? ranges.map((r) => `${r.start}–${r.end}`).join(', ') : 'off';
}

/** "Mon–Fri 09:00–17:00; Sat–Sun off": consecutive days with the same hours are grouped. */
export function workingHoursText(hours: WorkingHours): string {
  const groups: { from: keyof WorkingHours; to: keyof WorkingHours; text: string }[] = [];
  for (const day of DAY_ORDER) {
    const text = dayHoursText(hours[day] ?? []);
    const last = groups[groups.length - 1];
    if (last && last.text === text) last.to = day;
    else groups.push({ from: day, to: day, text });
  }
  return groups
    .map((g) => `${g.from === g.to ? DAY_NAMES[g.from] : `${DAY_NAMES[g.from]}–${DAY_NAMES[g.to]}`} ${g.text}`)
    .join('; ');
}

/** Parses "09:00-12:00, 13:00-17:30" (empty or "off" = day off) into ranges, or returns an error sentence. */
export function parseDayHours(input: string): WorkingHours['mon'] | string {
  const text = input.trim().toLowerCase();
  if (!text || text === 'off') return [];
  const ranges: WorkingHours['mon'] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) return `"${part.trim()}" is not a range like 09:00-17:00.`;
    const [sh, sm, eh, em] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    const valid = (h: number, min: number) => (h < 24 && min < 60) || (h === 24 && min === 0);
    if (!valid(sh, sm) || !valid(eh, em)) return `"${part.trim()}" is not a valid time range.`;
    if (eh * 60 + em <= sh * 60 + sm) return `"${part.trim()}" ends before it starts.`;
    const pad = (n: number) => String(n).padStart(2, '0');
    ranges.push({ start: `${pad(sh)}:${pad(sm)}`, end: `${pad(eh)}:${pad(em)}` });
  }
  if (ranges.length > 4) return 'At most four ranges per day.';
  return ranges;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** "Tue 4 Feb, 15:00–15:30" in the user's zone. */
export function slotText(slot: { start: string; end: string }, timeZone: string, locale = 'en-GB'): string {
  const start = new Date(slot.start);
  const end = new Date(slot.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${slot.start} – ${slot.end}`;
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const day = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  }).format(start);
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  });
  return `${day}, ${time.format(start)}–${time.format(end)}`;
}

function share(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** The style card in a few readable lines. */
export function voiceSummary(profile: VoiceProfile): string[] {
  const lines: string[] = [];
  const greeting = profile.greetings.find((g) => g.text)?.text;
  const signOff = profile.signOffs.find((s) => s.text)?.text;
  if (greeting) lines.push(`Greeting: “${greeting}”`);
  if (signOff) lines.push(`Sign-off: “${signOff}”${profile.signatureName ? `, signed ${profile.signatureName}` : ''}`);
  else if (profile.signatureName) lines.push(`Signs as ${profile.signatureName}`);
  lines.push(
    `${profile.formality[0]?.toUpperCase()}${profile.formality.slice(1)}, about ${profile.typicalWords} words, contractions ${share(profile.contractionsRate)}`,
  );
  if (profile.languages.length) lines.push(`Languages: ${profile.languages.join(', ')}`);
  lines.push(
    `Learned from ${profile.sampleCount} sent message${profile.sampleCount === 1 ? '' : 's'} (${profile.confidence} confidence)`,
  );
  return lines;
}

/** Plain text to HTML for inserting times into a draft. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
