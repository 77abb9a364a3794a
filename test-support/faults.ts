// One fault vocabulary for every loopback server of the harness (the npmjs-protocol fake, the GitHub API
// fake, the ID-token endpoint, the fault-injecting front), one queue that hands faults out to matching
// requests, and one way to answer with them.
import type http from 'node:http'
import { resetConnection } from './loopback.ts'

export type Fault =
  /** Answer with this status; `body` defaults per server (a string is sent as text/plain, anything else as JSON). */
  | { status: number; body?: string | object; headers?: Record<string, string> }
  /** Never answer (the server's stop() destroys the socket). */
  | { hang: true }
  /** End the connection with a TCP RST. */
  | { reset: true }
  /** An nginx-style HTML error page, with this status (default 502). */
  | { html: true; status?: number }
  /** 200 application/json, well framed, whose JSON is cut short. */
  | { truncatedJson: true }
  /** 200 application/json of exactly this many bytes, streamed with backpressure; chunked unless contentLength. */
  | { hugeBody: number; contentLength?: boolean }
  /** 302 (or `status`) to this absolute Location. */
  | { redirect: string; status?: number }
  /** Wait, then let the request take its normal course. */
  | { delayMs: number }

/** A string matches a request key that contains it; a RegExp one it matches. */
export type FaultMatcher = string | RegExp

export const HTML_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
export const TRUNCATED_JSON = '{"username":"octo-user","objects":[{"token":"npm_'

/** Faults waiting for requests: each is handed to the first `times` requests its matcher matches, in the order queued. */
export class FaultQueue {
  readonly #queue: Array<{ matcher: FaultMatcher; fault: Fault; left: number }> = []

  /** Queues `fault` for the next `times` matching requests (default 1; Infinity: every one). */
  add(matcher: FaultMatcher, fault: Fault, times = 1): void {
    if (times > 0) this.#queue.push({ matcher, fault, left: times })
  }

  /** The fault for a request with this key (e.g. `GET /-/whoami`), if one is queued for it; consumes one use. */
  take(key: string): Fault | undefined {
    const index = this.#queue.findIndex(({ matcher }) => {
      if (typeof matcher === 'string') return key.includes(matcher)
      matcher.lastIndex = 0 // a /g RegExp keeps state between test() calls
      return matcher.test(key)
    })
    if (index < 0) return undefined
    const entry = this.#queue[index]
    if (--entry.left <= 0) this.#queue.splice(index, 1)
    return entry.fault
  }

  /** Uses left over all queued faults. */
  pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.left, 0)
  }

  clear(): void {
    this.#queue.length = 0
  }
}

export interface AnswerOptions {
  /** The body of a `{ status }` fault that gives none. Default `{ error: 'injected <status>' }`. */
  defaultBody?: (status: number) => string | object
  /** Headers added to a `{ status }` answer (the fault's own win). */
  headers?: Record<string, string>
}

/**
 * Applies `fault` to a request. Returns the status it answered with, null when it never answers
 * (hang, reset), or false when it only delayed the request, which should then take its normal course.
 */
export async function answerFault(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse, opts: AnswerOptions = {}): Promise<number | null | false> {
  if ('delayMs' in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    return false
  }
  req.resume() // a body nobody reads must not stall the connection
  if ('hang' in fault) return null
  if ('reset' in fault) {
    resetConnection(req.socket)
    return null
  }
  if ('html' in fault) {
    const status = fault.status ?? 502
    res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HTML_ERROR_PAGE) })
    res.end(HTML_ERROR_PAGE)
    return status
  }
  if ('truncatedJson' in fault) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(TRUNCATED_JSON) })
    res.end(TRUNCATED_JSON)
    return 200
  }
  if ('hugeBody' in fault) {
    await streamHugeBody(res, fault.hugeBody, fault.contentLength ?? false)
    return 200
  }
  if ('redirect' in fault) {
    const status = fault.status ?? 302
    res.writeHead(status, { location: fault.redirect, 'content-length': 0 })
    res.end()
    return status
  }
  const body = fault.body ?? opts.defaultBody?.(fault.status) ?? { error: `injected ${fault.status}` }
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const contentType = typeof body === 'string' ? 'text/plain' : 'application/json'
  res.writeHead(fault.status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...opts.headers, ...fault.headers })
  res.end(text)
  return fault.status
}

/** `total` bytes of a JSON-looking body, with backpressure, stopping when the client goes away. */
async function streamHugeBody(res: http.ServerResponse, total: number, contentLength: boolean): Promise<void> {
  const headers: Record<string, string | number> = { 'content-type': 'application/json' }
  if (contentLength) headers['content-length'] = total
  res.writeHead(200, headers)
  const head = '{"username":"'
  const foot = '"}'
  const fill = Buffer.alloc(64 * 1024, 'a')
  let sent = 0
  const write = (buf: Buffer): boolean => {
    sent += buf.length
    return res.write(buf)
  }
  write(Buffer.from(head.slice(0, Math.min(head.length, total))))
  const bodyEnd = Math.max(sent, total - foot.length)
  while (sent < bodyEnd && !res.destroyed) {
    const n = Math.min(fill.length, bodyEnd - sent)
    if (!write(fill.subarray(0, n))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
  }
  if (!res.destroyed) res.end(Buffer.from(foot.slice(0, Math.max(0, total - sent))))
}
