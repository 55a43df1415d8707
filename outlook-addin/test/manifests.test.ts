import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Document, Element } from 'domhandler';
import { getElementsByTagName, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APP_ID,
  jsonManifest,
  type ManifestConfig,
  UNIFIED_MANIFEST_VERSION,
  xmlManifest,
} from '../scripts/manifests.ts';

const require = createRequire(import.meta.url);
const config: ManifestConfig = {
  publicUrl: 'https://steward.contoso.example',
  clientId: '0b8f6a3e-2c1d-4e5f-9a7b-1c2d3e4f5a6b',
  appId: DEFAULT_APP_ID,
  version: '1.2.3',
};

async function unifiedSchemaValidator() {
  const path = require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${UNIFIED_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
  );
  const schema = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('unified JSON manifest', () => {
  it('validates against the schema shipped in @microsoft/app-manifest', async () => {
    const validate = await unifiedSchemaValidator();
    const valid = validate(jsonManifest(config));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And in local mode, without single sign-on.
    expect(validate(jsonManifest({ ...config, clientId: null }))).toBe(true);
  });

  it('the validator catches a broken manifest (the check can fail)', async () => {
    const validate = await unifiedSchemaValidator();
    const broken = jsonManifest(config);
    broken.id = 'not-a-guid';
    (broken.extensions as { ribbons: { contexts: string[] }[] }[])[0]!.ribbons[0]!.contexts = ['mailReading'];
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/id']));
  });

  it('opens a pinnable pane in read and compose, at the configured URL with the client id', () => {
    const manifest = jsonManifest(config) as {
      extensions: {
        runtimes: { code: { page: string }; actions: { id: string; pinnable: boolean }[] }[];
        ribbons: { contexts: string[] }[];
      }[];
      webApplicationInfo: { id: string; resource: string };
      validDomains: string[];
    };
    const [extension] = manifest.extensions;
    expect(extension?.runtimes[0]?.code.page).toBe(
      `https://steward.contoso.example/addin/taskpane.html?clientId=${config.clientId}`,
    );
    expect(extension?.runtimes[0]?.actions[0]).toMatchObject({ type: 'openPage', pinnable: true });
    expect(extension?.ribbons.flatMap((r) => r.contexts)).toEqual(['mailRead', 'mailCompose']);
    expect(manifest.webApplicationInfo).toEqual({
      id: config.clientId,
      resource: `api://steward.contoso.example/${config.clientId}`,
    });
    expect(manifest.validDomains).toEqual(['steward.contoso.example']);
  });

  it('runs the send check on messageSending with promptUser, from a Mailbox 1.12 runtime', () => {
    const manifest = jsonManifest(config) as {
      extensions: {
        runtimes: { id: string; code: { page: string; script?: string }; actions: { id: string; type: string }[] }[];
        autoRunEvents: { requirements: unknown; events: { type: string; actionId: string; options: unknown }[] }[];
      }[];
    };
    const [extension] = manifest.extensions;
    const runtime = extension?.runtimes.find((r) => r.id === 'SendCheckRuntime');
    expect(runtime?.code).toEqual({
      page: 'https://steward.contoso.example/addin/launchevent.html',
      script: 'https://steward.contoso.example/addin/launchevent.js',
    });
    expect(runtime?.actions).toEqual([{ id: 'onMessageSendHandler', type: 'executeFunction' }]);
    expect(extension?.autoRunEvents).toEqual([
      {
        requirements: { capabilities: [{ name: 'Mailbox', minVersion: '1.12' }] },
        events: [{ type: 'messageSending', actionId: 'onMessageSendHandler', options: { sendMode: 'promptUser' } }],
      },
    ]);
  });
});

function parseXml(xml: string): Document {
  return parseDocument(xml, { xmlMode: true });
}
const children = (parent: Element, name: string) =>
  parent.children.filter((c): c is Element => c.type === 'tag' && (c as Element).name === name);
const only = (parent: Element, name: string) => {
  const found = children(parent, name);
  expect(found, `exactly one <${name}> in <${parent.name}>`).toHaveLength(1);
  return found[0] as Element;
};

describe('XML add-in manifest', () => {
  const xml = xmlManifest(config);
  const doc = parseXml(xml);
  const app = getElementsByTagName('OfficeApp', doc.children, false)[0] as Element;

  it('is a MailApp with the ordered top-level elements Office requires', () => {
    expect(app.attribs['xsi:type']).toBe('MailApp');
    expect(app.attribs.xmlns).toBe('http://schemas.microsoft.com/office/appforoffice/1.1');
    const order = app.children.filter((c): c is Element => c.type === 'tag').map((c) => c.name);
    expect(order).toEqual([
      'Id',
      'Version',
      'ProviderName',
      'DefaultLocale',
      'DisplayName',
      'Description',
      'IconUrl',
      'HighResolutionIconUrl',
      'SupportUrl',
      'AppDomains',
      'Hosts',
      'Requirements',
      'FormSettings',
      'Permissions',
      'Rule',
      'DisableEntityHighlighting',
      'VersionOverrides',
    ]);
    expect(textContent(only(app, 'Id'))).toBe(DEFAULT_APP_ID);
    expect(textContent(only(app, 'Version'))).toBe('1.2.3.0');
    expect(textContent(only(app, 'Permissions'))).toBe('ReadWriteItem');
    const forms = children(only(app, 'FormSettings'), 'Form').map((f) => f.attribs['xsi:type']);
    expect(forms).toEqual(['ItemRead', 'ItemEdit']);
  });

  it('has read and compose surfaces, pinning in VersionOverrides 1.1, and WebApplicationInfo for SSO', () => {
    const v10 = only(app, 'VersionOverrides');
    expect(v10.attribs['xsi:type']).toBe('VersionOverridesV1_0');
    const v11 = only(v10, 'VersionOverrides');
    expect(v11.attribs['xsi:type']).toBe('VersionOverridesV1_1');
    expect(v11.attribs.xmlns).toBe('http://schemas.microsoft.com/office/mailappversionoverrides/1.1');

    for (const overrides of [v10, v11]) {
      const points = getElementsByTagName('ExtensionPoint', only(overrides, 'Hosts'), true).map(
        (p) => p.attribs['xsi:type'],
      );
      // The OnMessageSend Smart Alert lives in 1.1 only.
      expect(points).toEqual(
        overrides === v10
          ? ['MessageReadCommandSurface', 'MessageComposeCommandSurface']
          : ['MessageReadCommandSurface', 'MessageComposeCommandSurface', 'LaunchEvent'],
      );
      // Every resid used points at a declared resource.
      const declared = new Set(
        ['bt:Image', 'bt:Url', 'bt:String'].flatMap((tag) =>
          getElementsByTagName(tag, only(overrides, 'Resources'), true).map((e) => e.attribs.id),
        ),
      );
      const used = getElementsByTagName(() => true, only(overrides, 'Hosts'), true)
        .map((e) => e.attribs.resid)
        .filter(Boolean);
      expect(used.length).toBeGreaterThan(5);
      for (const resid of used) expect(declared, `resid ${resid}`).toContain(resid);
    }
    // SupportsPinning exists only in 1.1 and only for the read surface.
    expect(getElementsByTagName('SupportsPinning', only(v10, 'Hosts'), true)).toHaveLength(0);
    const pinning = getElementsByTagName('SupportsPinning', only(v11, 'Hosts'), true);
    expect(pinning.map((p) => textContent(p))).toEqual(['true']);

    const sso = only(v11, 'WebApplicationInfo');
    expect(textContent(only(sso, 'Id'))).toBe(config.clientId);
    expect(textContent(only(sso, 'Resource'))).toBe(`api://steward.contoso.example/${config.clientId}`);
    // WebApplicationInfo comes after Resources (schema order).
    const v11Order = v11.children.filter((c): c is Element => c.type === 'tag').map((c) => c.name);
    expect(v11Order).toEqual(['Requirements', 'Hosts', 'Resources', 'WebApplicationInfo']);
  });

  it('declares the OnMessageSend Smart Alert: PromptUser, the handler, both runtimes', () => {
    const v11 = only(only(app, 'VersionOverrides'), 'VersionOverrides');
    const host = only(only(v11, 'Hosts'), 'Host');
    // Runtimes come before DesktopFormFactor (schema order).
    expect(host.children.filter((c): c is Element => c.type === 'tag').map((c) => c.name)).toEqual([
      'Runtimes',
      'DesktopFormFactor',
    ]);
    const runtime = only(only(host, 'Runtimes'), 'Runtime');
    const override = only(runtime, 'Override');
    expect(override.attribs.type).toBe('javascript');
    const urls = Object.fromEntries(
      getElementsByTagName('bt:Url', only(v11, 'Resources'), true).map((u) => [u.attribs.id, u.attribs.DefaultValue]),
    );
    expect(urls[runtime.attribs.resid ?? '']).toBe('https://steward.contoso.example/addin/launchevent.html');
    expect(urls[override.attribs.resid ?? '']).toBe('https://steward.contoso.example/addin/launchevent.js');
    const events = getElementsByTagName('LaunchEvent', host, true);
    expect(events.map((e) => e.attribs)).toEqual([
      { Type: 'OnMessageSend', FunctionName: 'onMessageSendHandler', SendMode: 'PromptUser' },
    ]);
    const point = getElementsByTagName('ExtensionPoint', host, true).find(
      (e) => e.attribs['xsi:type'] === 'LaunchEvent',
    ) as Element;
    expect(only(point, 'SourceLocation').attribs.resid).toBe(runtime.attribs.resid);
  });

  it('points every URL at the public URL over https', () => {
    const urls = [...xml.matchAll(/(?:DefaultValue|>)(?:=")?(https?:\/\/[^"<]+)/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls.filter((u) => !u.startsWith('https://login.microsoftonline.com'))) {
      expect(url.startsWith('https://steward.contoso.example/')).toBe(true);
    }
    const taskpane = getElementsByTagName('bt:Url', app, true)[0];
    expect(taskpane?.attribs.DefaultValue).toBe(
      `https://steward.contoso.example/addin/taskpane.html?clientId=${config.clientId}`,
    );
  });

  it('leaves SSO out in local mode and escapes what it writes', () => {
    const local = parseXml(xmlManifest({ ...config, clientId: null }));
    expect(getElementsByTagName('WebApplicationInfo', local, true)).toHaveLength(0);
    expect(() => xmlManifest({ ...config, publicUrl: 'http://steward.contoso.example' })).toThrow(/https/);
    expect(() => xmlManifest({ ...config, clientId: 'x"><evil/>' })).toThrow(/GUID/);
  });
});
