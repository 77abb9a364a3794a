/** The Runner backed by the runner's command protocol: part of the shell, with main.ts and post.ts. */
import * as core from './runner-commands.js'
import type { Finding } from './assess.js'
import type { Runner } from './runner.js'

export function createCoreRunner(): Runner {
  return {
    env: process.env,
    info: (m) => core.info(m),
    debug: (m) => core.debug(m),
    notice: (m, title) => core.notice(m, title ? { title } : {}),
    warning: (m, title) => core.warning(m, title ? { title } : {}),
    mask(secret: string): void {
      if (!secret) return
      core.setSecret(secret)
      // The runner masks line by line: a multi-line value's lines are masked on their own too.
      for (const part of [secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())]) {
        if (part.length >= 4 && part !== secret) core.setSecret(part)
      }
    },
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    annotate(finding: Finding): void {
      const props = { title: finding.title }
      if (finding.level === 'error') core.error(finding.message, props)
      else if (finding.level === 'warning') core.warning(finding.message, props)
      else core.notice(finding.message, props)
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
