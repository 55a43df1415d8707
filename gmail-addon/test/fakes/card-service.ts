/**
 * A CardService that records the card tree as JSON. Every builder method the add-on may call is listed
 * against the real @types/google-apps-script interface, so a misspelt or non-existent method fails to
 * type-check here and fails at runtime in the add-on, as in Apps Script. Builders also enforce the rules
 * Apps Script enforces when a card is built (sections need widgets, buttons need text and one action,
 * action parameters must be strings...).
 */
type CS = typeof GoogleAppsScript.Card_Service;
type I = GoogleAppsScript.Card_Service.CardService;
type Methods<T> = readonly (keyof T & string)[];

const M = {
  Action: ['setFunctionName', 'setParameters', 'setLoadIndicator'] satisfies Methods<ReturnType<I['newAction']>>,
  ActionResponseBuilder: [
    'setNavigation',
    'setNotification',
    'setOpenLink',
    'setStateChanged',
    'build',
  ] satisfies Methods<ReturnType<I['newActionResponseBuilder']>>,
  ButtonSet: ['addButton'] satisfies Methods<ReturnType<I['newButtonSet']>>,
  CardBuilder: ['setHeader', 'addSection', 'setName', 'setFixedFooter', 'build'] satisfies Methods<
    ReturnType<I['newCardBuilder']>
  >,
  CardHeader: ['setTitle', 'setSubtitle', 'setImageUrl'] satisfies Methods<ReturnType<I['newCardHeader']>>,
  CardSection: ['setHeader', 'addWidget', 'setCollapsible'] satisfies Methods<ReturnType<I['newCardSection']>>,
  ComposeActionResponseBuilder: ['setGmailDraft', 'build'] satisfies Methods<
    ReturnType<I['newComposeActionResponseBuilder']>
  >,
  DecoratedText: ['setTopLabel', 'setText', 'setBottomLabel', 'setWrapText', 'setButton'] satisfies Methods<
    ReturnType<I['newDecoratedText']>
  >,
  Divider: [] satisfies Methods<ReturnType<I['newDivider']>>,
  Navigation: ['pushCard', 'updateCard', 'popCard', 'popToRoot', 'popToNamedCard'] satisfies Methods<
    ReturnType<I['newNavigation']>
  >,
  Notification: ['setText'] satisfies Methods<ReturnType<I['newNotification']>>,
  OpenLink: ['setUrl', 'setOpenAs', 'setOnClose'] satisfies Methods<ReturnType<I['newOpenLink']>>,
  SelectionInput: ['setType', 'setFieldName', 'setTitle', 'addItem', 'setOnChangeAction'] satisfies Methods<
    ReturnType<I['newSelectionInput']>
  >,
  TextButton: [
    'setText',
    'setOnClickAction',
    'setComposeAction',
    'setTextButtonStyle',
    'setOpenLink',
    'setOnClickOpenLinkAction',
    'setDisabled',
  ] satisfies Methods<ReturnType<I['newTextButton']>>,
  TextInput: ['setFieldName', 'setTitle', 'setValue', 'setHint', 'setMultiline'] satisfies Methods<
    ReturnType<I['newTextInput']>
  >,
  TextParagraph: ['setText'] satisfies Methods<ReturnType<I['newTextParagraph']>>,
  UniversalActionResponseBuilder: ['displayAddOnCards', 'build'] satisfies Methods<
    ReturnType<I['newUniversalActionResponseBuilder']>
  >,
  UpdateDraftActionResponseBuilder: ['setUpdateDraftBodyAction', 'build'] satisfies Methods<
    ReturnType<I['newUpdateDraftActionResponseBuilder']>
  >,
  UpdateDraftBodyAction: ['addUpdateContent', 'setUpdateType'] satisfies Methods<
    ReturnType<I['newUpdateDraftBodyAction']>
  >,
} as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonNode = { kind: string; [key: string]: Json };

export class CardServiceError extends Error {}

const RECORD = Symbol('record');
const BUILT = Symbol('built');

