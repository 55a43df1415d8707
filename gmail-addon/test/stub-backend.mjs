// A scripted stand-in for the Steward API, run as a child process (the add-on's fetch blocks the test's
// thread, so the server must live elsewhere). Answers like the real API; /__control scripts failures and
// /__log returns what arrived since the last /__control. Prints {"port":N} once listening on an ephemeral port.
import { createServer } from 'node:http';

const log = [];
// A sliver of the Gmail REST API, for the optional label writing (--labels builds).
const gmailLabels = [{ id: 'INBOX', name: 'INBOX' }];
const threadLabels = {};
const feedback = [];
/** Triage results by message id, as the server caches them. */
const triaged = new Map();
let failures = {}; // path -> { status, body, delayMs, times }
let settings = {
  timeZone: 'Europe/Berlin',
  locale: 'en',
  workingHours: {
    mon: [{ start: '09:00', end: '17:00' }],
    tue: [{ start: '09:00', end: '17:00' }],
    wed: [{ start: '09:00', end: '17:00' }],
    thu: [{ start: '09:00', end: '17:00' }],
    fri: [{ start: '09:00', end: '13:00' }],
    sat: [],
    sun: [],
  },
  // The default display name, as the real server answers; a test renames it when it needs another.
  categories: { to_respond: { enabled: true, displayName: 'To respond' } },
  backfillDays: 14,
};
// One Gmail mailbox sorting its first days (tests script other states through /__control).
const syncStatus = {
  mailboxes: [
    {
      id: 'mbx-1',
      provider: 'gmail',
      address: 'me@example.com',
      status: 'active',
      statusReason: null,
      phase: 'backfill',
      backfill: { total: 400, done: 120, startedAt: new Date(Date.now() - 120_000).toISOString(), finishedAt: null },
      processed: 120,
      lastSyncAt: new Date(Date.now() - 60_000).toISOString(),
      lastError: null,
    },
  ],
};

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** What the stub's triage answers (a fixed rule: a List-Unsubscribe header is marketing, the rest to_respond). */
function triageOf(body) {
  const text = `${body.message.subject ?? ''} ${body.message.text ?? ''}`;
  const marketing = Boolean(body.message.headers?.['List-Unsubscribe']);
  const meeting = /meet|call|times?\b/i.test(text);
  return {
    id: body.message.id,
    category: marketing ? 'marketing' : 'to_respond',
    needsReply: !marketing,
    meetingRequest: meeting && !marketing,
    priority: marketing ? 'low' : 'high',
    confidence: marketing ? 0.93 : 0.81,
    reasons: marketing
      ? ['has a List-Unsubscribe header']
      : ['asks you a direct question', `thread of ${(body.thread?.length ?? 0) + 1}`],
    summary: (body.message.subject ?? '').slice(0, 140),
  };
}

// Ask Steward: what the real API answers for a question, a thread and the morning (tests script 409/404/5xx).
const ASK = {
  answer: '[1] Dana Cole (1 Mar 2025): “The renewal price is 42,000 EUR <net>.”',
  citations: [
    {
      messageId: '18f0renewal',
      threadId: '18f0thread-renewal',
      subject: 'Renewal <terms>',
      from: 'Dana Cole <dana@fabrikam.example>',
      date: '2025-03-01T09:00:00.000Z',
      quote: 'The renewal price is 42,000 EUR <net>.',
      webLink: 'https://mail.google.com/mail/u/0/#all/18f0thread-renewal',
    },
    {
      messageId: '18f0pricing',
      threadId: null,
      subject: 'Pricing',
      from: 'Priya Raman <priya@contoso.example>',
      date: null,
      quote: 'Pricing is per seat.',
      webLink: 'https://evil.example/phish',
    },
  ],
  confidence: 0.7,
  found: true,
  engine: 'local',
};
const SUMMARY = {
  threadId: 'thread-q3',
  subject: 'Q3 numbers and a quick call',
  messages: 2,
  participants: ['Alice Okafor', 'Sam'],
  requests: [
    {
      text: 'the Q3 numbers by Friday',
      who: 'Alice Okafor',
      messageId: 'msg-q3',
      quote: 'Could you send the Q3 numbers by Friday?',
    },
  ],
  decisions: [{ text: 'go with option B', who: 'Sam', messageId: 'msg-q3-0', quote: "Let's go with option B." }],
  openQuestions: [],
  engine: 'local',
};
const BRIEFING = {
  date: '2025-03-03',
  needsReply: [
    {
      threadId: 'thread-q3',
      messageId: 'msg-q3',
      subject: 'Q3 numbers and a quick call',
      from: 'Alice Okafor',
      since: '2025-03-01T09:00:00.000Z',
      ageDays: 2.2,
      priority: 'high',
    },
  ],
  waitingFor: [],
  meetings: [],
  calendar: 'none',
  text: 'Steward briefing for 2025-03-03\n\nNeeds your reply (1):\n- [high] Q3 numbers and a quick call — Alice Okafor, 2 days',
};

