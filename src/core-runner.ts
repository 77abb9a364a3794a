/** The Runner backed by the runner's command protocol: part of the shell, with main.ts and post.ts. */
import * as core from './runner-commands.js'
import type { Finding } from './assess.js'
import type { Runner } from './runner.js'

export function createCoreRunner(): Runner {
  const secrets = new Set<string>()
  // The runner masks stdout too; redacting here as well keeps a secret echoed by a registry out even of
  // raw logs (and of our own tests' canary).
  const redact = (text: string): string => {
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) text = text.split(secret).join('***')
    return text
  }
  return {
    env: process.env,
    info: (m) => core.info(redact(m)),
    debug: (m) => core.debug(redact(m)),
    notice: (m, title) => core.notice(redact(m), title ? { title: redact(title) } : {}),
    warning: (m, title) => core.warning(redact(m), title ? { title: redact(title) } : {}),
    mask(secret: string): void {
      if (!secret) return
      core.setSecret(secret)
      secrets.add(secret)
      // The runner masks line by line: a multi-line value's lines are masked on their own too.
      for (const part of [secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())]) {
        if (part.length >= 4 && part !== secret) {
          core.setSecret(part)
          secrets.add(part)
        }
      }
    },
    redact,
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    annotate(finding: Finding): void {
      const props = { title: redact(finding.title) }
      const message = redact(finding.message)
      if (finding.level === 'error') core.error(message, props)
      else if (finding.level === 'warning') core.warning(message, props)
      else core.notice(message, props)
    },
    async group<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      core.startGroup(name)
      try {
        return await fn()
      } finally {
        core.endGroup()
      }
    },
  }
}
