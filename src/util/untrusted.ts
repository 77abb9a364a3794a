/**
 * Text that came from outside (a registry's answer, a package.json, ID-token claims, a file) made safe
 * to print: in the runner's log no line of it can start a workflow command (`::error::`,
 * `::stop-commands::`, `::save-state …`, the legacy `##[…]`), and no control character or ANSI escape
 * reaches a terminal or a Markdown file as itself. Pure; used by the action's runner, the CLI's output,
 * the job summary and the issue body.
 */

// C0 controls except tab and line feed, DEL, C1 controls (0x9b is the one-byte CSI), line/paragraph separators, bidi controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const shown = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * Control characters shown escaped as `\uNNNN` (valid inside a JSON string too), line feeds kept unless
 * `singleLine`, in which case they are shown as `\n`. A CR is shown escaped: it could hide what precedes it.
 */
export function escapeControls(text: string, singleLine = false): string {
  const out = text.replace(CONTROL, shown)
  return singleLine ? out.replace(/\n/g, '\\n') : out
}

/**
 * A log line can never start a runner command: the runner trims leading white space, then looks for
 * `::`; the legacy `##[` form is looked for anywhere in the line. Both get a backslash.
 */
export function neutraliseLine(line: string): string {
  return line.replace(/^(\s*)::/, '$1\\::').replace(/##\[/g, '##\\[')
}

/** Text for the runner's log (and the CLI's streams): controls escaped, every line neutralised. */
export function neutraliseLog(text: string): string {
  return escapeControls(text).split('\n').map(neutraliseLine).join('\n')
}

/** Whether a value from outside is one plain line: no control characters, not empty, no longer than `max`. */
export function isPlainLine(value: string, max = 256): boolean {
  CONTROL.lastIndex = 0
  return value !== '' && value.length <= max && !value.includes('\n') && !CONTROL.test(value) && !/^\s*::/.test(value)
}

/**
 * Markdown (job summary, issue body) of a value from outside: HTML, links, images, mentions and
 * references cannot form; controls are escaped, line breaks become spaces.
 */
export function escapeMarkdownText(value: string): string {
  return (
    escapeControls(value.replace(/[\r\n]+/g, ' '))
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A zero-width space after @ and # (as Renovate does): no mention, no issue reference survives rendering.
      .replace(/@/g, '@&#8203;')
      .replace(/#(?!8203;)/g, '#&#8203;')
      .replace(/\[/g, '&#91;')
      .replace(/\]/g, '&#93;')
  )
}

/**
 * Markdown of a text that marks code with backticks (our advice, a registry's words quoted in it): code
 * spans keep their text as it is (a code span shows `<` as itself, so escaping it there would show
 * `&lt;`), everything else is escaped as escapeMarkdownText does, with backslashes kept literal. Spans are
 * paired as CommonMark pairs them (a run of N backticks closes at the next run of exactly N); a run that
 * closes nothing is escaped, so no text outside a span is ever taken raw. Line breaks become spaces.
 */
export function escapeMarkdownInline(value: string): string {
  const text = escapeControls(value.replace(/[\r\n]+/g, ' '))
  let out = ''
  let plain = ''
  const flush = (beforeCode = false) => {
    const escaped = escapeMarkdownText(plain.replace(/\\/g, '\\\\').replace(/`/g, '\\`'))
    // A bare address running up to a code span would be taken as a link reaching into it by some renderers: a space ends it.
    out += beforeCode && /(?:https?:\/\/|www\.)[^\s<]*$/i.test(escaped) ? `${escaped} ` : escaped
    plain = ''
  }
  for (let i = 0; i < text.length;) {
    if (text[i] !== '`') {
      plain += text[i++]
      continue
    }
    let n = 0
    while (text[i + n] === '`') n++
    const fence = '`'.repeat(n)
    let close = -1
    for (let j = text.indexOf(fence, i + n); j >= 0; j = text.indexOf(fence, j + 1)) {
      if (text[j - 1] !== '`' && text[j + n] !== '`') {
        close = j
        break
      }
      while (text[j + 1] === '`') j++
    }
    if (close < 0) {
      plain += fence // escaped by flush (\`): it opens nothing
      i += n
      continue
    }
    flush(true)
    out += text.slice(i, close + n)
    i = close + n
  }
  flush()
  return out
}
