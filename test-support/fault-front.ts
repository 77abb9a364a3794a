// A loopback reverse proxy that sits in front of one of our fakes (registry, ID-token endpoint, GitHub
// API) and injects one fault vocabulary into any of them: statuses (with headers), a connection reset,
// a server that never answers, HTML pages, truncated JSON, a huge body, a redirect to another host.
// Requests that no fault matches are passed to the fake unchanged, so the rest of the run is real.
// It records every request it received (with headers), faulted or not. node:http only.
import http from 'node:http'
import { listenOnLoopback, resetConnection } from './loopback.ts'

export type FrontFault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'html'; status: number }
  | { kind: 'truncated-json' }
  | { kind: 'huge-body'; bytes: number }
  | { kind: 'redirect'; location: string; status?: number }

export interface FrontRequest {
  method: string
  /** Path and query as received. */
  path: string
  headers: http.IncomingHttpHeaders
  /** The fault applied ('' when passed through). */
  fault: FrontFault['kind'] | ''
}

export interface FaultFront {
  /** 'http://127.0.0.1:PORT' */
  origin: string
  port: number
  requests: FrontRequest[]
  /** Applies `fault` to the next `times` requests whose `METHOD path` matches (default: every one). */
  inject(matcher: RegExp, fault: FrontFault, times?: number): void
  /** Requests whose `METHOD path` matches. */
  seen(matcher: RegExp): FrontRequest[]
  stop(): Promise<void>
}

export const HTML_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
export const TRUNCATED_JSON = '{"username":"octo-user","objects":[{"token":"npm_'

interface Rule {
  matcher: RegExp
  fault: FrontFault
  left: number
}

/** Streams `total` bytes of a JSON-looking body with backpressure, stopping when the client goes away. */
async function streamHuge(res: http.ServerResponse, total: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' })
  const fill = Buffer.alloc(64 * 1024, 'a')
  res.write('{"value":"')
  let sent = 10
  while (sent < total - 2 && !res.destroyed) {
    const n = Math.min(fill.length, total - 2 - sent)
    sent += n
    if (!res.write(fill.subarray(0, n))) {
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
  if (!res.destroyed) res.end('"}')
}

export async function startFaultFront(upstream: string): Promise<FaultFront> {
  const target = new URL(upstream)
  const rules: Rule[] = []
  const requests: FrontRequest[] = []
  const agent = new http.Agent({ keepAlive: false })

  function take(key: string): FrontFault | undefined {
    const rule = rules.find((r) => r.left > 0 && r.matcher.test(key))
    if (!rule) return undefined
    rule.left--
    return rule.fault
  }

  function pass(req: http.IncomingMessage, res: http.ServerResponse): void {
    const headers = { ...req.headers, host: target.host }
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    out.on('error', () => res.destroy())
    req.pipe(out)
  }

  async function apply(fault: FrontFault, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    req.resume()
    switch (fault.kind) {
      case 'hang':
        return // never answers; stop() destroys the socket
      case 'reset': {
        resetConnection(req.socket)
        return
      }
      case 'status': {
        const body = fault.body ?? JSON.stringify({ message: `injected ${fault.status}`, error: `injected ${fault.status}` })
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...fault.headers })
        res.end(body)
        return
      }
      case 'html':
        res.writeHead(fault.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HTML_ERROR_PAGE) })
        res.end(HTML_ERROR_PAGE)
        return
      case 'truncated-json':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(TRUNCATED_JSON) })
        res.end(TRUNCATED_JSON)
        return
      case 'huge-body':
        return streamHuge(res, fault.bytes)
      case 'redirect':
        res.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': 0 })
        res.end()
        return
    }
  }

  const loopback = await listenOnLoopback(
    (req, res) => {
      const key = `${req.method ?? 'GET'} ${req.url ?? '/'}`
      const fault = take(key)
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, fault: fault?.kind ?? '' })
      if (!fault) return pass(req, res)
      apply(fault, req, res).catch(() => res.destroy())
    },
    () => agent.destroy(),
  )
  const port = loopback.port
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject(matcher, fault, times = Number.POSITIVE_INFINITY) {
      rules.push({ matcher, fault, left: times })
    },
    seen: (matcher) => requests.filter((r) => matcher.test(`${r.method} ${r.path}`)),
    stop: loopback.stop,
  }
}

/** A loopback server standing for "another host": records every request (with headers) and answers `status`. */
export async function startElsewhere(status = 401): Promise<{ origin: string; requests: FrontRequest[]; stop(): Promise<void> }> {
  const requests: FrontRequest[] = []
  const loopback = await listenOnLoopback((req, res) => {
    req.resume()
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, fault: '' })
    const body = JSON.stringify({ message: 'Requires authentication' })
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  return { origin: loopback.origin, requests, stop: loopback.stop }
}
