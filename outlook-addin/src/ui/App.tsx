import {
  Button,
  Caption1,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Tab,
  TabList,
  Title3,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeft20Regular, Settings20Regular } from '@fluentui/react-icons';
import type { Me, Settings } from '@steward/shared';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.ts';
import type { BackendAuth } from '../auth/auth.ts';
import type { MailboxPort } from '../mailbox/port.ts';
import { PaneContext, type PaneServices } from './context.ts';
import { describeError, isOffline } from './errors.ts';
import { CurrentMessage } from './MessageView.tsx';
import { ErrorState, LoadingCard, OfflineBanner, useOnline } from './states.tsx';
import { themeFor } from './theme.ts';

// Settings and notes are opened by few users, rarely: they load on demand to keep the first paint small.
const SettingsPanel = lazy(() => import('./panels/SettingsPanel.tsx'));
const NotesPanel = lazy(() => import('./panels/NotesPanel.tsx'));
const Dashboard = lazy(() => import('./panels/Dashboard.tsx'));
const TodayPanel = lazy(() => import('./panels/TodayPanel.tsx'));

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  title: { flexGrow: 1 },
  main: {
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    flexGrow: 1,
  },
  footer: {
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    color: tokens.colorNeutralForeground3,
  },
  live: { position: 'sticky', bottom: 0 },
});

export interface AppProps {
  api: ApiClient;
  auth: BackendAuth;
  mailbox: MailboxPort;
}

type Connection =
  | { status: 'connecting' }
  | { status: 'error'; message: string; offline: boolean }
  | { status: 'ready'; me: Me; settings: Settings };

type View = 'today' | 'message' | 'notes' | 'dashboard' | 'settings';

export function App({ api, auth, mailbox }: AppProps) {
  const styles = useStyles();
  const online = useOnline();
  const [connection, setConnection] = useState<Connection>({ status: 'connecting' });
  const [view, setView] = useState<View>('message');
  const chosen = useRef(false);
  const [todayOpened, setTodayOpened] = useState(false);
  useEffect(() => {
    if (view === 'today') setTodayOpened(true);
  }, [view]);
  const choose = useCallback((next: View) => {
    chosen.current = true;
    setView(next);
  }, []);
  // The pane opened with no message selected: Today (Ask Steward and the briefing) is its home view.
  const nothingOpen = useCallback(() => {
    if (!chosen.current) setView('today');
  }, []);
  const [notice, setNotice] = useState<{ text: string; intent: 'success' | 'error' | 'info' } | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const theme = useMemo(
    () =>
      themeFor(mailbox.theme(), typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches),
    [mailbox],
  );

  const connect = useCallback(async () => {
    setConnection({ status: 'connecting' });
    try {
      const me = await auth.connect(api);
      const settings = await api.getSettings();
      setConnection({ status: 'ready', me, settings });
    } catch (cause) {
      setConnection({ status: 'error', message: describeError(cause), offline: isOffline(cause) });
    }
  }, [api, auth]);

  useEffect(() => {
    void connect();
  }, [connect]);

  // Coming back online after a failed start retries by itself.
  useEffect(() => {
    if (online && connection.status === 'error' && connection.offline) void connect();
  }, [online, connection, connect]);

  const announce = useCallback((text: string, intent: 'success' | 'error' | 'info' = 'info') => {
    clearTimeout(noticeTimer.current);
    setNotice({ text, intent });
    noticeTimer.current = setTimeout(() => setNotice(null), 6000);
  }, []);

  const services: PaneServices | null = useMemo(
    () =>
      connection.status === 'ready'
        ? {
            api,
            mailbox,
            me: connection.me,
            settings: connection.settings,
            setSettings: (settings) => setConnection({ ...connection, settings }),
            announce,
          }
        : null,
    [api, mailbox, connection, announce],
  );

  return (
    <FluentProvider theme={theme}>
      {/* Layout lives on an inner div: Fluent copies the provider's classes onto its portals (menus, tooltips). */}
      <div className={styles.root}>
        <header className={styles.header}>
          {view === 'settings' ? (
            <Tooltip content="Back" relationship="label">
              <Button appearance="subtle" icon={<ArrowLeft20Regular />} onClick={() => choose('message')} />
            </Tooltip>
          ) : null}
          <Title3 as="p" className={styles.title}>
            {view === 'settings' ? 'Settings' : 'Steward'}
          </Title3>
          {view !== 'settings' ? (
            <Tooltip content="Settings" relationship="label">
              <Button
                appearance="subtle"
                icon={<Settings20Regular />}
                onClick={() => choose('settings')}
                disabled={!services}
                data-testid="open-settings"
              />
            </Tooltip>
          ) : null}
        </header>
        {view !== 'settings' && services ? (
          <TabList
            selectedValue={view}
            onTabSelect={(_e, data) => choose(data.value as View)}
            size="small"
            aria-label="Steward views"
          >
            <Tab value="today" data-testid="tab-today">
              Today
            </Tab>
            <Tab value="message" data-testid="tab-message">
              Message
            </Tab>
            <Tab value="notes" data-testid="tab-notes">
              Notes
            </Tab>
            <Tab value="dashboard" data-testid="tab-dashboard">
              Inbox
            </Tab>
          </TabList>
        ) : null}
        <main className={styles.main}>
          {!online ? <OfflineBanner /> : null}
          {connection.status === 'connecting' ? <LoadingCard label="Connecting to Steward…" /> : null}
          {connection.status === 'error' ? (
            <ErrorState
              title={connection.offline ? 'Steward is out of reach' : 'Steward could not start'}
              message={connection.message}
              onRetry={() => void connect()}
            />
          ) : null}
          {services ? (
            <PaneContext.Provider value={services}>
              {/* The message view stays mounted under the other views so a draft in progress survives. */}
              <div hidden={view !== 'message'}>
                <CurrentMessage onNothingOpen={nothingOpen} />
              </div>
              {/* Today stays mounted once opened, so a question and its answer survive a look at the message. */}
              {todayOpened || view === 'today' ? (
                <div hidden={view !== 'today'}>
                  <Suspense fallback={<Spinner size="small" label="Loading…" />}>
                    <TodayPanel />
                  </Suspense>
                </div>
              ) : null}
              {view !== 'message' && view !== 'today' ? (
                <Suspense fallback={<Spinner size="small" label="Loading…" />}>
                  {view === 'settings' ? <SettingsPanel /> : view === 'dashboard' ? <Dashboard /> : <NotesPanel />}
                </Suspense>
              ) : null}
            </PaneContext.Provider>
          ) : null}
        </main>
        <div className={styles.live} aria-live="polite" role="status" data-testid="notice">
          {notice ? (
            <MessageBar intent={notice.intent}>
              <MessageBarBody>{notice.text}</MessageBarBody>
            </MessageBar>
          ) : null}
        </div>
        {connection.status === 'ready' ? (
          <footer className={styles.footer}>
            <Caption1>
              {connection.me.localMode ? 'Local mode · ' : ''}
              {connection.me.email ?? connection.me.displayName ?? 'Signed in'}
              {auth.method !== 'none' && auth.method !== 'unknown' ? ` · ${auth.method}` : ''}
            </Caption1>
          </footer>
        ) : null}
      </div>
    </FluentProvider>
  );
}
