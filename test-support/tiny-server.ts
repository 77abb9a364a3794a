// A loopback HTTP server for unit tests: node:http on 127.0.0.1, port 0. It records every request it
// receives (method, URL, headers) so a test can assert what reached it, and closes all its sockets.
import type http from 'node:http'
import { listenOnLoopback } from './loopback.ts'

export interface SeenRequest {
  method: string
  /** Path and query as sent. */
  url: string
  headers: http.IncomingHttpHeaders
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void | Promise<void>

export interface TinyServer {
  /** `http://127.0.0.1:PORT/` */
  origin: string
  /** A URL on this server (`path` relative to the origin). */
  url(path?: string): URL
  requests: SeenRequest[]
  close(): Promise<void>
}

export async function startServer(handler: Handler): Promise<TinyServer> {
  const requests: SeenRequest[] = []
  const loopback = await listenOnLoopback((req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers }
    requests.push(seen)
    Promise.resolve(handler(req, res, seen)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  const origin = `${loopback.origin}/`
  return {
    origin,
    url: (path = '') => new URL(path.replace(/^\//, ''), origin),
    requests,
    close: loopback.stop,
  }
}

/** Answers JSON with a status. */
export { sendJson as json } from './loopback.ts'
