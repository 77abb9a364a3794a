/** Registry URLs as npm treats them: normalised with a trailing slash, and keyed for credentials. */

/** Registry URLs are compared and keyed with a trailing slash, as npm does. */
export function normaliseRegistryUrl(url: URL): URL {
  const out = new URL(url.href)
  out.search = ''
  out.hash = ''
  if (!out.pathname.endsWith('/')) out.pathname += '/'
  return out
}

/**
 * npm's key for a registry's credentials: `//host[:port]/dir/` — scheme, query and the last path
 * segment (when the URL does not end in '/') dropped, default ports omitted.
 */
export function registryKey(registry: URL | string): string {
  const parsed = new URL(registry)
  const from = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  const dir = new URL('.', from)
  return `//${dir.host}${dir.pathname}`
}

/** A loopback host: plain http there carries nothing over a network. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}
