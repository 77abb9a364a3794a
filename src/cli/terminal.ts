/**
 * The process's terminal for the CLI: whether questions can be asked, whether colour is wanted, and a
 * one-line prompt on stderr (hidden input for a password: nothing is echoed).
 */
import { createInterface } from 'node:readline'
import type { CliIo } from './io.js'

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb. */
export function wantsColour(env: NodeJS.ProcessEnv): boolean {
  return Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
}

/** Reads one line from the terminal after `question`; undefined on end of input. Gives up after `timeoutMs`. */
export function promptLine(question: string, opts: { hidden?: boolean; timeoutMs?: number } = {}): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    let answered = false
    const finish = (value: string | undefined) => {
      if (answered) return
      answered = true
      clearTimeout(timer)
      rl.close()
      if (opts.hidden) process.stderr.write('\n')
      resolve(value)
    }
    const timer = setTimeout(() => finish(undefined), opts.timeoutMs ?? 5 * 60_000)
    if (opts.hidden) {
      // Echo nothing of what is typed (readline writes through _writeToOutput).
      const writer = rl as unknown as { _writeToOutput: (s: string) => void }
      writer._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stderr.write(question)
      }
    }
    rl.question(question, (answer) => finish(answer.trim()))
    rl.on('close', () => finish(undefined))
  })
}

/** The CLI's io for this process: stdout/stderr, the terminal's prompt, colour as NO_COLOR and the TTY allow. */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    outSecret: (text) => void process.stdout.write(text),
    interactive: isInteractive(),
    colour: wantsColour(process.env),
    prompt: (question, opts) => promptLine(question, opts),
  }
}
