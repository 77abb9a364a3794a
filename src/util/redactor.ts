/**
 * The one redactor the action (action/github-runner.ts) and the CLI (cli/run-cli.ts) share: every secret
 * it is given is replaced by `***` in text we print or write, in every spelling a registry may echo it in —
 * any letter case, URL-encoded (either hex case), base64 and base64 embedded in a longer value.
 *
 * A value shorter than MIN_SECRET_LENGTH is not a credential (no registry issues one): it is not
 * redacted, as blanking every "1" of every output would do more harm than good. The places that accept
 * a credential from outside (the OIDC exchange) refuse such a value instead of masking it.
 */

/** The shortest value taken as a credential. */
export const MIN_SECRET_LENGTH = 8

/** Whether a value can be a credential: long enough, one line of printable characters, no spaces. */
export function plausibleCredential(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !/[\s\u0000-\u001f\u007f-\u009f]/.test(value)
}

/** The spellings of a secret worth redacting (each at least MIN_SECRET_LENGTH long). */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret)])
  const bytes = Buffer.from(secret)
  forms.add(bytes.toString('base64'))
  forms.add(bytes.toString('base64url'))
  if (bytes.length >= 12) {
    // base64 of the secret inside a longer value (`_auth` = base64("user:" + secret)): for each byte
    // alignment, the middle of the encoding does not depend on the bytes around it.
    for (let shift = 0; shift < 3; shift++) {
      const b64 = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64')
      forms.add(b64.slice(shift ? 4 : 0, -4))
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Longer forms are replaced by exact match (and their lower and upper case): a huge value makes a regular expression too large. */
const MAX_PATTERN_LENGTH = 4096

type Replacer = (text: string) => string

function replacerFor(form: string): Replacer {
  if (form.length <= MAX_PATTERN_LENGTH) {
    const pattern = new RegExp(escapeRegExp(form), 'gi')
    return (text) => text.replace(pattern, '***')
  }
  const spellings = [...new Set([form, form.toLowerCase(), form.toUpperCase()])]
  return (text) => spellings.reduce((out, s) => out.split(s).join('***'), text)
}

export class Redactor {
  private readonly secrets = new Set<string>()
  private replacers: Replacer[] | undefined

  /** Adds a secret (and each of its lines, trimmed, as the runner masks line by line). Returns whether it was taken. */
  add(secret: string): boolean {
    const parts = [secret, secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())].filter((p) => p.length >= MIN_SECRET_LENGTH)
    for (const part of parts) this.secrets.add(part)
    if (parts.length > 0) this.replacers = undefined
    return parts.length > 0
  }

  get size(): number {
    return this.secrets.size
  }

  /** Every form of every secret replaced by `***`, letter case ignored. */
  redact(text: string): string {
    if (this.secrets.size === 0 || text === '') return text
    if (!this.replacers) {
      const forms = new Set<string>()
      for (const secret of this.secrets) for (const form of secretForms(secret)) forms.add(form)
      // Longest first, so a secret containing another is replaced whole.
      this.replacers = [...forms].sort((a, b) => b.length - a.length).map(replacerFor)
    }
    return this.replacers.reduce((out, replace) => replace(out), text)
  }
}
