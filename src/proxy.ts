/**
 * Proxy selection from the environment, as curl and npm read it: HTTPS_PROXY / HTTP_PROXY (either
 * case) by the target's scheme, NO_PROXY entries (`*`, `host`, `.domain`, `domain`, `host:port`)
 * bypassing it. Pure: the dispatchers live in http-undici.ts, loaded only when a proxy applies.
 */

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined
}

export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return true
    const [entryHost, entryPort] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]] : entry.split(':')
    if (entryPort && entryPort !== port) continue
    const bare = entryHost.replace(/^\*?\./, '')
    if (host === bare || host.endsWith(`.${bare}`)) return true
  }
  return false
}

/** The proxy URL for a request to `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = url.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy')
  if (!proxy || bypassesProxy(url, envValue(env, 'no_proxy'))) return undefined
  return proxy
}
