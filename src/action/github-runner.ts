/**
 * The ActionRunner over the runner's workflow commands: how the action's core talks to GitHub's runner.
 * Masks are also applied here (redact, the shared Redactor) to everything we print ourselves, so a secret
 * a registry echoes stays out even of raw logs and of our tests' canary, in any case or URL-encoded.
 * Everything printed is also neutralised here, once for every call site: no line of a message can start a
 * workflow command, and control characters and ANSI escapes are shown escaped (util/untrusted.ts).
 */
import type { ActionRunner } from '../ports/runner.js'
import type { Finding } from '../types.js'
import { MIN_SECRET_LENGTH, Redactor } from '../util/redactor.js'
import { describeError } from '../errors.js'
import { escapeControls, neutraliseLog } from '../util/untrusted.js'
import * as commands from './workflow-commands.js'

export function createGitHubRunner(env: NodeJS.ProcessEnv): ActionRunner {
  const redactor = new Redactor()
  const redact = (text: string): string => redactor.redact(text)
  // Annotations and debug lines are one command each (line breaks are escaped by the protocol): controls escaped.
  const clean = (text: string): string => escapeControls(redact(text))
  const titled = (title: string | undefined) => (title ? { title: clean(title) } : {})
  return {
    env,
    info: (m) => commands.info(neutraliseLog(redact(m))),
    debug: (m) => commands.debug(clean(m)),
    notice: (m, title) => commands.notice(clean(m), titled(title)),
    warning: (m, title) => commands.warning(clean(m), titled(title)),
    mask(secret: string): void {
      // A value shorter than a credential can be is not masked: masking "1" would blank every 1 in the log.
      if (!redactor.add(secret)) return
      commands.setSecret(secret)
      // The runner masks line by line: a multi-line value's lines are masked on their own too.
      for (const part of new Set([secret.trim(), ...secret.split(/\r?\n/).map((l) => l.trim())])) {
        if (part.length >= MIN_SECRET_LENGTH && part !== secret) commands.setSecret(part)
      }
    },
    redact,
    exportVariable: (name, value) => commands.exportVariable(name, value),
    saveState: (name, value) => commands.saveState(name, value),
    annotate(finding: Finding): void {
      const props = { title: clean(finding.title) }
      const message = clean(finding.message)
      if (finding.level === 'error') commands.error(message, props)
      else if (finding.level === 'warning') commands.warning(message, props)
      else commands.notice(message, props)
    },
    group: <T>(name: string, fn: () => Promise<T> | T, result?: (value: T) => string) => titledGroup(name, fn, result, clean),
    getInput: (name) => commands.getInput(name),
    setOutput: (name, value) => commands.setOutput(name, redact(value)),
    appendSummary: (markdown) => commands.appendSummary(redact(markdown)),
    hasSummary: () => Boolean(env.GITHUB_STEP_SUMMARY),
    fail(message?: string): void {
      process.exitCode = 1
      if (message !== undefined) commands.error(clean(message))
    },
  }
}

/** A phase still running after this long shows its lines live, under its name, and its result as the last line. */
const LIVE_AFTER_MS = 10_000
let grouping = false

/**
 * A group titled with its result. The runner prints a group's title where it starts, so the phase's
 * lines are held until it ends, then printed under `Name: result` (`Name: failed — why` when it threw).
 * A phase that logged nothing is one line, never an empty group; one that runs long (an npm install)
 * starts its group live, under its name, and ends with the result. The runner has no nested groups: a
 * group inside another is part of it.
 */
async function titledGroup<T>(name: string, fn: () => Promise<T> | T, result: ((value: T) => string) | undefined, clean: (text: string) => string): Promise<T> {
  if (grouping) return fn()
  grouping = true
  const held: string[] = []
  let live = false
  commands.holdOutput((text) => held.push(text))
  const goLive = setTimeout(() => {
    live = true
    commands.holdOutput(undefined)
    commands.startGroup(clean(`${name} (running)`))
    held.splice(0).forEach(commands.emit)
  }, LIVE_AFTER_MS)
  goLive.unref()
  let title = name
  try {
    const value = await fn()
    if (result) title = `${name}: ${result(value)}`
    return value
  } catch (error) {
    const why = describeError(error)
      .split(/(?<=\.)\s/)[0]
      .slice(0, 160)
    title = `${name}: failed — ${why}`
    throw error
  } finally {
    clearTimeout(goLive)
    commands.holdOutput(undefined)
    grouping = false
    const heading = clean(title).replace(/\s+/g, ' ')
    if (live) {
      commands.info(heading)
      commands.endGroup()
    } else if (held.length === 0) {
      commands.info(heading)
    } else {
      commands.startGroup(heading)
      held.forEach(commands.emit)
      commands.endGroup()
    }
  }
}
