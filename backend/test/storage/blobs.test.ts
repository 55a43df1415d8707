import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type BlobStore, createBlobStore, createDiskBlobStore } from '../../src/storage/blobs.ts';
import { createS3BlobStore } from '../../src/storage/blobs-s3.ts';
import { type FakeS3, startFakeS3 } from '../support/fake-s3.ts';

const KEY = 'tenant-1/user-1/0b5e2c9a-6f1d-4d1e-9a55-7c1f0e2d3b4a/transcript';

/** What every adapter must do, whatever it stores blobs in. */
function behavesLikeABlobStore(open: () => BlobStore) {
  it('gives back exactly the bytes it was given', async () => {
    const store = open();
    const bytes = Buffer.from([0, 1, 2, 255, ...Buffer.from('WEBVTT\n\nÄnn: hallo')]);
    await store.put(KEY, bytes, 'text/vtt');
    expect(await store.get(KEY)).toEqual(bytes);
  });

  it('replaces on a second put, and forgets on delete', async () => {
    const store = open();
    await store.put(KEY, Buffer.from('first'), 'text/plain');
    await store.put(KEY, Buffer.from('second'), 'text/plain');
    expect((await store.get(KEY))?.toString()).toBe('second');
    await store.delete(KEY);
    expect(await store.get(KEY)).toBeUndefined();
  });

  it('answers undefined for a missing key and deletes one without complaint', async () => {
    const store = open();
    expect(await store.get('tenant-1/user-1/never-written')).toBeUndefined();
    await expect(store.delete('tenant-1/user-1/never-written')).resolves.toBeUndefined();
  });

  it("deletes a user's whole folder and nobody else's", async () => {
    const store = open();
    await store.put('tenant-1/user-9/a/transcript', Buffer.from('mine'), 'text/plain');
    await store.put('tenant-1/user-9/b/audio', Buffer.from('mine too'), 'audio/webm');
    await store.put('tenant-1/user-90/a/transcript', Buffer.from('a neighbour'), 'text/plain');
    await store.deletePrefix('tenant-1/user-9/');
    expect(await store.get('tenant-1/user-9/a/transcript')).toBeUndefined();
    expect(await store.get('tenant-1/user-9/b/audio')).toBeUndefined();
    expect((await store.get('tenant-1/user-90/a/transcript'))?.toString()).toBe('a neighbour');
    await expect(store.deletePrefix('../')).rejects.toThrow();
  });

  it('refuses keys that could escape their folder', async () => {
    const store = open();
    for (const key of ['../etc/passwd', 'tenant/../../x', '/absolute', 'a//b', 'a/./b', '']) {
      await expect(store.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toThrow(/invalid blob key/);
    }
  });
}

describe('disk blob store', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'steward-blobs-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  behavesLikeABlobStore(() => createDiskBlobStore(root));

  it('keeps files private to the server and leaves no partial files behind', async () => {
    const store = createDiskBlobStore(root);
    await store.put(KEY, Buffer.from('private'), 'text/plain');
    const file = path.join(root, ...KEY.split('/'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(path.dirname(file))).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('is the default, under DATA_DIR/blobs', async () => {
    const store = await createBlobStore({ dataDir: root, blobs: {} });
    await store.put('t/u/default', Buffer.from('x'), 'text/plain');
    expect((await stat(path.join(root, 'blobs', 't', 'u', 'default'))).isFile()).toBe(true);
  });
});

describe('S3-compatible blob store', () => {
  let s3: FakeS3;
  const config = () => ({
    endpoint: s3.url,
    bucket: 'steward-test',
    region: 'us-east-1',
    accessKeyId: 'test-key',
    secretAccessKey: 'test-secret',
    forcePathStyle: true,
  });
  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(async () => {
    await s3.close();
  });

  behavesLikeABlobStore(() => createS3BlobStore(config()));

  it('writes to the configured bucket with the content type, path-style', async () => {
    const store = await createBlobStore({ dataDir: '/nonexistent', blobs: { s3: config() } });
    await store.put('t/u/typed', Buffer.from('{"a":1}'), 'application/json');
    expect(s3.objects.get('steward-test/t/u/typed')).toMatchObject({ contentType: 'application/json' });
    expect(s3.requests.at(-1)).toEqual({ method: 'PUT', path: 'steward-test/t/u/typed' });
  });

  it('retries a transient server error', async () => {
    const store = createS3BlobStore(config());
    s3.failNext(1);
    await store.put('t/u/retried', Buffer.from('ok'), 'text/plain');
    expect((await store.get('t/u/retried'))?.toString()).toBe('ok');
  });
});

describe('blob and transcription configuration', () => {
  it('keeps blobs on disk unless S3_BUCKET is set, and path-style for custom endpoints', () => {
    expect(loadConfig({}).blobs).toEqual({});
    expect(
      loadConfig({
        S3_BUCKET: 'b',
        S3_ENDPOINT: 'http://minio.local:9000',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
      }).blobs.s3,
    ).toEqual({
      endpoint: 'http://minio.local:9000',
      bucket: 'b',
      region: 'us-east-1',
      accessKeyId: 'k',
      secretAccessKey: 's',
      forcePathStyle: true,
    });
    expect(loadConfig({ S3_BUCKET: 'b', S3_REGION: 'eu-west-1' }).blobs.s3).toEqual({
      bucket: 'b',
      region: 'eu-west-1',
      forcePathStyle: false,
    });
  });

  it('reports half-configured S3 with the other problems', () => {
    expect(() =>
      loadConfig({ S3_ENDPOINT: 'http://minio.local', S3_ACCESS_KEY_ID: 'k', S3_FORCE_PATH_STYLE: 'maybe' }),
    ).toThrow(/S3_BUCKET is not[\s\S]*must be set together[\s\S]*S3_FORCE_PATH_STYLE/);
  });

  it('sends audio to TRANSCRIBE_* when set, else to the OpenAI settings, never mixing the two', () => {
    expect(loadConfig({}).transcription).toEqual({ model: 'whisper-1', timeoutMs: 300_000 });
    expect(loadConfig({ OPENAI_BASE_URL: 'http://llm.local/v1', OPENAI_API_KEY: 'sk-1' }).transcription).toMatchObject({
      baseUrl: 'http://llm.local/v1',
      apiKey: 'sk-1',
    });
    const own = loadConfig({
      OPENAI_API_KEY: 'sk-1',
      TRANSCRIBE_BASE_URL: 'http://whisper.local/v1',
      TRANSCRIBE_MODEL: 'large-v3',
    });
    expect(own.transcription).toEqual({ baseUrl: 'http://whisper.local/v1', model: 'large-v3', timeoutMs: 300_000 });
  });
});
