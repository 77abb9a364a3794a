/**
 * The ActionRunner over the runner's workflow commands: how the action's core talks to GitHub's runner.
 * Masks are also applied here (redact) to everything we print ourselves, so a secret a registry echoes
 * stays out even of raw logs and of our tests' canary.
 */
import type { ActionRunner } from '../ports/runner.js'
import type { Finding } from '../types.js'
import * as commands from './workflow-commands.js'

export function createGitHubRunner(env: NodeJS.ProcessEnv): ActionRunner {
  const secrets = new Set<string>()
  const redact = (text: string): string => {
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) text = text.split(secret).join('***')
    return text
  }
  const titled = (title: string | undefined) => (title ? { title: redact(title) } : {})
  return {
    env,
    info: (m) => commands.info(redact(m)),
    debug: (m) => commands.debug(redact(m)),
    notice: (m, title) => commands.notice(redact(m), titled(title)),
    warning: (m, title) => commands.warning(redact(m), titled(title)),
    mask(secret: string): void {
      if (!secret) return
      commands.setSecret(secret)
      secrets.add(secret)
      // The runner masks line by line: a multi-line value's lines are masked on their own too.
      for (const part of [secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())]) {
        if (part.length >= 4 && part !== secret) {
          commands.setSecret(part)
          secrets.add(part)
        }
      }
    },
    redact,
    exportVariable: (name, value) => commands.exportVariable(name, value),
    saveState: (name, value) => commands.saveState(name, value),
    annotate(finding: Finding): void {
      const props = { title: redact(finding.title) }
      const message = redact(finding.message)
      if (finding.level === 'error') commands.error(message, props)
      else if (finding.level === 'warning') commands.warning(message, props)
      else commands.notice(message, props)
    },
    async group<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      commands.startGroup(name)
      try {
        return await fn()
      } finally {
        commands.endGroup()
      }
    },
    getInput: (name) => commands.getInput(name),
    setOutput: (name, value) => commands.setOutput(name, redact(value)),
    appendSummary: (markdown) => commands.appendSummary(redact(markdown)),
    hasSummary: () => Boolean(env.GITHUB_STEP_SUMMARY),
    fail(message?: string): void {
      process.exitCode = 1
      if (message !== undefined) commands.error(redact(message))
    },
  }
}
