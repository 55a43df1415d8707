import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface StaticFilesOptions {
  /** The built Outlook task pane (outlook-addin/dist). */
  addinDir?: string;
  /** Generated manifests (manifests/). */
  manifestsDir?: string;
  /** PUBLIC_URL: the Outlook manifests are served for it, whatever URL they were generated for. */
  publicUrl?: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An Outlook manifest as this server should hand it out: every URL, host and SSO resource it was generated
 * for (found from its task pane URL) moved to `publicUrl`, so the served file always names the address the
 * server has (PORT, PUBLIC_URL), not the one the checked-in file was generated for.
 */
export function manifestFor(text: string, publicUrl: string): string {
  const generated = /(https?:\/\/[^/"'\s<>]+)\/addin\/taskpane\.html/.exec(text)?.[1];
  if (!generated) return text;
  const from = new URL(generated);
  const to = new URL(publicUrl);
  if (from.origin === to.origin) return text;
  const pattern = new RegExp(`${escapeRegExp(from.origin)}|${escapeRegExp(from.host)}`, 'g');
  return text.replace(pattern, (match) => (match === from.origin ? to.origin : to.host));
}

function notBuilt(reply: FastifyReply) {
  return reply
    .status(503)
    .type('text/plain; charset=utf-8')
    .send('The Outlook pane is not built yet: run `npm run build -w outlook-addin` (or `npm start`), then restart.');
}

/** The manifests the server can hand out, as paths under /manifests/. */
export function manifestFiles(manifestsDir: string): string[] {
  const files: string[] = [];
  for (const [dir, names] of [
    ['outlook', ['manifest.xml', 'manifest.json']],
    ['gmail', ['appsscript.json']],
  ] as const) {
    for (const name of names) if (fs.existsSync(path.join(manifestsDir, dir, name))) files.push(`${dir}/${name}`);
  }
  return files;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** GET /: where things are. Relative links, so they follow whatever address the page was loaded from. */
function linksPage(options: { addin: boolean; manifests: string[] }): string {
  const item = (href: string, label: string, what: string) =>
    `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> — ${escapeHtml(what)}</li>`;
  const links = [
    options.addin
      ? item('/preview', 'Preview', 'the Outlook pane over a sample mailbox, talking to this server')
      : '<li>Preview — not built yet: run <code>npm run build -w outlook-addin</code>, then restart</li>',
    item('/docs', 'API documentation', 'every route, with "Try it out"'),
    ...options.manifests.map((m) => item(`/manifests/${m}`, m, 'manifest to sideload')),
    item('/health', 'Health', 'is the server up'),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#242424}
a{color:#0f6cbd}code{background:#f0f0f0;padding:0 .2em}</style></head>
<body><h1>Steward</h1><p>A self-hostable AI email assistant for Outlook and Gmail. This server is running.</p>
<ul>${links.join('\n')}</ul>
<p>The command line: <code>npx steward --help</code>.</p></body></html>
`;
}

/**
 * Serves the Outlook task pane at /addin/, the preview with a sample mailbox at /preview, the generated
 * manifests at /manifests/ and the logo the Gmail manifest points at. Missing folders (the pane not built)
 * are simply not served, and /preview says how to build it.
 */
export const staticFilesPlugin = fp<StaticFilesOptions>(async (app: FastifyInstance, options) => {
  const addinDir = options.addinDir ?? path.join(ROOT, 'outlook-addin', 'dist');
  const manifestsDir = options.manifestsDir ?? path.join(ROOT, 'manifests');
  const hasAddin = fs.existsSync(path.join(addinDir, 'taskpane.html'));

  if (hasAddin) {
    await app.register(fastifyStatic, {
      root: addinDir,
      prefix: '/addin/',
      decorateReply: true,
      index: false,
      maxAge: '1h',
    });
  }
  const publicUrl = options.publicUrl;
  if (publicUrl) {
    for (const [name, type] of [
      ['manifest.xml', 'application/xml; charset=utf-8'],
      ['manifest.json', 'application/json; charset=utf-8'],
    ] as const) {
      const file = path.join(manifestsDir, 'outlook', name);
      if (!fs.existsSync(file)) continue;
      app.get(`/manifests/outlook/${name}`, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type(type)
          .header('cache-control', 'no-cache')
          .send(manifestFor(await fs.promises.readFile(file, 'utf8'), publicUrl)),
      );
    }
  }
  if (fs.existsSync(manifestsDir)) {
    await app.register(fastifyStatic, {
      root: manifestsDir,
      prefix: '/manifests/',
      decorateReply: false,
      index: false,
    });
  }

  // The folder itself has no page: the pane is taskpane.html (Outlook loads it from the manifest).
  for (const url of ['/addin', '/addin/']) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      if (!hasAddin) return notBuilt(reply);
      return reply.redirect('/addin/taskpane.html', 302);
    });
  }

  // A first visit to the server's address leads somewhere.
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(linksPage({ addin: hasAddin, manifests: manifestFiles(manifestsDir) })),
  );

  app.get('/preview', { schema: { hide: true } }, async (_request, reply) => {
    if (!hasAddin) return notBuilt(reply);
    return reply.sendFile('preview.html', addinDir);
  });

  const logo = [path.join(addinDir, 'assets', 'icon-128.png'), path.join(manifestsDir, 'outlook', 'color.png')].find(
    (p) => fs.existsSync(p),
  );
  if (logo) {
    app.get('/logo.png', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/png').header('cache-control', 'public, max-age=86400').send(fs.createReadStream(logo)),
    );
  }
});
