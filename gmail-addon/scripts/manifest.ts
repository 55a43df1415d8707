/**
 * Generates the Gmail add-on's appsscript.json for one Steward server (PUBLIC_URL).
 *   npx tsx gmail-addon/scripts/manifest.ts --public-url https://steward.example.com [--labels] [--out file]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_SCOPES = [
  'https://www.googleapis.com/auth/gmail.addons.execute',
  'https://www.googleapis.com/auth/gmail.addons.current.message.readonly',
  'https://www.googleapis.com/auth/gmail.addons.current.action.compose',
  'https://www.googleapis.com/auth/script.external_request',
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
] as const;

/** Restricted scopes: only with --labels, because they need Google's security review for public add-ons. */
export const LABEL_SCOPES = [
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.labels',
] as const;
export const GMAIL_API_PREFIX = 'https://gmail.googleapis.com/';
/**
 * Where "Connect Gmail" and "Reconnect" send the user: the providers' consent pages (the authorization URL
 * the server's connect route returns). Apps Script only opens links under openLinkUrlPrefixes.
 */
export const CONSENT_URL_PREFIXES = ['https://accounts.google.com/', 'https://login.microsoftonline.com/'] as const;
/**
 * Where Ask Steward's cited sources and the briefing's threads open: the message in Gmail, or in Outlook on
 * the web for mail of a connected Microsoft mailbox (the citation's webLink).
 */
export const MESSAGE_URL_PREFIXES = ['https://mail.google.com/', 'https://outlook.office.com/'] as const;

export interface ManifestOptions {
  publicUrl: string;
  logoUrl?: string;
  labels?: boolean;
}

export interface AppsScriptManifest {
  timeZone: string;
  runtimeVersion: 'V8';
  exceptionLogging: 'STACKDRIVER';
  oauthScopes: string[];
  urlFetchWhitelist: string[];
  addOns: {
    common: {
      name: string;
      logoUrl: string;
      layoutProperties: { primaryColor: string; secondaryColor: string };
      homepageTrigger: { runFunction: string; enabled: boolean };
      universalActions: { label: string; runFunction: string }[];
      openLinkUrlPrefixes: string[];
    };
    gmail: {
      contextualTriggers: { unconditional: Record<string, never>; onTriggerFunction: string }[];
      composeTrigger: { selectActions: { text: string; runFunction: string }[]; draftAccess: 'NONE' };
    };
  };
}

/** `https://host/path` → `https://host/path/`; Apps Script only fetches https URLs under a listed prefix. */
export function urlPrefix(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`PUBLIC_URL "${publicUrl}" is not a URL.`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`PUBLIC_URL must use https:// (Apps Script calls it from Google's servers), got "${publicUrl}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`PUBLIC_URL must be a plain base URL without query, fragment or credentials, got "${publicUrl}".`);
  }
  return `${url.origin}${url.pathname.replace(/\/*$/, '/')}`;
}

export function gmailManifest(options: ManifestOptions): AppsScriptManifest {
  const prefix = urlPrefix(options.publicUrl);
  return {
    timeZone: 'Etc/UTC',
    runtimeVersion: 'V8',
    exceptionLogging: 'STACKDRIVER',
    oauthScopes: [...BASE_SCOPES, ...(options.labels ? LABEL_SCOPES : [])],
    urlFetchWhitelist: [prefix, ...(options.labels ? [GMAIL_API_PREFIX] : [])],
    addOns: {
      common: {
        name: 'Steward',
        logoUrl: options.logoUrl ?? `${prefix}logo.png`,
        layoutProperties: { primaryColor: '#1f4e79', secondaryColor: '#2e7d32' },
        homepageTrigger: { runFunction: 'onHomepage', enabled: true },
        universalActions: [{ label: 'Settings', runFunction: 'onShowSettings' }],
        openLinkUrlPrefixes: [prefix, ...CONSENT_URL_PREFIXES, ...MESSAGE_URL_PREFIXES],
      },
      gmail: {
        contextualTriggers: [{ unconditional: {}, onTriggerFunction: 'onGmailMessage' }],
        composeTrigger: {
          selectActions: [{ text: 'Steward: draft this reply', runFunction: 'onGmailCompose' }],
          draftAccess: 'NONE',
        },
      },
    },
  };
}

/** Every function the manifest names; each must be a top-level function in Code.js. */
export function manifestFunctions(manifest: AppsScriptManifest): string[] {
  const { common, gmail } = manifest.addOns;
  return [
    common.homepageTrigger.runFunction,
    ...common.universalActions.map((a) => a.runFunction),
    ...gmail.contextualTriggers.map((t) => t.onTriggerFunction),
    ...gmail.composeTrigger.selectActions.map((a) => a.runFunction),
  ];
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function writeManifest(file: string, manifest: AppsScriptManifest): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const publicUrl = argValue(args, '--public-url') ?? process.env.PUBLIC_URL ?? '';
  if (!publicUrl) {
    console.error('Set PUBLIC_URL (or --public-url) to the https address of your Steward server.');
    process.exit(2);
  }
  const out = path.resolve(argValue(args, '--out') ?? path.join(REPO_ROOT, 'manifests/gmail/appsscript.json'));
  const logoUrl = argValue(args, '--logo-url') ?? process.env.STEWARD_LOGO_URL;
  writeManifest(out, gmailManifest({ publicUrl, labels: args.includes('--labels'), ...(logoUrl ? { logoUrl } : {}) }));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
