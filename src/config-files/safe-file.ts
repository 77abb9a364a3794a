/**
 * File I/O for config files that hold credentials: refuse links and non-files when reading, write 0600
 * atomically (exclusive create in the same folder, then rename), and read a file's mode to restore later.
 */
import { closeSync, constants, fsyncSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { NpmrcError } from '../errors.js'

/** Reads a file we are about to rewrite, refusing symlinks and non-files; undefined when absent. */
export function readExisting(path: string): string | undefined {
  let stat
  try {
    stat = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new NpmrcError(`Cannot read ${path}: ${(error as Error).message}.`)
  }
  if (stat.isSymbolicLink()) {
    throw new NpmrcError(
      `${path} is a symbolic link; the action does not write credentials through a link. Remove it or point NPM_CONFIG_USERCONFIG at a regular file.`,
    )
  }
  if (!stat.isFile()) throw new NpmrcError(`${path} exists and is not a regular file. Remove it or point NPM_CONFIG_USERCONFIG elsewhere.`)
  return readFileSync(path, 'utf8')
}

/** The permission bits of an existing file as octal text ('644'); '' when absent. */
export function fileMode(path: string): string {
  try {
    return (lstatSync(path).mode & 0o777).toString(8)
  } catch {
    return ''
  }
}

/**
 * Writes atomically: a new 0600 file created exclusively (O_EXCL: never follows a planted link) in the
 * same folder, then renamed over the target (rename replaces a link itself, never its target).
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600)
    writeSync(fd, text)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, path)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    rmSync(temp, { force: true })
    throw new NpmrcError(`Could not write ${path}: ${(error as Error).message}. Check that its folder exists and is writable.`)
  }
}
