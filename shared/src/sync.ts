/**
 * Mailbox sync: the status both add-ins show, connecting and disconnecting a mailbox, the dead letters an
 * admin reads, and what the providers send to Steward (the OAuth redirect, Gmail push and Graph
 * notifications). Shared by the backend routes and both clients.
 */
import { type Static, Type } from 'typebox';

/** The `:provider` of POST /v1/mailboxes/connect/:provider and of the OAuth callback. */
export const ConnectProvider = Type.Union([Type.Literal('google'), Type.Literal('microsoft')]);
export type ConnectProvider = Static<typeof ConnectProvider>;
export const ConnectProviderParams = Type.Object({ provider: ConnectProvider });
export type ConnectProviderParams = Static<typeof ConnectProviderParams>;

export const ConnectMailboxResponse = Type.Object({ authorizationUrl: Type.String() });
export type ConnectMailboxResponse = Static<typeof ConnectMailboxResponse>;

export const MailboxIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type MailboxIdParams = Static<typeof MailboxIdParams>;

export const MailboxState = Type.Union([
  Type.Literal('active'),
  Type.Literal('needs_reauth'),
  Type.Literal('disconnected'),
]);
export type MailboxState = Static<typeof MailboxState>;

/** One connected mailbox in GET /v1/sync/status (older servers answer 404). */
export const MailboxSyncStatus = Type.Object({
  id: Type.String(),
  provider: Type.Union([Type.Literal('gmail'), Type.Literal('graph')]),
  address: Type.String(),
  status: MailboxState,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  phase: Type.String({
    description: "backfill while the first N days are processed, then live; 'idle' before anything ran",
  }),
  backfill: Type.Object({
    total: Type.Integer(),
    done: Type.Integer(),
    startedAt: Type.Union([Type.String(), Type.Null()]),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
  }),
  processed: Type.Integer(),
  lastSyncAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});
export type MailboxSyncStatus = Static<typeof MailboxSyncStatus>;

export const SyncStatus = Type.Object({ mailboxes: Type.Array(MailboxSyncStatus) });
export type SyncStatus = Static<typeof SyncStatus>;

export const DeadJob = Type.Object({
  id: Type.String(),
  name: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  attempts: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  failedAt: Type.Union([Type.String(), Type.Null()]),
});
export type DeadJob = Static<typeof DeadJob>;

export const DeadLettersQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) });
export type DeadLettersQuery = Static<typeof DeadLettersQuery>;

export const DeadLetters = Type.Object({ engine: Type.String(), deadLetters: Type.Array(DeadJob) });
export type DeadLetters = Static<typeof DeadLetters>;

/**
 * What the provider puts on the OAuth redirect. Not Steward's to validate: each field is checked by the
 * handler, so a malformed redirect gets the handler's own answer rather than a schema error.
 */
export const OAuthCallbackQuery = Type.Object({
  code: Type.Optional(Type.Unknown()),
  state: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.Unknown()),
});
export type OAuthCallbackQuery = Static<typeof OAuthCallbackQuery>;

/** The confirmation page's form (application/x-www-form-urlencoded; every value a string). */
export const OAuthConfirmForm = Type.Object({
  token: Type.Optional(Type.Unknown()),
  decision: Type.Optional(Type.Unknown()),
});
export type OAuthConfirmForm = Static<typeof OAuthConfirmForm>;

/**
 * A Pub/Sub push of Gmail's watch: `message.data` is base64 JSON `{"emailAddress","historyId"}`. The route
 * takes any body and checks it against this after the push token verifies: a malformed push is
 * acknowledged and dropped, never retried forever.
 */
export const GmailPush = Type.Object({
  message: Type.Optional(Type.Object({ data: Type.Optional(Type.String()) })),
});
export type GmailPush = Static<typeof GmailPush>;

/** One Microsoft Graph change or lifecycle notification (only the fields Steward reads). */
export const GraphNotification = Type.Object({
  subscriptionId: Type.Optional(Type.String()),
  clientState: Type.Optional(Type.String()),
  changeType: Type.Optional(Type.String()),
  lifecycleEvent: Type.Optional(Type.String({ description: 'reauthorizationRequired, subscriptionRemoved or missed' })),
  resourceData: Type.Optional(Type.Object({ id: Type.Optional(Type.String()) })),
});
export type GraphNotification = Static<typeof GraphNotification>;

/** Graph's POST: notifications in `value`; each is checked on its own, and one that does not fit is skipped. */
export const GraphNotifications = Type.Object({ value: Type.Array(Type.Unknown()) });
export type GraphNotifications = Static<typeof GraphNotifications>;

/** Graph's subscription handshake: the token is echoed back as text. */
export const GraphValidationQuery = Type.Object({ validationToken: Type.Optional(Type.Unknown()) });
export type GraphValidationQuery = Static<typeof GraphValidationQuery>;
