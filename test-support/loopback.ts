// The plumbing every loopback fake shares: an HTTP server on 127.0.0.1 with an OS-assigned port that
// tracks its sockets, so stop() ends promptly even with hung or keep-alive connections.
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface Loopback {
  server: http.Server
  port: number
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string
  /** Closes the server and destroys every socket; idempotent. A property, so it may be passed on unbound. */
  stop: () => Promise<void>
}

export async function listenOnLoopback(listener: http.RequestListener, onStop?: () => void): Promise<Loopback> {
  const sockets = new Set<Socket>()
  const server = http.createServer(listener)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  // Clients we reset or hang up on produce socket errors; they are expected here.
  server.on('clientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  let stopping: Promise<void> | undefined
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
        onStop?.()
      })
      return stopping
    },
  }
}

/** Ends a connection with a TCP RST, so the client sees ECONNRESET rather than a clean close. */
export function resetConnection(socket: Socket): void {
  const withReset = socket as Socket & { resetAndDestroy?: () => void }
  if (typeof withReset.resetAndDestroy === 'function') withReset.resetAndDestroy()
  else socket.destroy()
}

/** Answers JSON: status, content-type application/json, content-length, then any extra headers. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** The whole request body. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A loopback stand-in for every host but loopback: what reached it (`METHOD url`, `CONNECT host:port`). */
export interface Elsewhere {
  /** `http://127.0.0.1:PORT` */
  url: string
  /** Every request and CONNECT that reached it, in order; a test wants it empty. */
  hits: string[]
  close(): Promise<void>
}

/**
 * "Anywhere else": a loopback server the action is pointed at as its proxy (`proxyEnvTo`) and must never
 * use. It records every request and CONNECT and refuses them all with 403.
 */
export async function startElsewhere(): Promise<Elsewhere> {
  const hits: string[] = []
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(403, { 'content-length': 0 })
    res.end()
  })
  server.on('connect', (req, socket) => {
    hits.push(`CONNECT ${req.url}`)
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The proxy variables, both spellings, pointing at `url`; loopback (127.0.0.1) exempt. */
export function proxyEnvTo(url: string): Record<string, string> {
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' }
}
