/**
 * Proxy selection from the environment, as curl and npm read it: HTTPS_PROXY / HTTP_PROXY (either
 * case) by the target's scheme, NO_PROXY entries (`*`, `host`, `.domain`, `*.domain`, `domain`,
 * `host:port`, IPv4 and IPv6 addresses, bracketed or not) bypassing it. Addresses match exactly, names
 * also by domain suffix; no CIDR ranges (npm has none either). No DNS: `localhost` does not cover
 * 127.0.0.1. Pure: the dispatchers live in undici-transport.ts, loaded only when a proxy applies.
 */
import { isIP } from 'node:net'

/** An IPv6 address in the form URL.hostname gives it (compressed, lower case); anything else unchanged. */
function normaliseIpv6(host: string): string {
  if (!host.includes(':')) return host
  try {
    return new URL(`http://[${host}]/`).hostname.slice(1, -1)
  } catch {
    return host
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (`::1`: more than one ':', no port). */
function splitHostPort(entry: string): [string, string | undefined] {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']')
    return [entry.slice(1, end < 0 ? undefined : end), end < 0 ? undefined : entry.slice(end + 1).replace(/^:/, '') || undefined]
  }
  const colons = entry.split(':').length - 1
  if (colons > 1) return [entry, undefined]
  const [host, port] = entry.split(':')
  return [host, port || undefined]
}

export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return true
    const [entryHost, entryPort] = splitHostPort(entry)
    if (entryPort && entryPort !== port) continue
    const bare = normaliseIpv6(entryHost.replace(/^\*?\./, ''))
    if (host === bare) return true
    // Domain suffixes apply to names only: NO_PROXY=0.1 must not cover 127.0.0.1.
    if (isIP(host) === 0 && host.endsWith(`.${bare}`)) return true
  }
  return false
}

/** The proxy URL for a request to `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = url.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy')
  if (!proxy || bypassesProxy(url, envValue(env, 'no_proxy'))) return undefined
  return proxy
}
