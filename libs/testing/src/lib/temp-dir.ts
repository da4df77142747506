import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Removes the directory and everything in it; safe to call twice. */
  cleanup(): Promise<void>;
}

/** A fresh, uniquely named directory under the OS temp dir, e.g. for a SQLite file per test. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix.replace(/[^\w.-]/g, '-')}-`));
  return {
    path,
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}