interface Recorder {
  [RECORD]: { kind: string; props: Record<string, unknown> };
}

/** What `build()` returns: opaque to the add-on, JSON to the tests. */
export class Built {
  readonly [BUILT] = true;
  constructor(readonly json: JsonNode) {}
  printJson(): string {
    return JSON.stringify(this.json);
  }
  toJSON(): JsonNode {
    return this.json;
  }
}

/** Any value a fake returns that should appear in the JSON (a GmailDraft, say) can implement this. */
export interface Recordable {
  toCardJson(): Json;
}

function isRecorder(v: unknown): v is Recorder {
  return typeof v === 'object' && v !== null && RECORD in v;
}

function toJson(value: unknown): Json {
  if (isRecorder(value)) return nodeJson(value);
  if (value instanceof Built) return value.json;
  if (value && typeof value === 'object' && typeof (value as Recordable).toCardJson === 'function')
    return (value as Recordable).toCardJson();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  if (value === undefined) return null;
  return value as Json;
}

function fail(kind: string, problem: string): never {
  throw new CardServiceError(`${kind}: ${problem}`);
}

const CHECKS: Record<string, (p: Record<string, Json>) => void> = {
  Action: (p) => {
    if (typeof p.functionName !== 'string' || !p.functionName) fail('Action', 'function name is required');
    const params = p.parameters;
    if (params !== undefined && params !== null) {
      for (const [k, v] of Object.entries(params as Record<string, Json>)) {
        if (typeof v !== 'string')
          fail('Action', `parameter "${k}" must be a string (Apps Script rejects other types)`);
      }
    }
  },
  TextButton: (p) => {
    if (typeof p.text !== 'string' || !p.text) fail('TextButton', 'text is required');
    const actions = ['onClickAction', 'onClickOpenLinkAction', 'composeAction', 'openLink'].filter(
      (k) => p[k] !== undefined,
    );
    if (actions.length !== 1) fail('TextButton', `exactly one action is required, got ${actions.length}`);
  },
  ButtonSet: (p) => {
    if (!Array.isArray(p.buttons) || p.buttons.length === 0) fail('ButtonSet', 'needs at least one button');
  },
  DecoratedText: (p) => {
    if (typeof p.text !== 'string' || !p.text) fail('DecoratedText', 'text is required');
  },
  TextParagraph: (p) => {
    if (typeof p.text !== 'string' || !p.text) fail('TextParagraph', 'text is required');
  },
  TextInput: (p) => {
    if (!p.fieldName || !p.title) fail('TextInput', 'field name and title are required');
  },
  SelectionInput: (p) => {
    if (!p.fieldName || !p.title || p.type === undefined)
      fail('SelectionInput', 'field name, title and type are required');
    if (!Array.isArray(p.items) || p.items.length === 0) fail('SelectionInput', 'needs at least one item');
  },
  CardSection: (p) => {
    if (!Array.isArray(p.widgets) || p.widgets.length === 0) fail('CardSection', 'needs at least one widget');
  },
  CardHeader: (p) => {
    if (typeof p.title !== 'string' || !p.title) fail('CardHeader', 'title is required');
  },
  Card: (p) => {
    if (!Array.isArray(p.sections) || p.sections.length === 0) fail('Card', 'needs at least one section');
  },
  OpenLink: (p) => {
    if (typeof p.url !== 'string' || !/^https:\/\//.test(p.url)) fail('OpenLink', 'needs an https URL');
  },
  Notification: (p) => {
    if (typeof p.text !== 'string' || !p.text) fail('Notification', 'text is required');
  },
  ActionResponse: (p) => {
    if (
      p.navigation === undefined &&
      p.notification === undefined &&
      p.openLink === undefined &&
      p.stateChanged === undefined
    ) {
      fail('ActionResponse', 'needs a navigation, notification or link');
    }
  },
  ComposeActionResponse: (p) => {
    const draft = p.gmailDraft as { kind?: string } | undefined;
    if (draft?.kind !== 'GmailDraft') fail('ComposeActionResponse', 'setGmailDraft needs a GmailDraft');
  },
  UpdateDraftActionResponse: (p) => {
    if (!p.updateDraftBodyAction) fail('UpdateDraftActionResponse', 'no update action set');
  },
  UpdateDraftBodyAction: (p) => {
    if (!Array.isArray(p.updateContents) || p.updateContents.length === 0)
      fail('UpdateDraftBodyAction', 'no content added');
    if (p.updateType === undefined) fail('UpdateDraftBodyAction', 'update type is required');
  },
  UniversalActionResponse: (p) => {
    if (!Array.isArray(p.displayAddOnCards)) fail('UniversalActionResponse', 'no cards');
  },
};

function nodeJson(recorder: Recorder, kind = recorder[RECORD].kind): JsonNode {
  const props = Object.fromEntries(Object.entries(recorder[RECORD].props).map(([k, v]) => [k, toJson(v)]));
  CHECKS[kind]?.(props);
  return { kind, ...props };
}

function propName(method: string, prefix: string): string {
  const rest = method.slice(prefix.length);
  return rest[0]?.toLowerCase() + rest.slice(1);
}

function listProp(props: Record<string, unknown>, key: string): unknown[] {
  if (!Array.isArray(props[key])) props[key] = [];
  return props[key] as unknown[];
}

function recorder<T extends readonly string[]>(
  kind: string,
  methods: T,
): Recorder & Record<T[number], (...args: unknown[]) => unknown> {
  const state = { kind, props: {} as Record<string, unknown> };
  const self: Record<string, unknown> & Recorder = { [RECORD]: state };
  for (const method of methods) {
    self[method] = (...args: unknown[]) => {
      const value = args.length === 1 ? args[0] : args;
      if (method === 'build') {
        return new Built(nodeJson(self, kind.replace(/Builder$/, '')));
      }
      if (kind === 'Navigation') {
        const steps = listProp(state.props, 'steps');
        if (args[0] !== undefined && !(args[0] instanceof Built) && method !== 'popToNamedCard') {
          fail('Navigation', `${method} needs a built Card`);
        }
        steps.push({ op: method, ...(args.length ? { arg: args[0] } : {}) });
        return self;
      }
      if (method.startsWith('set')) state.props[propName(method, 'set')] = value;
      else if (method.startsWith('add')) listProp(state.props, `${propName(method, 'add')}s`).push(value);
      else state.props[method] = value;
      return self;
    };
  }
  return self as Recorder & Record<T[number], (...args: unknown[]) => unknown>;
}

function enumOf<K extends string>(...names: K[]): Record<K, K> {
  return Object.fromEntries(names.map((n) => [n, n])) as Record<K, K>;
}

/** The enums the add-on reads, with their member names as values so they read well in the JSON. */
export const ENUMS = {
  ComposedEmailType: enumOf('REPLY_AS_DRAFT', 'STANDALONE_DRAFT'),
  ContentType: enumOf('TEXT', 'MUTABLE_HTML', 'IMMUTABLE_HTML'),
  SelectionInputType: enumOf('CHECK_BOX', 'RADIO_BUTTON', 'DROPDOWN', 'SWITCH', 'MULTI_SELECT'),
  TextButtonStyle: enumOf('OUTLINED', 'FILLED', 'FILLED_TONAL', 'BORDERLESS'),
  UpdateDraftBodyType: enumOf('IN_PLACE_INSERT', 'INSERT_AT_START', 'INSERT_AT_END'),
  LoadIndicator: enumOf('SPINNER', 'NONE'),
  OpenAs: enumOf('FULL_SIZE', 'OVERLAY'),
  OnClose: enumOf('NOTHING', 'RELOAD', 'RELOAD_ADD_ON'),
} satisfies Partial<Record<keyof CS, Record<string, string>>>;

export function createCardService() {
  const r =
    <K extends keyof typeof M>(kind: K) =>
    () =>
      recorder(kind, M[kind]);
  return {
    ...ENUMS,
    newAction: r('Action'),
    newActionResponseBuilder: r('ActionResponseBuilder'),
    newButtonSet: r('ButtonSet'),
    newCardBuilder: r('CardBuilder'),
    newCardHeader: r('CardHeader'),
    newCardSection: r('CardSection'),
    newComposeActionResponseBuilder: r('ComposeActionResponseBuilder'),
    newDecoratedText: r('DecoratedText'),
    newDivider: r('Divider'),
    newNavigation: r('Navigation'),
    newNotification: r('Notification'),
    newOpenLink: r('OpenLink'),
    newSelectionInput: r('SelectionInput'),
    newTextButton: r('TextButton'),
    newTextInput: r('TextInput'),
    newTextParagraph: r('TextParagraph'),
    newUniversalActionResponseBuilder: r('UniversalActionResponseBuilder'),
    newUpdateDraftActionResponseBuilder: r('UpdateDraftActionResponseBuilder'),
    newUpdateDraftBodyAction: r('UpdateDraftBodyAction'),
  } satisfies Partial<Record<keyof I, unknown>>;
}
export type FakeCardService = ReturnType<typeof createCardService>;

// ---- reading recorded cards --------------------------------------------------------------------------

/** The JSON of anything a trigger or callback returned (a Card, a Card[], an ActionResponse...). */
export function json(value: unknown): Json {
  return toJson(value);
}

export function walk(node: Json, visit: (n: JsonNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
  } else if (node && typeof node === 'object') {
    if (typeof node.kind === 'string') visit(node as JsonNode);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

export function nodes(root: unknown, kind: string): JsonNode[] {
  const found: JsonNode[] = [];
  walk(json(root), (n) => {
    if (n.kind === kind) found.push(n);
  });
  return found;
}

/** All visible text of a card, one string per widget, for assertions that read like what the user sees. */
export function visibleText(root: unknown): string {
  const parts: string[] = [];
  walk(json(root), (n) => {
    for (const key of ['title', 'subtitle', 'header', 'topLabel', 'text', 'bottomLabel']) {
      const v = n[key];
      if (typeof v === 'string') parts.push(v);
    }
    if (n.kind === 'SelectionInput' && Array.isArray(n.items))
      for (const item of n.items) if (Array.isArray(item)) parts.push(String(item[0]));
  });
  return parts.join('\n');
}

export interface ButtonInfo {
  text: string;
  functionName: string;
  parameters: Record<string, string>;
  compose: boolean;
  /** The callback returns a link to open (setOnClickOpenLinkAction). */
  opensLink: boolean;
  /** The link a plain link button opens (setOpenLink); such a button has no callback. */
  url: string;
  primary: boolean;
}

export function buttons(root: unknown): ButtonInfo[] {
  return nodes(root, 'TextButton').map((b) => {
    const action = (b.onClickAction ??
      b.onClickOpenLinkAction ??
      (Array.isArray(b.composeAction) ? b.composeAction[0] : null)) as JsonNode | null;
    return {
      text: String(b.text),
      functionName: String(action?.functionName ?? ''),
      parameters: (action?.parameters ?? {}) as Record<string, string>,
      compose: b.composeAction !== undefined,
      opensLink: b.onClickOpenLinkAction !== undefined,
      url: String((b.openLink as JsonNode | undefined)?.url ?? ''),
      primary: b.textButtonStyle === 'FILLED',
    };
  });
}

export function button(root: unknown, text: string): ButtonInfo {
  const found = buttons(root).find((b) => b.text === text);
  if (!found)
    throw new Error(
      `no button "${text}" in ${buttons(root)
        .map((b) => b.text)
        .join(', ')}`,
    );
  return found;
}

export interface NavigationStep {
  op: string;
  arg?: Json;
}

/** The navigation steps of an ActionResponse: [{ op: 'pushCard', arg: card }, ...]. */
export function navigation(response: unknown): NavigationStep[] {
  const nav = nodes(response, 'Navigation')[0];
  return (nav?.steps ?? []) as unknown as NavigationStep[];
}
