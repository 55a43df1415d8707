/**
 * The blob-store port: meeting audio and transcripts, which are too big and too opaque for a database row.
 * Keys are chosen by the server (never by a client) and start with the owner: "tenantId/userId/…".
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { UserScope } from './user-scope.ts';

export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes `key`; removing a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every blob whose key starts with `prefix` (a folder: it ends with "/"). */
  deletePrefix(prefix: string): Promise<void>;
}

/** The folder that holds everything of one user. */
export function userBlobPrefix(scope: UserScope): string {
  return `${scope.tenantId}/${scope.userId}/`;
}

function checkPrefix(prefix: string): string {
  if (!prefix.endsWith('/')) throw new Error('a blob prefix is a folder and ends with "/"');
  checkBlobKey(prefix.slice(0, -1));
  return prefix;
}

const KEY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Refuses keys that could leave their folder or mean different things on disk and in S3. */
export { checkPrefix as checkBlobPrefix };

export function checkBlobKey(key: string): string {
  const segments = key.split('/');
  if (segments.length > 8 || !segments.every((s) => KEY_SEGMENT.test(s) && s !== '..' && s !== '.')) {
    throw new Error(`invalid blob key "${key.slice(0, 100)}"`);
  }
  return key;
}

/** A fresh folder key for one meeting's blobs, under the user's own prefix. */
export function newMeetingBlobKey(scope: UserScope): string {
  return checkBlobKey(`${scope.tenantId}/${scope.userId}/${randomUUID()}`);
}

/** True when `key` lies under the user's own prefix (a stored key is checked again before use). */
export function ownsBlobKey(scope: UserScope, key: string): boolean {
  return key.startsWith(userBlobPrefix(scope));
}

/** Blobs as files under `root` (DATA_DIR/blobs by default); writes go through a temporary file and a rename. */
export function createDiskBlobStore(root: string): BlobStore {
  const fileOf = (key: string) => path.join(root, ...checkBlobKey(key).split('/'));
  return {
    async put(key, bytes) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${randomUUID()}.part`;
      try {
        await writeFile(temporary, bytes, { mode: 0o600 });
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      try {
        await unlink(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    async deletePrefix(prefix) {
      await rm(path.join(root, ...checkPrefix(prefix).slice(0, -1).split('/')), { recursive: true, force: true });
    },
  };
}

/** The store the configuration asks for: S3-compatible when S3_BUCKET is set, else DATA_DIR/blobs. */
export async function createBlobStore(config: Pick<Config, 'dataDir' | 'blobs'>): Promise<BlobStore> {
  if (config.blobs.s3) {
    // Loaded only when used: the AWS SDK is large and most installations keep blobs on disk.
    const { createS3BlobStore } = await import('./blobs-s3.ts');
    return createS3BlobStore(config.blobs.s3);
  }
  return createDiskBlobStore(path.join(config.dataDir, 'blobs'));
}
