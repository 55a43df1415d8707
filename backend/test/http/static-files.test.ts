import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFor } from '../../src/http/plugins/static-files.ts';
import type { Storage } from '../../src/storage/database.ts';
import { buildTestApp } from '../support/app.ts';
import { testDatabases } from '../support/db.ts';

describe('the server hosts the Outlook pane, the preview and the manifests', () => {
  let dir: string;
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-static-'));
    fs.mkdirSync(path.join(dir, 'addin', 'assets'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'manifests', 'outlook'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'addin', 'taskpane.html'), '<!doctype html><title>Steward pane</title>');
    fs.writeFileSync(path.join(dir, 'addin', 'preview.html'), '<!doctype html><title>Steward preview</title>');
    fs.writeFileSync(path.join(dir, 'addin', 'assets', 'icon-128.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    // The checked-in manifest, generated for https://localhost:8787; this server runs on another port.
    fs.copyFileSync(
      path.resolve(import.meta.dirname, '../../../manifests/outlook/manifest.xml'),
      path.join(dir, 'manifests', 'outlook', 'manifest.xml'),
    );
    storage = await testDatabases()[0]!.open();
    app = await buildTestApp(
      storage,
      { PORT: '9123' },
      { staticFiles: { addinDir: path.join(dir, 'addin'), manifestsDir: path.join(dir, 'manifests') } },
    );
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the pane, the preview, the manifests and the logo', async () => {
    const pane = await app.inject({ method: 'GET', url: '/addin/taskpane.html' });
    expect(pane.statusCode).toBe(200);
    expect(pane.body).toContain('Steward pane');
    // Outlook on the web frames the pane: no X-Frame-Options, frame-ancestors instead.
    expect(pane.headers['x-frame-options']).toBeUndefined();
    expect(pane.headers['content-security-policy']).toContain('https://outlook.office.com');
    expect((await app.inject({ method: 'GET', url: '/preview' })).body).toContain('Steward preview');
    const manifest = await app.inject({ method: 'GET', url: '/manifests/outlook/manifest.xml' });
    expect(manifest.headers['content-type']).toContain('xml');
    expect(manifest.body).toContain('<OfficeApp');
    const logo = await app.inject({ method: 'GET', url: '/logo.png' });
    expect(logo.headers['content-type']).toBe('image/png');
  });

  it('GET / links to the preview, the API documentation and the manifests; /addin/ leads to the pane', async () => {
    const home = await app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toContain('text/html');
    for (const href of ['/preview', '/docs', '/manifests/outlook/manifest.xml', '/health'])
      expect(home.body).toContain(`href="${href}"`);
    expect(home.body).not.toContain('manifest.json'); // only manifests that exist
    for (const url of ['/addin', '/addin/']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/addin/taskpane.html');
    }
  });

  it('serves the Outlook manifest for the address the server has, whatever it was generated for', async () => {
    const served = (await app.inject({ method: 'GET', url: '/manifests/outlook/manifest.xml' })).body;
    expect(served).not.toContain('8787');
    expect(served).toContain('for http://localhost:9123.');
    expect(served).toContain('<SourceLocation DefaultValue="http://localhost:9123/addin/taskpane.html"/>');
    const json = fs.readFileSync(path.resolve(import.meta.dirname, '../../../manifests/outlook/manifest.json'), 'utf8');
    const moved = manifestFor(json, 'https://steward.example.com');
    expect(moved).not.toContain('localhost');
    expect(JSON.parse(moved).validDomains).toEqual(['steward.example.com']);
    expect(manifestFor(json, 'https://localhost:8787')).toBe(json);
  });

  it('does not serve files outside those folders', async () => {
    const res = await app.inject({ method: 'GET', url: '/addin/../../etc/passwd' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
