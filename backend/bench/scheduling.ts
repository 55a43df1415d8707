/**
 * Scheduling benchmark: the solver on a year of busy data (5,000 events per attendee) for 3 attendees → best 5
 * slots, and parseTimeExpressions on 5 KB emails.
 *   npx tsx backend/bench/scheduling.ts
 */

import { constants, PerformanceObserver } from 'node:perf_hooks';
import { defaultSettings } from '@steward/shared';
import { DateTime } from 'luxon';
import { findSlots, type Interval, type SlotRequest } from '../src/scheduling/solver.ts';

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same calendars. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function yearOfEvents(seed: number, zone: string, count: number): Interval[] {
  const next = random(seed);
  const start = DateTime.fromISO('2025-01-01T00:00:00', { zone });
  const events: Interval[] = [];
  for (let i = 0; i < count; i++) {
    const day = start.plus({ days: Math.floor(next() * 365) });
    const begin = day.set({ hour: 8 + Math.floor(next() * 10), minute: [0, 15, 30, 45][Math.floor(next() * 4)]! });
    const end = begin.plus({ minutes: [15, 30, 30, 45, 60, 60, 90][Math.floor(next() * 7)]! });
    events.push({ start: begin.toUTC().toISO()!, end: end.toUTC().toISO()! });
  }
  return events;
}

const settings = defaultSettings();

/** Garbage collections that started between two performance.now() readings (the observer reports them later). */
const gcs: { start: number; kind: number; ms: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gcs.push({ start: e.startTime, kind: (e.detail as { kind?: number } | undefined)?.kind ?? 0, ms: e.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
async function gcSummary(from: number, to: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const inside = gcs.filter((g) => g.start >= from && g.start <= to);
  const of = (kind: number) => inside.filter((g) => g.kind === kind);
  const line = (kind: number, name: string) =>
    `${of(kind).length} ${name} (${of(kind)
      .reduce((sum, g) => sum + g.ms, 0)
      .toFixed(0)} ms)`;
  return `${line(constants.NODE_PERFORMANCE_GC_MINOR, 'scavenges')}, ${line(constants.NODE_PERFORMANCE_GC_MAJOR, 'mark-compacts')}`;
}

function request(now: string, own: Interval[], others: Interval[][]): SlotRequest {
  return {
    durationMinutes: 30,
    now,
    zone: 'Europe/Berlin',
    workingHours: settings.workingHours,
    busy: own,
    attendeesBusy: others,
    bufferBeforeMinutes: 10,
    bufferAfterMinutes: 10,
    minimumNoticeHours: 12,
    maxMeetingsPerDay: 12,
    requester: { zone: 'America/New_York' },
    limit: 5,
  };
}

const nows = Array.from(
  { length: 50 },
  (_, i) =>
    DateTime.fromISO('2025-01-06T08:00:00Z')
      .plus({ days: i * 6 })
      .toISO()!,
);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

console.log(
  'findSlots: a year of busy data, 3 attendees (Berlin user, New York and Kolkata attendees), 30-min meeting,',
);
console.log('10-min buffers, 12 h notice, best 5 slots in a 14-day horizon; 500 runs over 50 reference days.');
console.log(
  `Wall-clock times include waiting for a busy machine; load average now ${(await import('node:os')).loadavg()[0]!.toFixed(1)}.`,
);
console.log(
  `${'scenario'.padEnd(34)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}${'p99 cpu ms'.padStart(12)}${'slots/run'.padStart(11)}  target`,
);
for (const [label, perAttendee] of [
  ['5,000 events in all (1,667 each)', 1667],
  ['5,000 events for each attendee', 5000],
] as const) {
  const own = yearOfEvents(1, 'Europe/Berlin', perAttendee);
  const others = [yearOfEvents(2, 'America/New_York', perAttendee), yearOfEvents(3, 'Asia/Kolkata', perAttendee)];
  for (let i = 0; i < 50; i++) findSlots(request(nows[i % nows.length]!, own, others)); // warm-up
  const runs = 500;
  const times: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    found += findSlots(request(nows[i % nows.length]!, own, others)).length;
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)}${pct(times, 50).toFixed(2).padStart(9)}${pct(times, 90).toFixed(2).padStart(9)}${pct(times, 99).toFixed(2).padStart(9)}${times[times.length - 1]!.toFixed(2).padStart(9)}${pct(cpu, 99).toFixed(2).padStart(12)}${(found / runs).toFixed(1).padStart(11)}  p99 < 20 ms`,
  );
}

// A message that names hundreds of dates (a schedule pasted into a mail): the windows it proposes go to the
// solver, which must stay cheap as the number of windows grows.
{
  const { extractMeetingAsk } = await import('../src/scheduling/meeting-ask.ts');
  const { suggestTimes } = await import('../src/scheduling/suggest.ts');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
  const lines = ['Could we find a time to go through the plan? Any of these would work for me:'];
  for (let i = 0; i < 240; i++)
    lines.push(`- ${months[i % 12]} ${1 + ((i * 7) % 28)} at ${9 + (i % 8)}:00, or ${days[i % 5]} afternoon`);
  const message = { text: lines.join('\n'), date: '2025-01-06T09:00:00-05:00', from: 'Ana <ana@example.com>' };
  const now = '2025-01-06T14:00:00Z';
  const windows = extractMeetingAsk(message, { tz: 'Europe/Berlin' }).windows.map(({ start, end }) => ({ start, end }));
  const own = yearOfEvents(1, 'Europe/Berlin', 1667);
  const others = [yearOfEvents(2, 'America/New_York', 1667), yearOfEvents(3, 'Asia/Kolkata', 1667)];
  const measure = (label: string, run: () => number, runs: number, target: string) => {
    for (let i = 0; i < 10; i++) run();
    const times: number[] = [];
    const cpu: number[] = [];
    let found = 0;
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      found += run();
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(34)}${pct(times, 50).toFixed(2).padStart(9)}${pct(times, 90).toFixed(2).padStart(9)}${pct(times, 99).toFixed(2).padStart(9)}${times[times.length - 1]!.toFixed(2).padStart(9)}${pct(cpu, 99).toFixed(2).padStart(12)}${(found / runs).toFixed(1).padStart(11)}  ${target}`,
    );
  };
  measure(
    `${windows.length} windows, 5,000 events`,
    () => findSlots({ ...request(now, own, others), windows }).length,
    300,
    'p99 < 20 ms',
  );
  measure(
    `suggestTimes, message (${windows.length} w.)`,
    () =>
      suggestTimes({
        message,
        busy: own,
        attendeesBusy: others,
        settings: { ...settings, timeZone: 'Europe/Berlin' },
        now: new Date(now),
      }).slots.length,
    50,
    'parse + solve (informational)',
  );
}

