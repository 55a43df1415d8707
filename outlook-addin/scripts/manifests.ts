// Generates Steward's Outlook manifests from one config for a given public URL.
// Usage: npx tsx outlook-addin/scripts/manifests.ts --public-url https://steward.example.com
//          [--client-id <Entra app id>] [--app-id <GUID>] [--version 1.2.3] [--out manifests/outlook]
// The client id also comes from MICROSOFT_CLIENT_ID and the URL from PUBLIC_URL.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { iconPng } from './icons.ts';

/** The add-in's identity in Microsoft 365. Keep it stable: a new id is a new add-in for every user. */
export const DEFAULT_APP_ID = '5d0c2f0e-7b7a-4c36-9a64-3f5e6b0c8a11';
export const UNIFIED_MANIFEST_VERSION = '1.24';

export interface ManifestConfig {
  /** Where the backend is reachable over HTTPS, e.g. https://steward.example.com */
  publicUrl: string;
  /** Entra application (client) id; null in local mode (no single sign-on). */
  clientId: string | null;
  appId: string;
  /** Semantic version; the XML manifest gets a fourth part. */
  version: string;
}

/** Every URL and string both manifests share, derived once from the config. */
export function manifestModel(config: ManifestConfig) {
  const base = new URL(config.publicUrl);
  if (base.protocol !== 'https:' && !['localhost', '127.0.0.1'].includes(base.hostname)) {
    throw new Error(`PUBLIC_URL must be https (Outlook refuses plain http): ${config.publicUrl}`);
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(config.appId)) {
    throw new Error(`The app id must be a GUID: ${config.appId}`);
  }
  if (config.clientId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(config.clientId)) {
    throw new Error(`The Entra client id must be a GUID: ${config.clientId}`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(config.version)) throw new Error(`The version must be x.y.z: ${config.version}`);
  const root = base.toString().replace(/\/+$/, '');
  const taskpane = new URL(`${root}/addin/taskpane.html`);
  // The Smart Alert on Send: an HTML page for browser runtimes, the bare script for classic Outlook on Windows.
  // The pane reads its Entra client id from its own URL, so this config is the only place it is set.
  if (config.clientId) taskpane.searchParams.set('clientId', config.clientId);
  return {
    appId: config.appId,
    version: config.version,
    clientId: config.clientId,
    host: base.host,
    origin: base.origin,
    taskpaneUrl: taskpane.toString(),
    launchEventPageUrl: `${root}/addin/launchevent.html`,
    launchEventScriptUrl: `${root}/addin/launchevent.js`,
    /** Office.actions.associate name in src/launchevent.ts; the XML FunctionName and the JSON actionId. */
    sendHandler: 'onMessageSendHandler',
    /** Smart Alerts with SendMode PromptUser. */
    smartAlertMinVersion: '1.12',
    icon: (size: number) => `${root}/addin/assets/icon-${size}.png`,
    supportUrl: `${root}/`,
    ssoResource: config.clientId ? `api://${base.host}/${config.clientId}` : null,
    name: 'Steward',
    fullName: 'Steward email assistant',
    shortDescription: 'Triage, reply drafts in your voice, meeting times and notes.',
    fullDescription:
      'Steward sorts each message with the reason why, writes reply drafts in your own voice, proposes meeting times from your real availability and turns meeting transcripts into follow-ups. Self-hosted; drafts are never sent for you.',
    buttonLabel: 'Steward',
    buttonTooltip: "Open Steward: the message's category, a summary and a reply draft.",
    groupLabel: 'Steward',
  };
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The add-in only XML manifest (MailApp), with pinnable read and compose task panes. */
export function xmlManifest(config: ManifestConfig): string {
  const m = manifestModel(config);
  const a = (text: string) => xmlEscape(text);
  const surface = (
    point: 'MessageReadCommandSurface' | 'MessageComposeCommandSurface',
    prefix: string,
    pinning: boolean,
  ) => `
            <ExtensionPoint xsi:type="${point}">
              <OfficeTab id="TabDefault">
                <Group id="${prefix}Group">
                  <Label resid="Group.Label"/>
                  <Control xsi:type="Button" id="${prefix}OpenPaneButton">
                    <Label resid="Button.Label"/>
                    <Supertip>
                      <Title resid="Button.Label"/>
                      <Description resid="Button.Tooltip"/>
                    </Supertip>
                    <Icon>
                      <bt:Image size="16" resid="Icon.16x16"/>
                      <bt:Image size="32" resid="Icon.32x32"/>
                      <bt:Image size="80" resid="Icon.80x80"/>
                    </Icon>
                    <Action xsi:type="ShowTaskpane">
                      <SourceLocation resid="Taskpane.Url"/>${pinning ? '\n                      <SupportsPinning>true</SupportsPinning>' : ''}
                    </Action>
                  </Control>
                </Group>
              </OfficeTab>
            </ExtensionPoint>`;
  // Event-based activation (Mailbox 1.12 Smart Alerts); clients without it ignore these two elements.
  // Written for the 1.1 block's depth (Host children at 10 spaces).
  const runtimes = `
          <Runtimes>
            <Runtime resid="LaunchEvent.Url">
              <Override type="javascript" resid="LaunchEvent.JsUrl"/>
            </Runtime>
          </Runtimes>`;
  const launchEvent = `
            <ExtensionPoint xsi:type="LaunchEvent">
              <LaunchEvents>
                <LaunchEvent Type="OnMessageSend" FunctionName="${a(m.sendHandler)}" SendMode="PromptUser"/>
              </LaunchEvents>
              <SourceLocation resid="LaunchEvent.Url"/>
            </ExtensionPoint>`;
  const hostsAndResources = (pinning: boolean, indent: string, smartAlert: boolean) =>
    `
${indent}<Hosts>
${indent}  <Host xsi:type="MailHost">${smartAlert ? runtimes : ''}
${indent}    <DesktopFormFactor>${surface('MessageReadCommandSurface', 'msgRead', pinning)}${surface('MessageComposeCommandSurface', 'msgCompose', false)}${smartAlert ? launchEvent : ''}
${indent}    </DesktopFormFactor>
${indent}  </Host>
${indent}</Hosts>
${indent}<Resources>
${indent}  <bt:Images>
${indent}    <bt:Image id="Icon.16x16" DefaultValue="${a(m.icon(16))}"/>
${indent}    <bt:Image id="Icon.32x32" DefaultValue="${a(m.icon(32))}"/>
${indent}    <bt:Image id="Icon.80x80" DefaultValue="${a(m.icon(80))}"/>
${indent}  </bt:Images>
${indent}  <bt:Urls>
${indent}    <bt:Url id="Taskpane.Url" DefaultValue="${a(m.taskpaneUrl)}"/>${
      smartAlert
        ? `
${indent}    <bt:Url id="LaunchEvent.Url" DefaultValue="${a(m.launchEventPageUrl)}"/>
${indent}    <bt:Url id="LaunchEvent.JsUrl" DefaultValue="${a(m.launchEventScriptUrl)}"/>`
        : ''
    }
${indent}  </bt:Urls>
${indent}  <bt:ShortStrings>
${indent}    <bt:String id="Group.Label" DefaultValue="${a(m.groupLabel)}"/>
${indent}    <bt:String id="Button.Label" DefaultValue="${a(m.buttonLabel)}"/>
${indent}  </bt:ShortStrings>
${indent}  <bt:LongStrings>
${indent}    <bt:String id="Button.Tooltip" DefaultValue="${a(m.buttonTooltip)}"/>
${indent}  </bt:LongStrings>
${indent}</Resources>`.replace(/\n {12}/g, `\n${indent}      `);
  const sso = m.clientId
    ? `
      <WebApplicationInfo>
        <Id>${a(m.clientId)}</Id>
        <Resource>${a(m.ssoResource ?? '')}</Resource>
        <Scopes>
          <Scope>openid</Scope>
          <Scope>profile</Scope>
        </Scopes>
      </WebApplicationInfo>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by outlook-addin/scripts/manifests.ts for ${a(m.origin)}. Do not edit: regenerate. -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xmlns:mailappor="http://schemas.microsoft.com/office/mailappversionoverrides/1.0"
           xsi:type="MailApp">
  <Id>${a(m.appId)}</Id>
  <Version>${a(m.version)}.0</Version>
  <ProviderName>Steward</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="${a(m.name)}"/>
  <Description DefaultValue="${a(m.shortDescription)}"/>
  <IconUrl DefaultValue="${a(m.icon(64))}"/>
  <HighResolutionIconUrl DefaultValue="${a(m.icon(128))}"/>
  <SupportUrl DefaultValue="${a(m.supportUrl)}"/>
  <AppDomains>
    <AppDomain>https://login.microsoftonline.com</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Mailbox"/>
  </Hosts>
  <Requirements>
    <Sets>
      <Set Name="Mailbox" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <FormSettings>
    <Form xsi:type="ItemRead">
      <DesktopSettings>
        <SourceLocation DefaultValue="${a(m.taskpaneUrl)}"/>
        <RequestedHeight>250</RequestedHeight>
      </DesktopSettings>
    </Form>
    <Form xsi:type="ItemEdit">
      <DesktopSettings>
        <SourceLocation DefaultValue="${a(m.taskpaneUrl)}"/>
      </DesktopSettings>
    </Form>
  </FormSettings>
  <Permissions>ReadWriteItem</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or">
    <Rule xsi:type="ItemIs" ItemType="Message" FormType="Read"/>
    <Rule xsi:type="ItemIs" ItemType="Message" FormType="Edit"/>
  </Rule>
  <DisableEntityHighlighting>false</DisableEntityHighlighting>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Requirements>
      <bt:Sets DefaultMinVersion="1.3">
        <bt:Set Name="Mailbox"/>
      </bt:Sets>
    </Requirements>${hostsAndResources(false, '    ', false)}
    <VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides/1.1" xsi:type="VersionOverridesV1_1">
      <Requirements>
        <bt:Sets DefaultMinVersion="1.5">
          <bt:Set Name="Mailbox"/>
        </bt:Sets>
      </Requirements>${hostsAndResources(true, '      ', true)}${sso}
    </VersionOverrides>
  </VersionOverrides>
</OfficeApp>
`;
}

/** The unified app manifest (JSON) for Outlook, for the same URLs. Icons are files beside it. */
export function jsonManifest(config: ManifestConfig): Record<string, unknown> {
  const m = manifestModel(config);
  const icons = [16, 32, 80].map((size) => ({ size, url: m.icon(size) }));
  const mailbox = (minVersion: string) => [{ name: 'Mailbox', minVersion }];
  const ribbon = (context: 'mailRead' | 'mailCompose', prefix: string) => ({
    contexts: [context],
    tabs: [
      {
        builtInTabId: 'TabDefault',
        groups: [
          {
            id: `${prefix}Group`,
            label: m.groupLabel,
            icons,
            controls: [
              {
                id: `${prefix}OpenPaneButton`,
                type: 'button',
                label: m.buttonLabel,
                icons,
                supertip: { title: m.buttonLabel, description: m.buttonTooltip },
                actionId: 'openSteward',
              },
            ],
          },
        ],
      },
    ],
  });
  const manifest: Record<string, unknown> = {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${UNIFIED_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    manifestVersion: UNIFIED_MANIFEST_VERSION,
    version: m.version,
    id: m.appId,
    localizationInfo: { defaultLanguageTag: 'en-us' },
    developer: {
      name: 'Steward',
      websiteUrl: m.supportUrl,
      privacyUrl: m.supportUrl,
      termsOfUseUrl: m.supportUrl,
    },
    name: { short: m.name, full: m.fullName },
    description: { short: m.shortDescription, full: m.fullDescription },
    icons: { outline: 'outline.png', color: 'color.png' },
    accentColor: '#0F6CBD',
    validDomains: [m.host],
    authorization: {
      permissions: { resourceSpecific: [{ name: 'MailboxItem.ReadWrite.User', type: 'Delegated' }] },
    },
    extensions: [
      {
        requirements: { scopes: ['mail'], capabilities: mailbox('1.3') },
        runtimes: [
          {
            requirements: { capabilities: mailbox('1.3') },
            id: 'TaskPaneRuntime',
            type: 'general',
            code: { page: m.taskpaneUrl },
            lifetime: 'short',
            actions: [{ id: 'openSteward', type: 'openPage', pinnable: true }],
          },
          {
            requirements: { capabilities: mailbox(m.smartAlertMinVersion) },
            id: 'SendCheckRuntime',
            type: 'general',
            code: { page: m.launchEventPageUrl, script: m.launchEventScriptUrl },
            lifetime: 'short',
            actions: [{ id: m.sendHandler, type: 'executeFunction' }],
          },
        ],
        ribbons: [ribbon('mailRead', 'msgRead'), ribbon('mailCompose', 'msgCompose')],
        autoRunEvents: [
          {
            requirements: { capabilities: mailbox(m.smartAlertMinVersion) },
            events: [{ type: 'messageSending', actionId: m.sendHandler, options: { sendMode: 'promptUser' } }],
          },
        ],
      },
    ],
  };
  if (m.clientId) manifest.webApplicationInfo = { id: m.clientId, resource: m.ssoResource };
  return manifest;
}

export async function writeManifests(config: ManifestConfig, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const xmlPath = join(outDir, 'manifest.xml');
  const jsonPath = join(outDir, 'manifest.json');
  await writeFile(xmlPath, xmlManifest(config));
  await writeFile(jsonPath, `${JSON.stringify(jsonManifest(config), null, 2)}\n`);
  // The unified manifest refers to its icons by relative path: they ship in the same package.
  await writeFile(join(outDir, 'color.png'), iconPng(192));
  await writeFile(join(outDir, 'outline.png'), iconPng(32, true));
  return [xmlPath, jsonPath, join(outDir, 'color.png'), join(outDir, 'outline.png')];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      'public-url': { type: 'string' },
      'client-id': { type: 'string' },
      'app-id': { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const publicUrl = values['public-url'] ?? process.env.PUBLIC_URL;
  if (!publicUrl) {
    console.error('Give the public URL: --public-url https://steward.example.com (or set PUBLIC_URL)');
    process.exit(2);
  }
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const written = await writeManifests(
    {
      publicUrl,
      clientId: values['client-id'] ?? process.env.MICROSOFT_CLIENT_ID ?? null,
      appId: values['app-id'] ?? process.env.OUTLOOK_APP_ID ?? DEFAULT_APP_ID,
      version: values.version ?? '1.0.0',
    },
    resolve(values.out ?? join(repoRoot, 'manifests', 'outlook')),
  );
  for (const file of written) console.log(`wrote ${file}`);
}
