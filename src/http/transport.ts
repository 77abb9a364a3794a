/**
 * What carries one HTTP request: the Transport interface, and the direct one over node:http / node:https.
 * The proxy transport (undici, loaded only behind a proxy) lives in undici-transport.ts.
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions as NodeRequestOptions } from 'node:http'
import { ResponseError } from '../errors.js'
export interface TransportRequest {
  url: URL
  method: string
  headers: Record<string, string>
  body?: string
  signal: AbortSignal
  timeoutMs: number
  maxBodyBytes: number
  /** For error messages: "whoami (GET https://host/-/whoami)". */
  where: string
}
export interface TransportResponse {
  status: number
  headers: Record<string, string>
  text: string
}
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

/**
 * Direct connections: node:http / node:https (built in, nothing to load), redirects left to us.
 * Not Node's fetch: its body stream reads ahead of the reader, so cutting off a 10 MB answer after
 * 1 MiB still pulled several MB into memory (peak RSS +24 MB, __tests__/int/faults.int.test.ts);
 * a node:http response is paused while unread and destroyed at the cap. It also has no "bad port" list.
 */
interface NodeClient {
  request(url: URL, options: NodeRequestOptions, callback: (response: IncomingMessage) => void): ClientRequest
  agent: HttpAgent
}
const directClients = new Map<string, Promise<NodeClient>>()

/**
 * node:http or node:https with a keep-alive agent (whoami, the token list pages and the exchanges reuse
 * connections; free sockets are unref'd). Loaded on first use: node:https brings TLS, about 25 ms of
 * start-up that a plain-http registry never needs.
 */
function directClient(protocol: 'http:' | 'https:'): Promise<NodeClient> {
  let client = directClients.get(protocol)
  if (!client) {
    client =
      protocol === 'https:'
        ? import('node:https').then((m) => ({ request: m.request, agent: new m.Agent({ keepAlive: true }) }))
        : import('node:http').then((m) => ({ request: m.request, agent: new m.Agent({ keepAlive: true }) }))
    directClients.set(protocol, client)
  }
  return client
}

export const directTransport: Transport = async ({ url, method, headers, body, signal, maxBodyBytes, where }) => {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`)
  const client = await directClient(url.protocol)
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = client.request(url, { method, headers, signal, agent: client.agent }, (response) => {
      const status = response.statusCode ?? 0
      readCapped({ body: response, cancel: () => response.destroy(), max: maxBodyBytes, where, status }).then(
        (text) => resolve({ status, headers: flattenHeaders(response.headers), text }),
        reject,
      )
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** Reads a body up to `max` bytes; past that it stops reading (cancel) and fails: memory stays flat. */
export interface CappedBody {
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>
  /** Stops the transfer (destroys the stream) once the cap is passed. */
  cancel: () => void
  max: number
  /** For the error: "whoami (GET https://host/-/whoami)" and the answer's status. */
  where: string
  status: number
}

export async function readCapped({ body, cancel, max, where, status }: CappedBody): Promise<string> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > max) {
      cancel()
      throw new ResponseError(
        `${where}: the answer (HTTP ${status}) is larger than ${Math.round(max / 1024)} KiB; it was cut off. The URL is probably not an npm registry endpoint.`,
        status,
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