// parseTimeExpressions on 5 KB business emails. "typical": prose in which about one sentence in five holds a
// time (about 15 expressions, like the 5 KB Enron emails); "dense": a digest where every line holds one
// (about 100 expressions).
{
  const { parseTimeExpressions } = await import('../src/scheduling/times.ts');
  const timed = [
    'Thanks for the call yesterday; as discussed, the board approved the budget on Tuesday.',
    'Could we meet Tue or Wed afternoon next week, 3pm ET, to go through the Q3 numbers?',
    'The contract was amended beginning September 1, 2001, based on July 23, 2001 curves.',
    'Please send your comments by close of business Friday, and call me at (713) 853-0596 with questions.',
    'Ricardo Charvel 03/12/2001 01:00 PM To: Steven J Kean/NA/Enron@Enron cc: Maureen McVicker',
    'In January the committee said it would hold hearings in September, after the August recess.',
    'I will be in London next week and back on Monday, June 4; lunch on Thursday works for me.',
    'The 1996 law named for him was amended in fiscal 2002 and again in nineteen ninety-nine.',
    'The Senate voted 240-189 late last night, and the conference call is set for 10:30 am tomorrow.',
    'We expect to close in the fourth quarter, around the 15th or 16th, or early in the new year.',
  ];
  const prose = [
    'Gas traded at $3.94 per MMBtu, up 12 cents, on volume of 43,559 mmbtu from account 2527.',
    'Version 4.29 of the client fixes the bug we saw in 2.10, so please upgrade when you can.',
    'The attached memo summarises the positions of the parties and the open issues in the draft.',
    'Our view is that the regulators will not accept the proposal without further changes to the tariff.',
    'Let me know if you have any questions or if there is anything else I can do to help with this.',
    'The team has reviewed the model and agrees that the assumptions are reasonable for the base case.',
    'We should coordinate with the legal group before we respond to the request for information.',
    'I have copied Jim and Sarah, who worked on the original filing and know the background well.',
  ];
  const next = random(7);
  const email = (share: number) => {
    let text = '';
    while (text.length < 5000) {
      const pool = next() < share ? timed : prose;
      text += `${pool[Math.floor(next() * pool.length)]}${next() < 0.3 ? '\n\n' : ' '}`;
    }
    return text.slice(0, 5000);
  };
  const refs = Array.from(
    { length: 40 },
    (_, i) =>
      DateTime.fromISO('2001-03-05T09:00:00-06:00')
        .plus({ days: i * 9 })
        .toISO()!,
  );
  const WARM_UP_PARSES = 3000;
  console.log(
    `parseTimeExpressions: ${WARM_UP_PARSES} warm-up parses, then 1,000 measured, over 40 emails and 40 reference days.`,
  );
  for (const [label, share] of [
    ['parseTimeExpressions, 5 KB typical', 0.2],
    ['parseTimeExpressions, 5 KB dense', 1],
  ] as const) {
    const emails = Array.from({ length: 40 }, () => email(share));
    const parse = (i: number) =>
      parseTimeExpressions(emails[i % emails.length]!, { ref: refs[i % refs.length]! }).length;
    // Steady state, as in a running server that reads every incoming mail: the engine's rules and chrono's
    // parsers reach their optimised code only after a few thousand parses; the first ones measure the JIT.
    for (let i = 0; i < WARM_UP_PARSES; i++) parse(i);
    const runs = 1000;
    const times: number[] = [];
    const cpu: number[] = [];
    let found = 0;
    const from = performance.now();
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      found += parse(i);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(34)}${pct(times, 50).toFixed(2).padStart(9)}${pct(times, 90).toFixed(2).padStart(9)}${pct(times, 99).toFixed(2).padStart(9)}${times[times.length - 1]!.toFixed(2).padStart(9)}${pct(cpu, 99).toFixed(2).padStart(12)}${(found / runs).toFixed(1).padStart(11)}  p99 < 5 ms (column: expressions)`,
    );
    console.log(`${''.padEnd(34)}GC during the measured parses: ${await gcSummary(from, performance.now())}`);
  }
}
gcObserver.disconnect();
