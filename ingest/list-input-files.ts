import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface InputFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Changes with the content and with the permissions: a file that failed may be worth another try when it moved. */
  ctimeMs: number;
}

/** A path the walk did not read: a link to something already read or to nothing, or a file or folder it cannot read. */
export interface SkippedPath {
  path: string;
  /** `link`: left out on purpose (a warning). `unreadable`: the system refused it (the run cannot be complete). */
  kind: 'link' | 'unreadable';
  reason: string;
}

export interface InputListing {
  /** Regular files in walk order, each real file once, under the first path it was reached by. */
  files: InputFile[];
  skipped: SkippedPath[];
}

/** The file-system calls the walk makes; tests replace one to make it fail as it would for another user. */
export interface WalkFileSystem {
  stat: (path: string) => Promise<{ isFile(): boolean; isDirectory(): boolean; size: number; mtimeMs: number; ctimeMs: number }>;
  lstat: (path: string) => Promise<{ isSymbolicLink(): boolean }>;
  realpath: (path: string) => Promise<string>;
  readdir: (path: string) => Promise<string[]>;
}

const NODE_FILE_SYSTEM: WalkFileSystem = { stat, lstat, realpath, readdir: (path) => readdir(path) };

/** A path given by the caller that does not exist or is neither a file nor a folder. */
export class MissingInputError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Lists the regular files under the given files and folders, depth first in name order, hidden entries skipped.
 * Links are followed, but every file and folder is visited once by its real path: a link back to a folder
 * already walked (a loop) or to a file already listed is skipped and reported, as is a broken link. A file or
 * folder the system refuses (`EACCES`) is reported with the system's error and the walk goes on. Throws
 * `MissingInputError` only for a given path that does not exist.
 *
 * @example
 * const { files, skipped } = await listInputFiles(['inbox/']);
 */
export async function listInputFiles(paths: readonly string[], options: { fs?: Partial<WalkFileSystem> } = {}): Promise<InputListing> {
  const fs: WalkFileSystem = { ...NODE_FILE_SYSTEM, ...options.fs };
  const listing: InputListing = { files: [], skipped: [] };
  /** Real path -> the path it was first reached by. */
  const visited = new Map<string, string>();

  const skipBrokenOrUnreadable = async (path: string, error: NodeJS.ErrnoException): Promise<void> => {
    const link = await fs.lstat(path).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    if (link && (error.code === 'ENOENT' || error.code === 'ELOOP' || error.code === 'ENOTDIR')) {
      listing.skipped.push({ path, kind: 'link', reason: `link to nothing readable (${error.code}), skipped` });
    } else {
      listing.skipped.push({ path, kind: 'unreadable', reason: `cannot read: ${error.message}` });
    }
  };

  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info: Awaited<ReturnType<WalkFileSystem['stat']>>;
    let real: string;
    try {
      info = await fs.stat(path);
      real = await fs.realpath(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (explicit && (code === 'ENOENT' || code === 'ENOTDIR')) throw new MissingInputError(path, code, `${path}: no such file or folder`);
      await skipBrokenOrUnreadable(path, error as NodeJS.ErrnoException);
      return;
    }
    if (!info.isDirectory() && !info.isFile()) {
      if (explicit) throw new MissingInputError(path, undefined, `${path}: not a regular file or folder`);
      return;
    }
    const first = visited.get(real);
    if (first !== undefined) {
      // The same path given twice is no news; another way to the same file or folder is a link worth naming.
      if (first !== path && !listing.skipped.some((entry) => entry.path === path))
        listing.skipped.push({ path, kind: 'link', reason: `leads to ${info.isDirectory() ? 'a folder' : 'a file'} already read as ${first}, skipped` });
      return;
    }
    visited.set(real, path);
    if (info.isFile()) {
      listing.files.push({ path, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs });
      return;
    }
    let names: string[];
    try {
      names = await fs.readdir(path);
    } catch (error) {
      listing.skipped.push({ path, kind: 'unreadable', reason: `cannot read folder: ${(error as Error).message}` });
      return;
    }
    for (const name of names.filter((entry) => !entry.startsWith('.')).sort()) await visit(join(path, name), false);
  };

  for (const path of paths) await visit(path, true);
  return listing;
}
