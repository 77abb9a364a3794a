// A loopback reverse proxy that sits in front of one of our fakes (registry, ID-token endpoint, GitHub
// API) and injects the harness's one fault vocabulary (faults.ts) into any of them: statuses (with
// headers), a connection reset, a server that never answers, HTML pages, truncated JSON, a huge body,
// a redirect to another host.
// Requests that no fault matches are passed to the fake unchanged, so the rest of the run is real.
// It records every request it received (with headers), faulted or not. node:http only.
import http from 'node:http'
import { answerFault, FaultQueue, type Fault } from './faults.ts'
import { listenOnLoopback, sendJson } from './loopback.ts'

export interface FrontRequest {
  method: string
  /** Path and query as received. */
  path: string
  headers: http.IncomingHttpHeaders
  /** The fault applied (undefined when passed through). */
  fault: Fault | undefined
}

export interface FaultFront {
  /** 'http://127.0.0.1:PORT' */
  origin: string
  port: number
  requests: FrontRequest[]
  /** Applies `fault` to the next `times` requests whose `METHOD path` matches (default: every one). */
  inject(matcher: RegExp, fault: Fault, times?: number): void
  /** Requests whose `METHOD path` matches. */
  seen(matcher: RegExp): FrontRequest[]
  stop(): Promise<void>
}

export async function startFaultFront(upstream: string): Promise<FaultFront> {
  const target = new URL(upstream)
  const faults = new FaultQueue()
  const requests: FrontRequest[] = []
  const agent = new http.Agent({ keepAlive: false })

  function pass(req: http.IncomingMessage, res: http.ServerResponse): void {
    const headers = { ...req.headers, host: target.host }
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    out.on('error', () => res.destroy())
    req.pipe(out)
  }

  const loopback = await listenOnLoopback(
    (req, res) => {
      const key = `${req.method ?? 'GET'} ${req.url ?? '/'}`
      const fault = faults.take(key)
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, fault })
      if (!fault) return pass(req, res)
      answerFault(fault, req, res, { defaultBody: (status) => ({ message: `injected ${status}`, error: `injected ${status}` }) })
        .then((answered) => {
          if (answered === false) pass(req, res) // only delayed
        })
        .catch(() => res.destroy())
    },
    () => agent.destroy(),
  )
  const port = loopback.port
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject(matcher, fault, times = Number.POSITIVE_INFINITY) {
      faults.add(matcher, fault, times)
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
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, fault: undefined })
    sendJson(res, status, { message: 'Requires authentication' })
  })
  return { origin: loopback.origin, requests, stop: loopback.stop }
}
