/**
 * Settings for reach: the user's Slack and Teams alert channels (add, edit rules, quiet hours and hourly
 * limit, send a test alert, remove) and, for a tenant administrator, the organisation's CRM connection
 * (HubSpot or Salesforce, by OAuth or a pasted read-only token). Everything goes through the /v1 routes;
 * secrets are sent once and never shown again.
 */
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  Link,
  makeStyles,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  Switch,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import type { AlertChannel, AlertChannelInput, AlertRules, CrmConnection } from '@steward/shared';
import { DOMAIN_NAME, describeRules, EMAIL_ADDRESS, parseDomains, parseList } from '@steward/shared/alert-rules';
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { usePane } from '../context.ts';
import { describeError } from '../errors.ts';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '8px' },
  channel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px dashed ${tokens.colorNeutralStroke1}`,
  },
  row: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: tokens.spacingHorizontalS },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  text: { overflowWrap: 'anywhere' },
});

/** What is wrong with a channel form's rules, quiet hours or limit, or undefined. */
export function rulesProblem(form: ChannelForm): string | undefined {
  const senders = parseList(form.senders);
  const domains = parseDomains(form.domains);
  if (senders.some((s) => !EMAIL_ADDRESS.test(s))) return 'Senders are email addresses, such as dana@acme.example.';
  if (domains.some((d) => !DOMAIN_NAME.test(d))) return 'Domains look like acme.example.';
  if (!form.toRespondHighPriority && !form.meetingRequests && senders.length === 0 && domains.length === 0)
    return 'Choose at least one kind of mail to be alerted about.';
  if (form.quiet && (!form.quietStart || !form.quietEnd || form.quietStart === form.quietEnd))
    return 'Quiet hours need a start and a different end.';
  const max = Number(form.maxPerHour);
  if (!Number.isInteger(max) || max < 1 || max > 60) return 'At most 1 to 60 alerts an hour.';
  return undefined;
}

export interface ChannelForm {
  kind: 'slack' | 'teams';
  name: string;
  /** Slack: an incoming webhook or a bot token and channel. */
  via: 'webhook' | 'bot';
  url: string;
  botToken: string;
  channel: string;
  toRespondHighPriority: boolean;
  meetingRequests: boolean;
  senders: string;
  domains: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  maxPerHour: string;
}

const BLANK: ChannelForm = {
  kind: 'slack',
  name: '',
  via: 'webhook',
  url: '',
  botToken: '',
  channel: '',
  toRespondHighPriority: true,
  meetingRequests: false,
  senders: '',
  domains: '',
  quiet: false,
  quietStart: '22:00',
  quietEnd: '07:00',
  maxPerHour: '10',
};

function formOf(channel: AlertChannel): ChannelForm {
  return {
    ...BLANK,
    kind: channel.kind,
    name: channel.name,
    toRespondHighPriority: channel.rules.toRespondHighPriority,
    meetingRequests: channel.rules.meetingRequests,
    senders: channel.rules.senders.join('\n'),
    domains: channel.rules.domains.join('\n'),
    quiet: channel.quietHours !== null,
    quietStart: channel.quietHours?.start ?? BLANK.quietStart,
    quietEnd: channel.quietHours?.end ?? BLANK.quietEnd,
    maxPerHour: String(channel.maxPerHour),
  };
}

function rulesOf(form: ChannelForm): {
  rules: AlertRules;
  quietHours: { start: string; end: string } | null;
  maxPerHour: number;
} {
  return {
    rules: {
      toRespondHighPriority: form.toRespondHighPriority,
      meetingRequests: form.meetingRequests,
      senders: parseList(form.senders),
      domains: parseDomains(form.domains),
    },
    quietHours: form.quiet ? { start: form.quietStart, end: form.quietEnd } : null,
    maxPerHour: Number(form.maxPerHour),
  };
}

/** The request that adds a channel from a filled-in form. */
export function channelInput(form: ChannelForm): AlertChannelInput {
  const where =
    form.kind === 'slack' && form.via === 'bot'
      ? { botToken: form.botToken.trim(), channel: form.channel.trim() }
      : { url: form.url.trim() };
  return { kind: form.kind, name: form.name.trim(), ...where, ...rulesOf(form) };
}

function ChannelEditor(props: {
  initial: ChannelForm;
  /** Editing an existing channel: where it posts is fixed. */
  editing: boolean;
  busy: boolean;
  onSave(form: ChannelForm): void;
  onCancel(): void;
}) {
  const styles = useStyles();
  const [form, setForm] = useState(props.initial);
  const set = (change: Partial<ChannelForm>) => setForm((f) => ({ ...f, ...change }));
  const id = useId();
  const problem = rulesProblem(form);
  const missingTarget =
    !props.editing &&
    (form.kind === 'slack' && form.via === 'bot' ? !form.botToken.trim() || !form.channel.trim() : !form.url.trim());
  const blocked = Boolean(problem) || !form.name.trim() || missingTarget;
  return (
    <form
      className={styles.form}
      aria-label={props.editing ? `Edit ${props.initial.name}` : 'New alert channel'}
      data-testid="channel-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!blocked) props.onSave(form);
      }}
    >
      {props.editing ? null : (
        <Field label="Where">
          <RadioGroup
            layout="horizontal"
            value={form.kind}
            onChange={(_e, d) => set({ kind: d.value as 'slack' | 'teams', via: 'webhook' })}
          >
            <Radio value="slack" label="Slack" data-testid="kind-slack" />
            <Radio value="teams" label="Teams" data-testid="kind-teams" />
          </RadioGroup>
        </Field>
      )}
      <Field label="Name" required>
        <Input
          value={form.name}
          maxLength={80}
          onChange={(_e, d) => set({ name: d.value })}
          data-testid="channel-name"
        />
      </Field>
      {props.editing ? null : form.kind === 'slack' ? (
        <>
          <RadioGroup
            layout="horizontal"
            aria-label="How Steward posts to Slack"
            value={form.via}
            onChange={(_e, d) => set({ via: d.value as 'webhook' | 'bot' })}
          >
            <Radio value="webhook" label="Incoming webhook" data-testid="via-webhook" />
            <Radio value="bot" label="Bot token" data-testid="via-bot" />
          </RadioGroup>
          {form.via === 'webhook' ? (
            <Field label="Webhook URL" hint="https://hooks.slack.com/services/…; kept sealed, never shown again.">
              <Input
                type="url"
                value={form.url}
                onChange={(_e, d) => set({ url: d.value })}
                data-testid="channel-url"
              />
            </Field>
          ) : (
            <>
              <Field label="Bot token" hint="xoxb-…, with chat:write; kept sealed, never shown again.">
                <Input
                  type="password"
                  value={form.botToken}
                  onChange={(_e, d) => set({ botToken: d.value })}
                  data-testid="channel-token"
                />
              </Field>
              <Field label="Channel or user id" hint="C0123456789 for a channel, U0123456789 for a direct message.">
                <Input
                  value={form.channel}
                  maxLength={80}
                  onChange={(_e, d) => set({ channel: d.value })}
                  data-testid="channel-id"
                />
              </Field>
            </>
          )}
        </>
      ) : (
        <Field
          label="Webhook or Workflows URL"
          hint="From the channel's Workflows (…logic.azure.com or …api.powerplatform.com) or an incoming webhook (…webhook.office.com)."
        >
          <Input type="url" value={form.url} onChange={(_e, d) => set({ url: d.value })} data-testid="channel-url" />
        </Field>
      )}
      <Subtitle2 as="h3">Alert me about</Subtitle2>
      <Switch
        label="Mail that needs my reply, high priority"
        checked={form.toRespondHighPriority}
        onChange={(_e, d) => set({ toRespondHighPriority: d.checked })}
        data-testid="rule-to-respond"
      />
      <Switch
        label="Meeting requests"
        checked={form.meetingRequests}
        onChange={(_e, d) => set({ meetingRequests: d.checked })}
        data-testid="rule-meetings"
      />
      <Field label="Mail from these senders" hint="One address a line.">
        <Textarea
          value={form.senders}
          rows={2}
          onChange={(_e, d) => set({ senders: d.value })}
          data-testid="rule-senders"
        />
      </Field>
      <Field label="Mail from these domains" hint="One a line; subdomains included.">
        <Textarea
          value={form.domains}
          rows={2}
          onChange={(_e, d) => set({ domains: d.value })}
          data-testid="rule-domains"
        />
      </Field>
      <Switch
        label="Quiet hours (held alerts arrive as one digest afterwards)"
        checked={form.quiet}
        onChange={(_e, d) => set({ quiet: d.checked })}
        data-testid="quiet-switch"
      />
      {form.quiet ? (
        <div className={styles.row}>
          <Field label="From">
            <Input
              type="time"
              value={form.quietStart}
              onChange={(_e, d) => set({ quietStart: d.value })}
              data-testid="quiet-start"
            />
          </Field>
          <Field label="Until">
            <Input
              type="time"
              value={form.quietEnd}
              onChange={(_e, d) => set({ quietEnd: d.value })}
              data-testid="quiet-end"
            />
          </Field>
        </div>
      ) : null}
      <Field label="At most this many alerts an hour" hint="The rest wait for a digest.">
        <Input
          type="number"
          min={1}
          max={60}
          value={form.maxPerHour}
          onChange={(_e, d) => set({ maxPerHour: d.value })}
          data-testid="max-per-hour"
        />
      </Field>
      {problem ? (
        <Caption1 role="alert" id={`${id}-problem`}>
          {problem}
        </Caption1>
      ) : null}
      <div className={styles.actions}>
        <Button
          appearance="primary"
          type="submit"
          disabled={blocked || props.busy}
          aria-describedby={problem ? `${id}-problem` : undefined}
          data-testid="save-channel"
        >
          {props.editing ? 'Save changes' : 'Add channel'}
        </Button>
        <Button onClick={props.onCancel} disabled={props.busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Slack and Teams alert channels: add, edit, test, remove. */
export function AlertChannelsSection() {
  const styles = useStyles();
  const { api, announce } = usePane();
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; channels: AlertChannel[] }
  >({ status: 'loading' });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', channels: (await api.alertChannels()).channels });
    } catch (cause) {
      setState({ status: 'error', message: describeError(cause) });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (cause) {
      announce(describeError(cause), 'error');
    } finally {
      setBusy(false);
    }
  };
  const channels = state.status === 'ready' ? state.channels : [];
  const replace = (next: AlertChannel[]) => setState({ status: 'ready', channels: next });

  const add = (form: ChannelForm) =>
    run(async () => {
      const created = await api.createAlertChannel(channelInput(form));
      replace([...channels, created]);
      setEditing(null);
      announce(`Alert channel ${created.name} added`, 'success');
    });
  const save = (channel: AlertChannel, form: ChannelForm) =>
    run(async () => {
      const updated = await api.updateAlertChannel(channel.id, { name: form.name.trim(), ...rulesOf(form) });
      replace(channels.map((c) => (c.id === updated.id ? updated : c)));
      setEditing(null);
      announce(`${updated.name} saved`, 'success');
    });
  const remove = (channel: AlertChannel) =>
    run(async () => {
      await api.deleteAlertChannel(channel.id);
      replace(channels.filter((c) => c.id !== channel.id));
      setConfirming(null);
      announce(`${channel.name} removed`, 'success');
    });
  const test = (channel: AlertChannel) =>
    run(async () => {
      const result = await api.testAlert(channel.id);
      announce(
        result.delivered
          ? `Test alert sent to ${channel.name}.`
          : `The test alert was not delivered (${result.status || 'no answer'}${result.detail ? `: ${result.detail}` : ''}).`,
        result.delivered ? 'success' : 'error',
      );
      replace(
        channels.map((c) =>
          c.id === channel.id
            ? { ...c, lastError: result.delivered ? null : `${result.status || 'no answer'}: ${result.detail ?? ''}` }
            : c,
        ),
      );
    });

  return (
    <section className={styles.section} aria-labelledby="alerts-settings-heading" data-testid="alerts-section">
      <Subtitle2 as="h2" id="alerts-settings-heading">
        Alerts in Slack and Teams
      </Subtitle2>
      <Caption1>
        A short notice (sender, subject, Steward's one-line summary and a link) for the mail you choose. Never the
        message itself.
      </Caption1>
      {state.status === 'loading' ? <Spinner size="tiny" label="Loading channels…" labelPosition="after" /> : null}
      {state.status === 'error' ? (
        <Caption1 role="alert">
          Cannot load alert channels: {state.message}{' '}
          <Link as="button" onClick={() => void load()}>
            Try again
          </Link>
        </Caption1>
      ) : null}
      {state.status === 'ready' && channels.length === 0 && editing !== 'new' ? <Body1>No channels yet.</Body1> : null}
      <ul className={styles.list}>
        {channels.map((channel) => (
          <li key={channel.id} className={styles.channel} data-testid="alert-channel">
            {editing === channel.id ? (
              <ChannelEditor
                initial={formOf(channel)}
                editing
                busy={busy}
                onSave={(form) => void save(channel, form)}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <Body1>
                  <strong>{channel.name}</strong> · {channel.kind === 'slack' ? 'Slack' : 'Teams'}
                </Body1>
                <Caption1 className={styles.text}>{channel.target}</Caption1>
                <Caption1 className={styles.text} data-testid="channel-rules">
                  {describeRules(channel)}
                </Caption1>
                {channel.lastError ? (
                  <Caption1 className={styles.text}>Last error: {channel.lastError}</Caption1>
                ) : null}
                <div className={styles.actions}>
                  <Button size="small" disabled={busy} onClick={() => void test(channel)} data-testid="test-alert">
                    Send a test alert
                  </Button>
                  <Button
                    size="small"
                    disabled={busy}
                    onClick={() => setEditing(channel.id)}
                    aria-label={`Edit ${channel.name}`}
                    data-testid="edit-channel"
                  >
                    Edit
                  </Button>
                  {confirming === channel.id ? (
                    <>
                      <Button
                        size="small"
                        appearance="primary"
                        disabled={busy}
                        onClick={() => void remove(channel)}
                        data-testid="confirm-remove"
                      >
                        Remove {channel.name}
                      </Button>
                      <Button size="small" onClick={() => setConfirming(null)}>
                        Keep
                      </Button>
                    </>
                  ) : (
                    <Button
                      size="small"
                      disabled={busy}
                      onClick={() => setConfirming(channel.id)}
                      aria-label={`Remove ${channel.name}`}
                      data-testid="remove-channel"
                    >
                      Remove
                    </Button>
                  )}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <ChannelEditor
          initial={BLANK}
          editing={false}
          busy={busy}
          onSave={(form) => void add(form)}
          onCancel={() => setEditing(null)}
        />
      ) : state.status === 'ready' ? (
        <div className={styles.actions}>
          <Button onClick={() => setEditing('new')} data-testid="add-channel">
            Add a Slack or Teams channel
          </Button>
        </div>
      ) : null}
    </section>
  );
}

const CRM_NAMES = { hubspot: 'HubSpot', salesforce: 'Salesforce' } as const;

/**
 * The organisation's CRM connection, for administrators only: a user the server does not count as an
 * administrator (403) sees nothing. OAuth when the server has the CRM's app configured, else a pasted
 * read-only token.
 */
export function CrmSection() {
  const styles = useStyles();
  const { api, announce } = usePane();
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'hidden' }
    | { status: 'error'; message: string }
    | { status: 'ready'; crm: CrmConnection }
  >({ status: 'loading' });
  const [busy, setBusy] = useState(false);
  const [consent, setConsent] = useState<{ provider: 'hubspot' | 'salesforce'; url: string } | null>(null);
  const [provider, setProvider] = useState<'hubspot' | 'salesforce'>('hubspot');
  const [token, setToken] = useState('');
  const [instanceUrl, setInstanceUrl] = useState('');
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', crm: await api.crmStatus() });
    } catch (cause) {
      if (cause instanceof ApiError && (cause.status === 403 || cause.status === 404)) setState({ status: 'hidden' });
      else setState({ status: 'error', message: describeError(cause) });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  if (state.status === 'hidden' || state.status === 'loading') return null;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (cause) {
      announce(describeError(cause), 'error');
    } finally {
      setBusy(false);
    }
  };
  const startOAuth = (which: 'hubspot' | 'salesforce') =>
    run(async () => {
      const { url } = await api.startCrmOAuth(which);
      if (!/^https:\/\//.test(url)) throw new Error('The server gave no https consent page.');
      setConsent({ provider: which, url });
    });
  const connectToken = () =>
    run(async () => {
      const crm = await api.connectCrmToken({
        provider,
        token: token.trim(),
        ...(provider === 'salesforce' ? { instanceUrl: instanceUrl.trim() } : {}),
      });
      setToken('');
      setState({ status: 'ready', crm });
      announce(`${CRM_NAMES[provider]} connected`, 'success');
    });
  const disconnect = () =>
    run(async () => {
      await api.disconnectCrm();
      setConfirming(false);
      setConsent(null);
      await load();
      announce('CRM disconnected', 'success');
    });

  return (
    <section className={styles.section} aria-labelledby="crm-heading" data-testid="crm-section">
      <Subtitle2 as="h2" id="crm-heading">
        CRM context (organisation)
      </Subtitle2>
      {state.status === 'error' ? (
        <Caption1 role="alert">Cannot load the CRM connection: {state.message}</Caption1>
      ) : null}
      {state.status === 'ready' && state.crm.connected && state.crm.provider ? (
        <>
          <Body1 data-testid="crm-connected">
            Connected to {CRM_NAMES[state.crm.provider]}
            {state.crm.instanceUrl ? ` (${state.crm.instanceUrl})` : ''}
            {state.crm.auth === 'oauth' ? ' with OAuth' : ' with a token'}
            {state.crm.connectedAt ? ` since ${new Date(state.crm.connectedAt).toLocaleDateString()}` : ''}.
          </Body1>
          <Caption1>
            Steward looks up senders there (read-only) for triage priority and draft facts; answers are kept{' '}
            {state.crm.ttlMinutes} minutes.
          </Caption1>
          <div className={styles.actions}>
            {confirming ? (
              <>
                <Button
                  appearance="primary"
                  disabled={busy}
                  onClick={() => void disconnect()}
                  data-testid="crm-confirm-disconnect"
                >
                  Disconnect {CRM_NAMES[state.crm.provider]}
                </Button>
                <Button onClick={() => setConfirming(false)}>Keep</Button>
              </>
            ) : (
              <Button disabled={busy} onClick={() => setConfirming(true)} data-testid="crm-disconnect">
                Disconnect
              </Button>
            )}
          </div>
        </>
      ) : null}
      {state.status === 'ready' && !state.crm.connected ? (
        <>
          <Caption1>
            Off. Connect HubSpot or Salesforce and Steward will look up senders' contacts, companies, owners and open
            deals (read-only) for everyone in your organisation.
          </Caption1>
          {(state.crm.oauthAvailable ?? []).length > 0 ? (
            <div className={styles.actions}>
              {(state.crm.oauthAvailable ?? []).map((which) => (
                <Button
                  key={which}
                  appearance="primary"
                  disabled={busy}
                  onClick={() => void startOAuth(which)}
                  data-testid={`crm-oauth-${which}`}
                >
                  Connect {CRM_NAMES[which]}
                </Button>
              ))}
            </div>
          ) : null}
          {consent ? (
            <Body1 data-testid="crm-consent">
              <Link href={consent.url} target="_blank" rel="noopener noreferrer" data-testid="crm-consent-link">
                Open {CRM_NAMES[consent.provider]} to give consent
              </Link>
              , then{' '}
              <Link as="button" onClick={() => void load()} data-testid="crm-check">
                check the connection
              </Link>
              .
            </Body1>
          ) : null}
          <form
            className={styles.form}
            aria-label="Connect with a token"
            onSubmit={(event) => {
              event.preventDefault();
              void connectToken();
            }}
          >
            <Field label="Or connect with a token">
              <RadioGroup
                layout="horizontal"
                value={provider}
                onChange={(_e, d) => setProvider(d.value as 'hubspot' | 'salesforce')}
              >
                <Radio value="hubspot" label="HubSpot" />
                <Radio value="salesforce" label="Salesforce" data-testid="crm-provider-salesforce" />
              </RadioGroup>
            </Field>
            <Field
              label={provider === 'hubspot' ? 'Private app token' : 'OAuth access token'}
              hint={
                provider === 'hubspot'
                  ? 'Grant read scopes only: contacts, deals and owners.'
                  : 'Of an integration user that can only read contacts, accounts, opportunities and users.'
              }
            >
              <Input type="password" value={token} onChange={(_e, d) => setToken(d.value)} data-testid="crm-token" />
            </Field>
            {provider === 'salesforce' ? (
              <Field label="Instance URL" hint="https://yourcompany.my.salesforce.com">
                <Input
                  type="url"
                  value={instanceUrl}
                  onChange={(_e, d) => setInstanceUrl(d.value)}
                  data-testid="crm-instance"
                />
              </Field>
            ) : null}
            <div className={styles.actions}>
              <Button
                type="submit"
                disabled={busy || token.trim().length < 10 || (provider === 'salesforce' && !instanceUrl.trim())}
                data-testid="crm-connect-token"
              >
                Connect {CRM_NAMES[provider]}
              </Button>
            </div>
          </form>
        </>
      ) : null}
    </section>
  );
}
