// Our runner-command writer against @actions/core as the oracle: the same calls must put the same bytes
// on stdout and in the GITHUB_* files (heredoc delimiters aside, which are random in both).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ours from '../../src/action/workflow-commands.js'

const FILES = ['OUTPUT', 'ENV', 'STATE', 'STEP_SUMMARY'] as const
let dir: string
let saved: NodeJS.ProcessEnv

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-commands-'))
  saved = { ...process.env }
})
afterEach(() => {
  process.env = saved
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `fn` with fresh command files, capturing stdout; returns what was written, delimiters normalised. */
async function capture(label: string, fn: () => void | Promise<void>): Promise<{ stdout: string; files: Record<string, string> }> {
  for (const f of FILES) {
    const path = join(dir, `${label}-${f}`)
    writeFileSync(path, '')
    process.env[`GITHUB_${f}`] = path
  }
  const write = process.stdout.write.bind(process.stdout)
  let stdout = ''
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  }
  const exitCode = process.exitCode
  try {
    await fn()
  } finally {
    process.stdout.write = write
    process.exitCode = exitCode
  }
  const norm = (s: string) => s.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X')
  return {
    stdout: norm(stdout),
    files: Object.fromEntries(FILES.map((f) => [f, norm(readFileSync(join(dir, `${label}-${f}`), 'utf8'))])),
  }
}

const awkward = ['plain', '', 'multi\nline\r\nvalue', '100% sure: a, b', '::add-mask::x', 'üñí©ødé', '  padded  ']

describe('runner-commands writes what @actions/core writes', () => {
  it.each(awkward)('outputs, env, state and masks for %j', async (value) => {
    const run = (lib: typeof ours | typeof core) => () => {
      lib.setOutput('out-name', value)
      lib.exportVariable('SOME_VAR', value)
      lib.saveState('state-key', value)
      lib.setSecret(value)
    }
    expect(await capture('ours', run(ours))).toEqual(await capture('core', run(core)))
  })

  it.each(awkward)('annotations, groups and logs for %j', async (value) => {
    const props = { title: `t ${value}`, file: 'src/a,b.ts', startLine: 3, endLine: 4, startColumn: 1, endColumn: 9 }
    const a = await capture('ours', () => {
      ours.info(value)
      ours.debug(value)
      ours.notice(value, props)
      ours.warning(value, { title: value })
      ours.error(value)
      ours.startGroup(value)
      ours.endGroup()
    })
    const b = await capture('core', () => {
      core.info(value)
      core.debug(value)
      core.notice(value, props)
      core.warning(value, { title: value })
      core.error(value)
      core.startGroup(value)
      core.endGroup()
    })
    expect(a).toEqual(b)
  })

  it('reads inputs and state like the toolkit (spaces to underscores, upper case, trimmed)', () => {
    process.env['INPUT_REGISTRY-URL'] = '  https://registry.example.test/  '
    process.env['INPUT_SOME_NAME'] = 'x'
    process.env.STATE_npmrc = '/tmp/.npmrc'
    expect(ours.getInput('registry-url')).toBe(core.getInput('registry-url'))
    expect(ours.getInput('some name')).toBe(core.getInput('some name'))
    expect(ours.getInput('missing')).toBe(core.getInput('missing'))
    expect(ours.getState('npmrc')).toBe(core.getState('npmrc'))
  })

  it('appends the summary as core.summary does', async () => {
    const md = '## title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    const a = await capture('ours', () => ours.appendSummary(md))
    const b = await capture('core', async () => {
      await core.summary.addRaw(md).write()
      core.summary.emptyBuffer()
    })
    expect(a).toEqual(b)
  })

  it('setFailed sets exit code 1 and prints the error annotation', async () => {
    let code: number | string | null | undefined
    const a = await capture('ours', () => {
      ours.setFailed('broken: 50%')
      code = process.exitCode
    })
    expect(code).toBe(1)
    expect(a).toEqual(await capture('core', () => core.setFailed('broken: 50%')))
  })

  it('refuses a value that contains the heredoc delimiter (no injected lines)', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'inject')
    writeFileSync(process.env.GITHUB_OUTPUT, '')
    // The delimiter is random per call, so no fixed value can hit it; what matters is that a value with
    // newlines cannot add a second key: it stays inside one heredoc.
    ours.setOutput('a', 'x\nb<<EOF\ninjected\nEOF')
    const text = readFileSync(process.env.GITHUB_OUTPUT, 'utf8')
    expect(text.split('\n')[0]).toMatch(/^a<<ghadelimiter_[0-9a-f-]{36}$/)
    expect(text.trimEnd().split('\n').at(-1)).toBe(text.split('\n')[0].slice(3))
  })
})