// Alert channels and the CRM connection, kept as the server keeps them (reset by /__control).
const FIRST_CHANNEL = {
  id: 'c1',
  kind: 'slack',
  name: 'My DMs',
  target: 'Slack webhook hooks.slack.com/…',
  rules: { toRespondHighPriority: true, meetingRequests: false, senders: [], domains: [] },
  quietHours: null,
  maxPerHour: 10,
  lastError: null,
  createdAt: '2025-03-01T08:00:00Z',
};
const NO_CRM = {
  connected: false,
  provider: null,
  instanceUrl: null,
  ttlMinutes: 60,
  connectedAt: null,
  auth: null,
  oauthAvailable: ['hubspot'],
};
let channels = [];
let crm = { ...NO_CRM };
const resetReach = () => {
  channels = [structuredClone(FIRST_CHANNEL)];
  crm = { ...NO_CRM };
};
resetReach();

const channelRoute = (method, path, body) => {
  const match = /^\/v1\/alerts\/channels\/([^/]+)(\/test)?$/.exec(path);
  const channel = match && channels.find((c) => c.id === match[1]);
  if (!match) return undefined;
  if (!channel) return [404, { error: { code: 'not_found', message: 'No such alert channel.' } }];
  if (method === 'POST' && match[2]) {
    if (channel.kind === 'teams') {
      channel.lastError = '404: no_service';
      return [200, { delivered: false, status: 404, detail: 'no_service' }];
    }
    return [200, { delivered: true, status: 200 }];
  }
  if (method === 'PATCH') {
    Object.assign(channel, body);
    return [200, channel];
  }
  if (method === 'DELETE') {
    channels = channels.filter((c) => c !== channel);
    return [204, undefined];
  }
  return undefined;
};

const routes = {
  'GET /v1/alerts/channels': () => [200, { channels }],
  'POST /v1/alerts/channels': (body) => {
    const created = {
      id: `c${channels.length + 1}`,
      kind: body.kind,
      name: body.name,
      target: body.botToken ? `Slack ${body.channel}` : `${body.kind === 'slack' ? 'Slack' : 'Teams'} webhook …`,
      rules: body.rules,
      quietHours: body.quietHours ?? null,
      maxPerHour: body.maxPerHour ?? 10,
      lastError: null,
      createdAt: new Date().toISOString(),
    };
    channels.push(created);
    return [201, created];
  },
  'GET /v1/admin/crm': () => [200, crm],
  'PUT /v1/admin/crm': (body) => {
    crm = {
      ...crm,
      connected: true,
      provider: body.provider,
      instanceUrl: body.instanceUrl ?? null,
      auth: 'token',
      connectedAt: '2025-03-02T09:00:00Z',
    };
    return [200, crm];
  },
  'POST /v1/admin/crm/connect/hubspot': () => [
    200,
    { url: 'https://app.hubspot.com/oauth/authorize?client_id=hs&scope=crm.objects.contacts.read&state=stub' },
  ],
  'DELETE /v1/admin/crm': () => {
    if (!crm.connected) return [404, { error: { code: 'not_found', message: 'No CRM is connected.' } }];
    crm = { ...NO_CRM };
    return [204, undefined];
  },
  'POST /v1/ask': () => [200, ASK],
  'POST /v1/threads/summary': (body) => [200, { ...SUMMARY, threadId: body.threadId }],
  'GET /v1/briefing': () => [200, BRIEFING],
  'GET /v1/me': () => [
    200,
    {
      id: 'u1',
      tenantId: 't1',
      provider: 'google',
      email: 'me@example.com',
      displayName: 'Me',
      createdAt: '2025-01-01T00:00:00Z',
      localMode: false,
    },
  ],
  'GET /v1/settings': () => [200, settings],
  'PUT /v1/settings': (body) => {
    settings = { ...settings, ...body };
    return [200, settings];
  },
  'GET /v1/voice': () => [
    200,
    {
      greetings: [{ text: 'Hi {name},', share: 0.7 }],
      signOffs: [{ text: 'Best,', share: 0.6 }],
      perRecipient: [],
      signatureName: 'Sam',
      typicalWords: 62,
      formality: 'neutral',
      contractionsRate: 0.8,
      emojiRate: 0,
      punctuation: { exclamationRate: 0.05, ellipsisRate: 0 },
      languages: ['en'],
      sampleCount: 140,
      confidence: 'high',
    },
  ],
  'GET /v1/sync/status': () => [200, syncStatus],
  'POST /v1/mailboxes/connect/google': () => [
    200,
    {
      authorizationUrl:
        'https://accounts.google.com/o/oauth2/v2/auth?client_id=stub&response_type=code&state=stub-state&code_challenge=stub&code_challenge_method=S256',
    },
  ],
  'POST /v1/mailboxes/connect/microsoft': () => [
    200,
    {
      authorizationUrl:
        'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=stub&state=stub-state',
    },
  ],
  'POST /v1/triage': (body) => {
    const result = triageOf(body);
    triaged.set(result.id, result);
    return [200, result];
  },
  'POST /v1/triage/feedback': (body) => {
    feedback.push(body);
    // As the server does: the stored result, corrected (null when the message was never triaged).
    const stored = triaged.get(body.messageId);
    const triage = stored
      ? { ...stored, category: body.category, confidence: 1, reasons: [`you filed this message as ${body.category}`] }
      : null;
    return [201, { messageId: body.messageId, category: body.category, triage }];
  },
  'POST /v1/drafts': (body) => {
    const to = body.message.from?.name?.split(' ')[0] ?? 'there';
    const extra = body.instruction ? ` (${body.instruction})` : '';
    const text = `Hi ${to},\n\nThanks — I'll send the numbers by Friday${extra}. [confirm: Q3 total]\n\nBest,\nSam`;
    return [
      200,
      {
        subject: `Re: ${body.message.subject}`,
        text,
        html: `<p>${text.replace(/\n/g, '<br>')}</p>`,
        placeholders: ['[confirm: Q3 total]'],
        proposedTimes: [],
      },
    ];
  },
  'POST /v1/scheduling/suggest': () => [
    200,
    {
      understood: {
        isMeetingRequest: true,
        reasons: ['asks to meet'],
        durationMinutes: 30,
        windows: [
          { start: '2025-03-25T12:00:00Z', end: '2025-03-25T16:00:00Z', text: 'Tuesday afternoon' },
          { start: '2025-03-26T12:00:00Z', end: '2025-03-26T16:00:00Z', text: 'Wednesday afternoon' },
        ],
        participants: [],
        mode: 'unknown',
        theirTimesUnavailable: false,
      },
      slots: [
        { start: '2025-03-25T13:00:00Z', end: '2025-03-25T13:30:00Z', score: 0.9 },
        { start: '2025-03-26T14:00:00Z', end: '2025-03-26T14:30:00Z', score: 0.8 },
      ],
      proposal: 'Would Tue 25 Mar, 14:00 CET or Wed 26 Mar, 15:00 CET work for you?',
    },
  ],
};

