/**
 * Explanations as the user reads them: an annotation's message, a section of the job summary, lines on
 * a terminal. Every text from npm's log is scrubbed of anything shaped like a credential first (the log
 * can hold URLs with userinfo, or a token a registry echoed), then escaped for where it goes.
 */
import { cell } from '../report/summary.js'
import type { Explanation } from './classify.js'

/** Credential shapes that can appear in npm's log or a registry's words, and what replaces them. */
const SECRET_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\bnpm_[A-Za-z0-9]{36}\b/g, '***'], // npm granular and session tokens
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, '***'], // GitHub tokens
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, '***'], // JWTs (ID tokens)
  [/((?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)\s*[=:]\s*)[^\s'"]+/gi, '$1***'],
  [/(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***'],
  [/(\/\/)[^/\s@]+@/g, '$1***@'], // URL userinfo
]

export function scrubSecrets(text: string): string {
  return SECRET_SHAPES.reduce((out, [shape, replacement]) => out.replace(shape, replacement), text)
}

/** The annotation for one failed command: title = the cause in a few words. */
export function explanationAnnotation(e: Explanation): { title: string; message: string } {
  return {
    title: scrubSecrets(e.title),
    message: scrubSecrets(
      [`${e.command}${e.packageName ? ` (${e.packageName})` : ''} failed.`, `npm said: ${e.npmSaid}`, `Why: ${e.why}`, `Fix: ${e.fix}`].join('\n'),
    ),
  }
}

/** "Why the publish failed": one entry per failed command, for the job summary (Markdown). */
export function explanationsMarkdown(explanations: readonly Explanation[]): string {
  if (explanations.length === 0) return ''
  const lines = ['## Why the publish failed', '']
  for (const e of explanations) {
    const t = (text: string) => cell(scrubSecrets(text))
    lines.push(`### ${t(e.title)}`, '', `- **Command:** ${t(e.command)}${e.packageName ? ` (${t(e.packageName)})` : ''}`)
    lines.push(`- **npm said:** ${t(e.npmSaid)}`, `- **Why:** ${t(e.why)}`, `- **Fix:** ${t(e.fix)}`, '')
  }
  return lines.join('\n')
}

/** For a terminal (setup-npm-auth explain). */
export function explanationText(e: Explanation): string {
  const { title, message } = explanationAnnotation(e)
  return `${title}\n  ${message.replace(/\n/g, '\n  ')}\n  (from ${scrubSecrets(e.file)})\n`
}
