import {
  Body1,
  Button,
  Caption1,
  Link,
  makeStyles,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { AlertChannel, InboxStats, Sender, UnsubscribeResult } from '@steward/shared';
import { CATEGORY_IDS, CATEGORY_LABELS, type CategoryId } from '@steward/shared/categories';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';

/** One colour per category, distinguishable and with at least 3:1 contrast on white. */
export const CHART_COLOURS: Record<CategoryId, string> = {
  to_respond: '#c50f1f',
  awaiting_reply: '#8a6100',
  meeting_update: '#5c2e91',
  comment: '#0f6cbd',
  fyi: '#038387',
  notification: '#107c10',
  actioned: '#616161',
  marketing: '#b4009e',
};

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  headRow: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS },
  tiles: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalS },
  tile: {
    display: 'flex',
    flexDirection: 'column',
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  value: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  swatch: { display: 'inline-block', width: '10px', height: '10px', marginInlineEnd: '4px', borderRadius: '2px' },
  figure: { margin: 0 },
  chart: { width: '100%', height: 'auto', overflow: 'visible' },
  bar: { outline: 'none', ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` } },
  focusRing: { fill: 'none', stroke: tokens.colorStrokeFocus2, strokeWidth: 2 },
  sender: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    justifyContent: 'space-between',
    borderTop: `1px solid ${tokens.colorNeutralStroke3}`,
    paddingTop: tokens.spacingVerticalXS,
  },
  senderText: { display: 'flex', flexDirection: 'column', minWidth: 0, overflowWrap: 'anywhere' },
  tableWrap: { overflowX: 'auto' },
});

export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60);
    const m = Math.round(minutes % 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.round(minutes / 1440)} days`;
}

const dayLabel = (day: string) =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

function describeDay(day: InboxStats['perDay'][number]): string {
  const parts = CATEGORY_IDS.filter((c) => (day.counts[c] ?? 0) > 0).map(
    (c) => `${day.counts[c]} ${CATEGORY_LABELS[c]}`,
  );
  const total = CATEGORY_IDS.reduce((sum, c) => sum + (day.counts[c] ?? 0), 0);
  return `${dayLabel(day.day)}: ${total} message${total === 1 ? '' : 's'}${parts.length ? `, ${parts.join(', ')}` : ''}`;
}

/** Stacked bars, one per day; a roving tab stop lets the arrow keys walk the days, each read out in full. */
function MailChart({ stats }: { stats: InboxStats }) {
  const styles = useStyles();
  const [active, setActive] = useState(stats.perDay.length - 1);
  const refs = useRef<Array<SVGGElement | null>>([]);
  const width = 320;
  const height = 140;
  const days = stats.perDay;
  const max = Math.max(1, ...days.map((d) => CATEGORY_IDS.reduce((sum, c) => sum + (d.counts[c] ?? 0), 0)));
  const slot = width / Math.max(1, days.length);
  const barWidth = Math.max(4, slot * 0.7);
  const used = CATEGORY_IDS.filter((c) => (stats.totals[c] ?? 0) > 0);

  const move = (event: KeyboardEvent<SVGGElement>, index: number) => {
    let next = index;
    if (event.key === 'ArrowRight') next = Math.min(days.length - 1, index + 1);
    else if (event.key === 'ArrowLeft') next = Math.max(0, index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = days.length - 1;
    else return;
    event.preventDefault();
    setActive(next);
    refs.current[next]?.focus();
  };

  return (
    <>
      <figure
        className={styles.figure}
        aria-label={`Mail per category per day, ${dayLabel(stats.from)} to ${dayLabel(stats.to)}. Use the arrow keys to read each day.`}
        data-testid="mail-chart"
      >
        <svg viewBox={`0 0 ${width} ${height + 18}`} className={styles.chart}>
          <title>Mail per category per day</title>
          <line x1={0} y1={height} x2={width} y2={height} stroke="#8a8886" strokeWidth={1} />
          {days.map((day, i) => {
            let y = height;
            const x = i * slot + (slot - barWidth) / 2;
            return (
              // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: a chart's data point is a focusable image with a full text label (the roving tab stop of the chart).
              <g
                key={day.day}
                ref={(el) => {
                  refs.current[i] = el;
                }}
                role="img"
                tabIndex={i === active ? 0 : -1}
                aria-label={describeDay(day)}
                className={styles.bar}
                onKeyDown={(e) => move(e, i)}
                onFocus={() => setActive(i)}
                data-testid="chart-day"
              >
                <title>{describeDay(day)}</title>
                <rect x={i * slot} y={0} width={slot} height={height} fill="transparent" />
                {CATEGORY_IDS.map((c) => {
                  const n = day.counts[c] ?? 0;
                  if (!n) return null;
                  const h = (n / max) * (height - 4);
                  y -= h;
                  return <rect key={c} x={x} y={y} width={barWidth} height={h} fill={CHART_COLOURS[c]} />;
                })}
                {i === active ? (
                  <rect x={i * slot + 1} y={1} width={slot - 2} height={height - 2} className={styles.focusRing} />
                ) : null}
                {i === 0 || i === days.length - 1 ? (
                  <text
                    x={i * slot + slot / 2}
                    y={height + 14}
                    fontSize={10}
                    textAnchor={i === 0 ? 'start' : 'end'}
                    fill="currentColor"
                  >
                    {dayLabel(day.day)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </figure>
      <ul className={styles.legend} aria-label="Categories">
        {used.map((c) => (
          <li key={c}>
            <Caption1>
              <span className={styles.swatch} style={{ backgroundColor: CHART_COLOURS[c] }} aria-hidden="true" />
              {`${CATEGORY_LABELS[c]} (${stats.totals[c]})`}
            </Caption1>
          </li>
        ))}
      </ul>
    </>
  );
}

function MailTable({ stats }: { stats: InboxStats }) {
  const styles = useStyles();
  const used = CATEGORY_IDS.filter((c) => (stats.totals[c] ?? 0) > 0);
  return (
    <div className={styles.tableWrap}>
      <Table size="extra-small" aria-label="Mail per category per day" data-testid="mail-table">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Day</TableHeaderCell>
            {used.map((c) => (
              <TableHeaderCell key={c}>{CATEGORY_LABELS[c]}</TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {stats.perDay.map((d) => (
            <TableRow key={d.day}>
              <TableCell>{dayLabel(d.day)}</TableCell>
              {used.map((c) => (
                <TableCell key={c}>{d.counts[c] ?? 0}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function Ageing({ stats }: { stats: InboxStats }) {
  const max = Math.max(1, ...stats.awaitingReply.map((b) => b.threads));
  return (
    <svg
      viewBox="0 0 320 110"
      width="100%"
      role="img"
      aria-label={`Threads awaiting a reply by age: ${stats.awaitingReply.map((b) => `${b.bucket} ${b.threads}`).join(', ')}`}
      data-testid="ageing-chart"
    >
      {stats.awaitingReply.map((b, i) => (
        <g key={b.bucket}>
          <text x={0} y={i * 22 + 14} fontSize={11} fill="currentColor">
            {b.bucket}
          </text>
          <rect
            x={48}
            y={i * 22 + 4}
            width={Math.max(b.threads ? 2 : 0, (b.threads / max) * 230)}
            height={14}
            fill="#8a6100"
          />
          <text x={54 + (b.threads / max) * 230} y={i * 22 + 15} fontSize={11} fill="currentColor">
            {b.threads}
          </text>
        </g>
      ))}
    </svg>
  );
}

function SenderRow({ sender }: { sender: Sender }) {
  const styles = useStyles();
  const { api, announce } = usePane();
  const [state, setState] = useState<{ busy: boolean; result?: UnsubscribeResult; error?: string }>({ busy: false });
  const done =
    Boolean(sender.unsubscribedAt) ||
    state.result?.status === 'unsubscribed' ||
    state.result?.status === 'draft_created';
  const click = async () => {
    setState({ busy: true });
    try {
      const result = await api.unsubscribe(sender.id);
      setState({ busy: false, result });
      if (result.status === 'unsubscribed') announce(`Unsubscribed from ${sender.address}`, 'success');
      else if (result.status === 'draft_created')
        announce('An unsubscribe draft is waiting in your Drafts: send it to finish.', 'info');
      else if (result.status === 'failed')
        announce(`Could not unsubscribe: ${result.detail ?? 'the sender did not accept it'}`, 'error');
    } catch (cause) {
      setState({ busy: false, error: describeError(cause) });
    }
  };
  return (
    <li className={styles.sender} data-testid="sender">
      <div className={styles.senderText}>
        <Body1>{sender.name ?? sender.address}</Body1>
        <Caption1>{`${sender.address} · ${sender.messages} message${sender.messages === 1 ? '' : 's'} · last ${new Date(sender.lastSeen).toLocaleDateString()}`}</Caption1>
        {state.result?.status === 'open_link' && state.result.url ? (
          <Caption1>
            <Link href={state.result.url} target="_blank" rel="noopener noreferrer" data-testid="unsubscribe-link">
              {state.result.method === 'mailto' ? 'Write the unsubscribe email' : 'Open the unsubscribe page'}
            </Link>
          </Caption1>
        ) : null}
        {state.error ? <Caption1 role="alert">{state.error}</Caption1> : null}
      </div>
      <Button
        size="small"
        disabled={done || state.busy || sender.unsubscribe === 'none'}
        onClick={() => void click()}
        aria-label={`Unsubscribe from ${sender.name ?? sender.address}`}
        data-testid="unsubscribe"
      >
        {done ? 'Unsubscribed' : state.busy ? 'Unsubscribing…' : 'Unsubscribe'}
      </Button>
    </li>
  );
}

/** Slack and Teams channels with "Send a test alert"; shown only when the user has some. */
function AlertChannels() {
  const styles = useStyles();
  const { api, announce } = usePane();
  const [channels, setChannels] = useState<AlertChannel[]>([]);
  useEffect(() => {
    let stopped = false;
    api
      .alertChannels()
      .then((list) => {
        if (!stopped) setChannels(list.channels);
      })
      .catch(() => {
        // A server without alerts, or a failure: the section stays hidden.
      });
    return () => {
      stopped = true;
    };
  }, [api]);
  if (channels.length === 0) return null;
  const test = async (channel: AlertChannel) => {
    try {
      const result = await api.testAlert(channel.id);
      announce(
        result.delivered
          ? `Test alert sent to ${channel.name}.`
          : `The test alert was not delivered (${result.status || 'no answer'}${result.detail ? `: ${result.detail}` : ''}).`,
        result.delivered ? 'success' : 'error',
      );
    } catch (cause) {
      announce(describeError(cause), 'error');
    }
  };
  return (
    <section className={styles.section} aria-labelledby="alerts-heading" data-testid="alert-channels">
      <Subtitle2 as="h2" id="alerts-heading">
        Alerts
      </Subtitle2>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {channels.map((c) => (
          <li key={c.id} className={styles.sender}>
            <div className={styles.senderText}>
              <Body1>{c.name}</Body1>
              <Caption1>{c.lastError ? `${c.target} · last error ${c.lastError}` : c.target}</Caption1>
            </div>
            <Button size="small" onClick={() => void test(c)} data-testid="test-alert">
              Send a test alert
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Dashboard() {
  const styles = useStyles();
  const { api } = usePane();
  const [stats, setStats] = useState<InboxStats | null>(null);
  const [senders, setSenders] = useState<Sender[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [asTable, setAsTable] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [s, list] = await Promise.all([api.stats(14), api.senders('marketing')]);
      setStats(s);
      setSenders(list.senders.slice(0, 10));
    } catch (cause) {
      setError(describeError(cause));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error)
    return (
      <div role="alert">
        <Body1>{error}</Body1> <Button onClick={() => void load()}>Try again</Button>
      </div>
    );
  if (!stats) return <Spinner size="small" label="Loading your inbox…" />;
  const total = Object.values(stats.totals).reduce((a, b) => a + b, 0);
  return (
    <div className={styles.root} data-testid="dashboard">
      <section className={styles.section} aria-labelledby="mail-heading">
        <div className={styles.headRow}>
          <Subtitle2 as="h2" id="mail-heading">{`Mail, last ${stats.perDay.length} days (${total})`}</Subtitle2>
          <Button
            size="small"
            appearance="subtle"
            aria-pressed={asTable}
            onClick={() => setAsTable(!asTable)}
            data-testid="toggle-table"
          >
            {asTable ? 'Show chart' : 'Show table'}
          </Button>
        </div>
        {asTable ? <MailTable stats={stats} /> : <MailChart stats={stats} />}
      </section>
      <section className={styles.tiles} aria-label="Replies, drafts and model use">
        <div className={styles.tile} data-testid="tile-replies">
          <Caption1>Replies sent</Caption1>
          <span className={styles.value}>{stats.replies.sent}</span>
        </div>
        <div className={styles.tile} data-testid="tile-median">
          <Caption1>Median time to reply</Caption1>
          <span className={styles.value}>{formatMinutes(stats.replies.medianMinutes)}</span>
        </div>
        <div className={styles.tile} data-testid="tile-drafts">
          <Caption1>Drafts used / written</Caption1>
          <span className={styles.value}>{`${stats.drafts.used} / ${stats.drafts.created}`}</span>
        </div>
        <div className={styles.tile} data-testid="tile-model">
          <Caption1>Model calls · cost</Caption1>
          <span className={styles.value}>
            {`${stats.model.calls} · ${stats.model.costUsd === null ? 'n/a' : `$${stats.model.costUsd.toFixed(2)}`}`}
          </span>
        </div>
      </section>
      <section className={styles.section} aria-labelledby="ageing-heading">
        <Subtitle2 as="h2" id="ageing-heading">
          Waiting for a reply
        </Subtitle2>
        <Ageing stats={stats} />
      </section>
      <section className={styles.section} aria-labelledby="senders-heading">
        <Subtitle2 as="h2" id="senders-heading">
          Newsletters and promotions
        </Subtitle2>
        {senders.length === 0 ? <Caption1>No bulk senders seen yet.</Caption1> : null}
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {senders.map((s) => (
            <SenderRow key={s.id} sender={s} />
          ))}
        </ul>
      </section>
      <AlertChannels />
    </div>
  );
}