const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (path === '/__log') return send(res, 200, { log, feedback, gmailLabels, threadLabels });
    if (path === '/__control') {
      // Each test starts from here: scripted failures replaced, logs cleared.
      failures = JSON.parse(raw || '{}');
      resetReach();
      log.length = 0;
      feedback.length = 0;
      return send(res, 200, { ok: true });
    }
    log.push({
      method: req.method,
      path,
      authorization: req.headers.authorization ?? null,
      contentType: req.headers['content-type'] ?? null,
      body: raw ? JSON.parse(raw) : null,
    });
    const failure = failures[`${req.method} ${path}`] ?? failures['*'];
    if (failure && (failure.times ?? 1) > 0) {
      failure.times = (failure.times ?? 1) - 1;
      const reply = () => {
        if (typeof failure.body === 'string') {
          res.writeHead(failure.status, { 'content-type': 'text/html' });
          return res.end(failure.body);
        }
        send(res, failure.status, failure.body);
      };
      return failure.delayMs ? setTimeout(reply, failure.delayMs) : reply();
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      return send(res, 401, { error: { code: 'token_missing', message: 'Send an Authorization: Bearer token.' } });
    }
    if (path.startsWith('/gmail/v1/users/me/')) {
      if (req.headers.authorization !== 'Bearer ya29.test-oauth-token')
        return send(res, 401, { error: { code: 401, message: 'bad token' } });
      const rest = path.slice('/gmail/v1/users/me'.length);
      if (req.method === 'GET' && rest === '/labels') return send(res, 200, { labels: gmailLabels });
      if (req.method === 'POST' && rest === '/labels') {
        const label = { id: `Label_${gmailLabels.length}`, name: JSON.parse(raw).name };
        gmailLabels.push(label);
        return send(res, 200, label);
      }
      const modify = /^\/threads\/([^/]+)\/modify$/.exec(rest);
      if (req.method === 'POST' && modify) {
        threadLabels[modify[1]] = [...(threadLabels[modify[1]] ?? []), ...JSON.parse(raw).addLabelIds];
        return send(res, 200, { id: modify[1] });
      }
      return send(res, 404, { error: { code: 404, message: 'not found' } });
    }
    const channelAnswer = channelRoute(req.method, path, raw ? JSON.parse(raw) : undefined);
    if (channelAnswer) return send(res, channelAnswer[0], channelAnswer[1]);
    const route = routes[`${req.method} ${path}`];
    if (!route) return send(res, 404, { error: { code: 'not_found', message: `No route ${req.method} ${path}` } });
    const [status, body] = route(raw ? JSON.parse(raw) : undefined);
    send(res, status, body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
