/**
 * The proxy transport: the undici package (ProxyAgent, tunnelling with CONNECT). Imported lazily by
 * client.ts only when a request goes through a proxy, so a direct run never loads it.
 */
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici'
import { flattenHeaders, readCapped, type Transport } from './transport.js'
import { proxyFor } from './proxy.js'

/** One dispatcher per proxy URL (and one direct), reused across requests. */
export class ProxyRouter {
  private direct: Agent | undefined
  private readonly proxies = new Map<string, ProxyAgent>()

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  dispatcherFor(url: URL): Dispatcher {
    const proxy = proxyFor(url, this.env)
    if (!proxy) return (this.direct ??= new Agent())
    let agent = this.proxies.get(proxy)
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy })
      this.proxies.set(proxy, agent)
    }
    return agent
  }
}

/** One router per environment, so connections to a proxy are reused across clients of one run. */
const routers = new WeakMap<NodeJS.ProcessEnv, ProxyRouter>()

export function undiciTransport(env: NodeJS.ProcessEnv, fixed?: Dispatcher): Transport {
  return async ({ url, method, headers, body, signal, timeoutMs, maxBodyBytes, where }) => {
    let router = routers.get(env)
    if (!router) routers.set(env, (router = new ProxyRouter(env)))
    const response = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      dispatcher: fixed ?? router.dispatcherFor(url),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    const text = await readCapped({ body: response.body, cancel: () => response.body.destroy(), max: maxBodyBytes, where, status: response.statusCode })
    return { status: response.statusCode, headers: flattenHeaders(response.headers), text }
  }
}
