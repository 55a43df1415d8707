import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface StaticFilesOptions {
  /** The built Outlook task pane (outlook-addin/dist). */
  addinDir?: string;
  /** Generated manifests (manifests/). */
  manifestsDir?: string;
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
  if (fs.existsSync(manifestsDir)) {
    await app.register(fastifyStatic, {
      root: manifestsDir,
      prefix: '/manifests/',
      decorateReply: false,
      index: false,
    });
  }

  app.get('/preview', { schema: { hide: true } }, async (_request, reply) => {
    if (!hasAddin) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The Outlook pane is not built yet: run `npm run build -w outlook-addin`, then restart.');
    }
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
