/** One user's Apps Script world: every service the add-on touches, faked, and ways to run the add-on in it. */
import vm from 'node:vm';
import { createCardService } from './card-service.ts';
import { FakeGmailApp, type MessageData } from './gmail-app.ts';
import { FakeCacheService, FakePropertiesService, FakeScriptApp, fakeSession } from './services.ts';
import { FakeUrlFetchApp, type UrlFetchOptions } from './url-fetch.ts';

export * from './card-service.ts';
export * from './gmail-app.ts';
export * from './identity.ts';
export * from './services.ts';
export * from './url-fetch.ts';

export interface WorldOptions {
  owner: string;
  messages: MessageData[];
  identityToken: () => string;
  urlFetch?: UrlFetchOptions;
  scriptProperties?: Record<string, string>;
  timeZone?: string;
}

export function createWorld(options: WorldOptions) {
  const properties = new FakePropertiesService();
  for (const [k, v] of Object.entries(options.scriptProperties ?? {})) properties.script.setProperty(k, v);
  const services = {
    CardService: createCardService(),
    GmailApp: new FakeGmailApp(options.messages, options.owner.toLowerCase()),
    UrlFetchApp: new FakeUrlFetchApp(options.urlFetch),
    ScriptApp: new FakeScriptApp(options.identityToken),
    CacheService: new FakeCacheService(),
    PropertiesService: properties,
    Session: fakeSession(options.owner),
  };
  const timeZone = options.timeZone ?? 'Europe/Berlin';

  /** The event Gmail passes when the user has this message open (extras: button parameters, form inputs). */
  function event(
    messageId?: string,
    extras: { parameters?: Record<string, string>; form?: Record<string, string | string[]> } = {},
  ) {
    // Checkboxes arrive as every checked value; other inputs as one.
    const formInputs = Object.fromEntries(
      Object.entries(extras.form ?? {}).map(([k, v]) => [k, { stringInputs: { value: Array.isArray(v) ? v : [v] } }]),
    );
    return {
      commonEventObject: {
        hostApp: 'GMAIL',
        platform: 'WEB',
        userLocale: 'en',
        timeZone: { id: timeZone, offset: '3600000' },
        parameters: extras.parameters ?? {},
        formInputs,
      },
      ...(messageId
        ? {
            gmail: {
              messageId,
              threadId: options.messages.find((m) => m.id === messageId)?.threadId ?? '',
              accessToken: services.GmailApp.accessTokenFor(messageId),
            },
          }
        : {}),
    } as unknown as GoogleAppsScript.Addons.EventObject;
  }

  return { ...services, services, event, close: () => services.UrlFetchApp.close() };
}
export type World = ReturnType<typeof createWorld>;

/** Puts the fakes where the add-on's sources look for them (unit tests import src/ directly). */
export function installGlobals(world: World): () => void {
  const g = globalThis as Record<string, unknown>;
  const previous = Object.fromEntries(Object.keys(world.services).map((k) => [k, g[k]]));
  Object.assign(g, world.services);
  return () => Object.assign(g, previous);
}

export type AddOnFunction = (e?: GoogleAppsScript.Addons.EventObject) => unknown;

/** Runs the built dist/Code.js in its own V8 context with only Apps Script's globals, as Apps Script does. */
export function loadBundle(code: string, world: World): { context: vm.Context; fn: (name: string) => AddOnFunction } {
  const context = vm.createContext({ ...world.services, console });
  vm.runInContext(code, context, { filename: 'Code.js' });
  return {
    context,
    fn(name: string) {
      const f = (context as Record<string, unknown>)[name];
      if (typeof f !== 'function') throw new Error(`Code.js has no top-level function ${name}`);
      return f as AddOnFunction;
    },
  };
}
