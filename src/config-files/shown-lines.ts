/**
 * What the main step logs of a config file it wrote: only our block (never the user's other lines),
 * and in it every credential value replaced by `***` — the .yarnrc.yml block carries the user's other
 * npmRegistries entries, which may hold their tokens. A value that only references an environment
 * variable (`${NODE_AUTH_TOKEN}`) is shown: it is no secret, and it is what the reader needs to see.
 */

/** Keys whose values are credentials (npm's and Yarn's), by the name after the last `:` or the YAML key. */
const CREDENTIAL_KEY = /^_auth|_password|token|password|passwd|secret|authident|^key$|^cert$/i

/** `${VAR}`, `${VAR:-}`, `${VAR-default}`, quoted or not. */
const ENV_REFERENCE = /^(["']?)\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}\1$/

function credentialKey(key: string): boolean {
  const name = key
    .trim()
    .replace(/^["']|["']$/g, '')
    .split(':')
    .pop()!
  return CREDENTIAL_KEY.test(name)
}

/** One line of .npmrc (`key=value`) or YAML (`key: value`) with a credential value masked. */
export function maskCredentialLine(line: string): string {
  const ini = /^(\s*)([^=#;\s][^=]*?)(\s*=\s*)(.*)$/.exec(line)
  if (ini && !line.trimStart().startsWith('#') && credentialKey(ini[2]) && ini[4] !== '' && !ENV_REFERENCE.test(ini[4].trim())) {
    return `${ini[1]}${ini[2]}${ini[3]}***`
  }
  const yaml = /^(\s*-?\s*)("[^"]*"|'[^']*'|[^\s:#][^:]*?)(\s*:\s+)(\S.*)$/.exec(line)
  if (yaml && credentialKey(yaml[2]) && !ENV_REFERENCE.test(yaml[4].trim())) return `${yaml[1]}${yaml[2]}${yaml[3]}***`
  return line
}

/** The lines of the last block of ours in `text` (the one just written), credential values masked. */
export function shownBlock(text: string): string {
  const lines = text.split(/\r?\n/)
  let start = -1
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('# >>> setup-npm-auth')) start = i
  if (start < 0) return ''
  const out: string[] = []
  for (let i = start; i < lines.length; i++) {
    if (!lines[i].startsWith('# setup-npm-auth run ')) out.push(maskCredentialLine(lines[i]))
    if (i > start && lines[i].startsWith('# <<< setup-npm-auth')) break
  }
  return out.join('\n')
}
