/**
 * What binds a config file to the run that wrote it: a random nonce, saved as state and written as a
 * comment line inside our marked block. The post step touches a file only when it carries the nonce its
 * state names, so a forged or stale state value (a path someone else chose) cannot make it rewrite or
 * delete a file that is not this run's.
 */
import { randomBytes } from 'node:crypto'
import { isAbsolute } from 'node:path'
import { readExisting } from './safe-file.js'

export const RUN_MARKER_PREFIX = '# setup-npm-auth run '
const BLOCK_START_PREFIX = '# >>> setup-npm-auth'
const NONCE = /^[0-9a-f]{32}$/

export function newRunNonce(): string {
  return randomBytes(16).toString('hex')
}

/** The text with the run marker as the first line of its last block (mergeMarkedBlock appends ours last). */
export function withRunMarker(text: string, nonce: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text.split(/\r?\n/)
  let start = -1
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith(BLOCK_START_PREFIX)) start = i
  if (start < 0) throw new Error('withRunMarker: the text holds no block of ours')
  lines.splice(start + 1, 0, `${RUN_MARKER_PREFIX}${nonce}`)
  return lines.join(eol)
}

export function hasRunMarker(text: string, nonce: string): boolean {
  return NONCE.test(nonce) && text.split(/\r?\n/).includes(`${RUN_MARKER_PREFIX}${nonce}`)
}

/**
 * Why the post step must leave `path` alone, or undefined when it may restore it: the path is absolute,
 * and the file (if still there) carries this run's marker.
 */
export function refuseToTouch(path: string, nonce: string): string | undefined {
  if (!isAbsolute(path)) return `${path} is not an absolute path; the main step saves only absolute ones`
  if (!NONCE.test(nonce)) return `the state names ${path} without the run marker the main step saves with it`
  const text = readExisting(path)
  if (text !== undefined && !hasRunMarker(text, nonce)) return `${path} does not carry this run's marker: the main step did not write it`
  return undefined
}
