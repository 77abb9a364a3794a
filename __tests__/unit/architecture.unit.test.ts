// The layout's rules (docs/ARCHITECTURE.md), checked on the source itself so a change that breaks one
// fails here rather than in review: dependencies point one way, only the entry points touch the process,
// and every output the action declares is one the code can set.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { OUTPUT_NAMES } from '../../src/report/outputs.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const src = path.join(root, 'src')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.ts') ? [full] : []
  })
}

/** 'action/run.ts' → 'action'; 'types.ts' → '' (top level). */
const folderOf = (file: string) => {
  const rel = path.relative(src, file)
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : ''
}

const files = walk(src).map((file) => {
  const text = readFileSync(file, 'utf8')
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') // comments may name anything
  const imports = [...code.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)].map((m) => m[1])
  const local = imports.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')))
  return { file, rel: path.relative(src, file), folder: folderOf(file), code, imports, local }
})

/** The lower a layer, the less it may know: a folder may import only from its own layer's rank or below. */
const RANK: Record<string, number> = {
  '': 0, // types.ts, errors.ts
  util: 0,
  ports: 0,
  http: 1,
  project: 2,
  github: 2,
  tokens: 6,
  registry: 3,
  settings: 4,
  'config-files': 4,
  check: 4,
  oidc: 5,
  auth: 5,
  issue: 5,
  report: 6,
  publishing: 5,
  diagnose: 6,
  action: 9,
  cli: 9,
}

describe('architecture', () => {
  it('knows every folder of src/', () => {
    expect(files.length).toBeGreaterThan(30)
    for (const f of files) expect(Object.keys(RANK)).toContain(f.folder)
  })

  it('dependencies point one way: entry points → domain → http/util/ports', () => {
    const wrong: string[] = []
    for (const f of files) {
      for (const target of f.local) {
        const to = folderOf(target)
        if (to === f.folder) continue
        if (RANK[to] > RANK[f.folder] || (RANK[to] === RANK[f.folder] && RANK[to] === 9)) wrong.push(`${f.rel} → ${path.relative(src, target)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('only the entry points touch the process (env, exit, argv)', () => {
    const touching = files.filter((f) => f.folder !== 'action' && f.folder !== 'cli' && /\bprocess\.(env|exit|exitCode|argv)\b/.test(f.code))
    expect(touching.map((f) => f.rel)).toEqual([])
  })

  it('@actions/* is loaded lazily, and only by the action and the GitHub issues adapter', () => {
    const users = files.filter((f) => f.imports.some((s) => s.startsWith('@actions/')))
    expect(users.map((f) => f.rel).sort()).toEqual(['issue/github-issues-api.ts'])
    for (const f of users) expect(f.code).not.toMatch(/^import [^\n]*'@actions\//m)
  })

  it('entry points only wire: no function of their own', () => {
    for (const entry of ['action/main.ts', 'action/post.ts', 'cli/main.ts']) {
      const f = files.find((x) => x.rel === entry)!
      expect(f.code).not.toMatch(/\bfunction\b|=>\s*{/)
      expect(f.code.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10)
    }
  })

  it('OUTPUT_NAMES are exactly the outputs action.yml declares', () => {
    const action = parseYaml(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }
    expect([...OUTPUT_NAMES].sort()).toEqual(Object.keys(action.outputs).sort())
  })
})
