/**
 * The marked block both config files use (.npmrc and .yarnrc.yml take `#` comments): our lines go between
 * two marker lines, lines of the user's file that ours replace are commented out with a marker, and
 * restoreMarkedBlock undoes both exactly, so the post step gives a merged file back byte for byte.
 *
 * Blocks are keyed (the .npmrc's by registry, `for //host/path/` in each marker): a second use of the
 * action in the same job adds its own block beside the first one's; a second use for the same registry
 * replaces that registry's block only; each post step takes back its own block and the lines it displaced.
 * The constants below are the unkeyed forms (the .yarnrc.yml's single block, and files from older runs).
 */
export const BLOCK_START = '# >>> setup-npm-auth: lines below are removed by its post step'
export const BLOCK_END = '# <<< setup-npm-auth'
export const DISPLACED_PREFIX = '# setup-npm-auth displaced: '
/** Written inside our block when the user's file did not end with a line break, so restoring gives it back byte for byte. */
export const NO_FINAL_EOL = '# setup-npm-auth: the lines above had no final line break'

const START_RE = /^# >>> setup-npm-auth(?: for (\S+))?: lines below are removed by its post step$/
const END_RE = /^# <<< setup-npm-auth(?: for (\S+))?$/
const DISPLACED_RE = /^# setup-npm-auth displaced(?: for (\S+))?: /

/** A line this project writes to mark things (block starts and ends, displaced lines, run markers): never displaced. */
function isMarkerLine(line: string): boolean {
  return START_RE.test(line) || END_RE.test(line) || DISPLACED_RE.test(line) || line.startsWith('# setup-npm-auth')
}

function checkKey(key: string): void {
  if (!/^\S+$/.test(key)) throw new Error(`A block key is one word without spaces or line breaks: ${JSON.stringify(key)}`)
}

/** The first marker line of the block keyed `key` ('' or undefined: the unkeyed block). */
export function blockStart(key?: string): string {
  if (!key) return BLOCK_START
  checkKey(key)
  return `# >>> setup-npm-auth for ${key}: lines below are removed by its post step`
}

export function blockEnd(key?: string): string {
  if (!key) return BLOCK_END
  checkKey(key)
  return `${BLOCK_END} for ${key}`
}

/** What a line of the user's file that the block keyed `key` replaces is prefixed with. */
export function displacedPrefix(key?: string): string {
  if (!key) return DISPLACED_PREFIX
  checkKey(key)
  return `# setup-npm-auth displaced for ${key}: `
}

/**
 * The marked-block merge shared by .npmrc and .yarnrc.yml (both take `#` comments): the block with the
 * same key left by a previous run (or step) is taken out first — with no key, every block is — lines
 * `displace` picks (never lines of another step's block) are commented out with a marker, and our lines
 * are appended between the block markers. restoreMarkedBlock(text, key) is its exact inverse.
 */
export function mergeMarkedBlock(
  existing: string,
  displace: (line: string, index: number, lines: readonly string[]) => boolean,
  ours: readonly string[],
  key?: string,
  /**
   * Also displace content lines of another step's block (never its marker lines). The .yarnrc.yml needs it:
   * YAML allows a top-level key once, so a second step's block carries the first's entries merged in and
   * comments the first's out; its post step puts them back exactly.
   */
  options: { displaceInOtherBlocks?: boolean } = {},
): string {
  const base = restoreMarkedBlock(existing, key)
  const eol = base.includes('\r\n') ? '\r\n' : '\n'
  const kept = base === '' ? [] : base.replace(/(\r?\n)$/, '').split(/\r?\n/)
  let inOtherBlock = false
  const lines = kept.map((line, i) => {
    const marker = isMarkerLine(line)
    if (START_RE.test(line)) inOtherBlock = true
    const displaceable = !marker && (!inOtherBlock || options.displaceInOtherBlocks === true)
    if (inOtherBlock && END_RE.test(line)) inOtherBlock = false
    return displaceable && displace(line, i, kept) ? `${displacedPrefix(key)}${line}` : line
  })
  const noFinalEol = base !== '' && !base.endsWith('\n')
  lines.push(blockStart(key), ...ours, ...(noFinalEol ? [NO_FINAL_EOL] : []), blockEnd(key))
  return lines.join(eol) + eol
}

/**
 * Takes out the block keyed `key` and puts back the lines it displaced ('' : the unkeyed block); with
 * `key` undefined, every block. Other blocks stay exactly as they are.
 */
export function restoreMarkedBlock(text: string, key?: string): string {
  if (!text.includes('# >>> setup-npm-auth') && !text.includes('# setup-npm-auth displaced')) return text
  const ours = (found: string | undefined): boolean => key === undefined || (found ?? '') === key
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const out: string[] = []
  let inBlock = false
  // Set by the marker in our block; void again when lines follow the block (the file then ends with them).
  let noFinalEol = false
  const lines = text.split(/\r?\n/)
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === ''
  if (trailingNewline) lines.pop()
  for (const line of lines) {
    const start = START_RE.exec(line)
    if (!inBlock && start && ours(start[1])) {
      inBlock = true
      continue
    }
    if (inBlock) {
      const end = END_RE.exec(line)
      if (end && ours(end[1])) inBlock = false
      if (line === NO_FINAL_EOL) noFinalEol = true
      continue
    }
    noFinalEol = false
    const displaced = DISPLACED_RE.exec(line)
    out.push(displaced && ours(displaced[1]) ? line.slice(displaced[0].length) : line)
  }
  return out.length === 0 ? '' : out.join(eol) + (trailingNewline && !noFinalEol ? eol : '')
}
