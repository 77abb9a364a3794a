/**
 * The marked block both config files use (.npmrc and .yarnrc.yml take `#` comments): our lines go between
 * two marker lines, lines of the user's file that ours replace are commented out with a marker, and
 * restoreMarkedBlock undoes both exactly, so the post step gives a merged file back byte for byte.
 */
export const BLOCK_START = '# >>> setup-npm-auth: lines below are removed by its post step'
export const BLOCK_END = '# <<< setup-npm-auth'
export const DISPLACED_PREFIX = '# setup-npm-auth displaced: '
/** Written inside our block when the user's file did not end with a line break, so restoring gives it back byte for byte. */
export const NO_FINAL_EOL = '# setup-npm-auth: the lines above had no final line break'

/**
 * The marked-block merge shared by .npmrc and .yarnrc.yml (both take `#` comments): a block left by a
 * previous run is taken out first, lines `displace` picks are commented out with a marker, and our
 * lines are appended between the block markers. restoreMarkedBlock is its exact inverse.
 */
export function mergeMarkedBlock(
  existing: string,
  displace: (line: string, index: number, lines: readonly string[]) => boolean,
  ours: readonly string[],
): string {
  const base = restoreMarkedBlock(existing)
  const eol = base.includes('\r\n') ? '\r\n' : '\n'
  const kept = base === '' ? [] : base.replace(/(\r?\n)$/, '').split(/\r?\n/)
  const lines = kept.map((line, i) => (displace(line, i, kept) ? `${DISPLACED_PREFIX}${line}` : line))
  const noFinalEol = base !== '' && !base.endsWith('\n')
  lines.push(BLOCK_START, ...ours, ...(noFinalEol ? [NO_FINAL_EOL] : []), BLOCK_END)
  return lines.join(eol) + eol
}

export function restoreMarkedBlock(text: string): string {
  if (!text.includes(BLOCK_START) && !text.includes(DISPLACED_PREFIX)) return text
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const out: string[] = []
  let inBlock = false
  // Set by the marker in our block; void again when lines follow the block (the file then ends with them).
  let noFinalEol = false
  const lines = text.split(/\r?\n/)
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === ''
  if (trailingNewline) lines.pop()
  for (const line of lines) {
    if (line === BLOCK_START) {
      inBlock = true
      continue
    }
    if (inBlock) {
      if (line === BLOCK_END) inBlock = false
      if (line === NO_FINAL_EOL) noFinalEol = true
      continue
    }
    noFinalEol = false
    out.push(line.startsWith(DISPLACED_PREFIX) ? line.slice(DISPLACED_PREFIX.length) : line)
  }
  return out.length === 0 ? '' : out.join(eol) + (trailingNewline && !noFinalEol ? eol : '')
}
