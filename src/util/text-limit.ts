/**
 * GitHub's size limits on what the action writes: the job summary of a step (1 MiB) and an issue body
 * (65,536 characters). Text over a limit is cut at a line break and ends with a note saying so.
 */

/** A step's job summary: GitHub refuses more than 1 MiB. Some room is left for the post step's part. */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 64 * 1024
/** An issue body: GitHub refuses more than 65,536 characters. */
export const ISSUE_BODY_MAX_CHARS = 65_536 - 1_024

const NOTE = "\n\n_(Truncated: the full text is over GitHub's size limit; the step's log has every line.)_\n"

/** `text` cut to at most `maxBytes` of UTF-8 (note included), at a line break, never inside a character. */
export function capUtf8Bytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text
  const room = Math.max(0, maxBytes - Buffer.byteLength(NOTE, 'utf8'))
  // Decoding a cut buffer may end in a replacement character for a split one: drop back to the last line break.
  const head = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8')
  const cut = head.lastIndexOf('\n')
  return (cut > 0 ? head.slice(0, cut) : head.replace(/\uFFFD$/, '')) + NOTE
}

/** `text` cut to at most `maxChars` UTF-16 characters (note included), at a line break. */
export function capChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const head = text.slice(0, Math.max(0, maxChars - NOTE.length))
  const cut = head.lastIndexOf('\n')
  return (cut > 0 ? head.slice(0, cut) : head) + NOTE
}
