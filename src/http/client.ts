/**
 * The one HTTP client of the action and the CLI. Every request has a per-request timeout and shares an
 * overall deadline; 429 (Retry-After honoured, capped) and 5xx / connection failures are retried with
 * backoff within a bounded number of tries; bodies are capped; a non-JSON answer is reported with its
 * status and content type; credentials never follow a redirect to another origin.
 * Transport: node:http / node:https (built in, nothing to load) for direct connections; the undici
 * package, loaded only when a request goes through a proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, per
 * request, proxy.ts), for its CONNECT tunnelling.
 */
import type { Dispatcher } from 'undici'
import { NetworkError, ResponseError } from '../errors.js'
import { silentLogger, type Logger } from '../ports/logger.js'
import { proxyFor } from './proxy.js'
import { directTransport, type Transport } from './transport.js'

export interface HttpClientOptions {
  /** Epoch ms after which no request is started and running ones are cut. */
  deadline: number
  requestTimeoutMs?: number
  maxBodyBytes?: number
  /** Total tries for a retryable failure (first try included). */
  maxTries?: number
  retryBaseMs?: number
  /** Longest Retry-After we are willing to wait. */
  maxRetryAfterMs?: number
  /**
   * The environment whose proxy settings (HTTPS_PROXY / HTTP_PROXY / NO_PROXY) apply: the runner's, or
   * the CLI's. Default: none, i.e. direct connections.
   */
  env?: NodeJS.ProcessEnv
  /** A fixed undici dispatcher (tests); by default the transport is chosen per URL (see transportFor). */
  dispatcher?: Dispatcher
  /** A fixed transport (tests). */
  transport?: Transport
  logger?: Logger
  userAgent?: string
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  text: string
  /** The URL that finally answered (after same-origin redirects). */
  url: URL
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  /** A request body (JSON text); sent with a content-length. */
  body?: string
  /** A short name for the request, used in logs and errors: "whoami", "token list". */
  purpose: string
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504])
const RETRY_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])
const MAX_REDIRECTS = 3

/** Picks the transport for a URL: the undici package only when a proxy applies (or a test fixes a dispatcher). */
async function transportFor(url: URL, env: NodeJS.ProcessEnv, dispatcher: Dispatcher | undefined): Promise<Transport> {
  if (!dispatcher && !proxyFor(url, env)) return directTransport
  const { undiciTransport } = await import('./undici-transport.js')
  return undiciTransport(env, dispatcher)
}

export class HttpClient {
  private readonly requestTimeoutMs: number
  private readonly maxBodyBytes: number
  private readonly maxTries: number
  private readonly retryBaseMs: number
  private readonly maxRetryAfterMs: number
  private readonly logger: Logger

  constructor(private readonly options: HttpClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
    this.maxTries = options.maxTries ?? 3
    this.retryBaseMs = options.retryBaseMs ?? 300
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000
    this.logger = options.logger ?? silentLogger
  }

  /** Sends a request, retrying what is worth retrying. Answers of any status are returned, not thrown. */
  async send(url: URL, opts: RequestOptions): Promise<HttpResponse> {
    const where = `${opts.purpose} (${opts.method ?? 'GET'} ${url.origin}${url.pathname})`
    for (let attempt = 1; ; attempt++) {
      let waitMs: number
      let reason: string
      // What giving up now would mean: the registry failing (5xx), rate limiting (429), or no answer.
      let cause: 'unreachable' | 'timed-out' | 'rate-limited' | 'registry-down'
      try {
        const response = await this.sendFollowingRedirects(url, opts, where)
        if (!RETRY_STATUSES.has(response.status)) return response
        reason = `HTTP ${response.status}`
        cause = response.status === 429 ? 'rate-limited' : response.status >= 500 ? 'registry-down' : 'unreachable'
        if (attempt >= this.maxTries) return response
        waitMs = this.backoff(attempt)
        if (response.status === 429) {
          const retryAfter = parseRetryAfter(response.headers['retry-after'])
          if (retryAfter !== undefined && retryAfter > this.maxRetryAfterMs) {
            throw new NetworkError(
              `${where}: ${url.host} is rate limiting (HTTP 429) and asks to wait ${Math.ceil(retryAfter / 1000)} s, more than the ${this.maxRetryAfterMs / 1000} s this step waits.`,
              'rate-limited',
              'Try again later.',
            )
          }
          if (retryAfter !== undefined) waitMs = retryAfter
        }
      } catch (error) {
        if (!(error instanceof RetryableNetworkFailure)) throw error
        reason = error.message
        cause = error.timedOut ? 'timed-out' : 'unreachable'
        if (attempt >= this.maxTries)
          throw new NetworkError(`${where}: ${reason} (tried ${attempt} times).`, cause, `Check the URL and that ${url.host} is up.`)
        waitMs = this.backoff(attempt)
      }
      const remaining = this.options.deadline - Date.now()
      if (waitMs + 100 >= remaining) {
        const slow = cause === 'unreachable' || cause === 'timed-out'
        throw new NetworkError(
          `${where}: ${reason}; the step's overall deadline leaves no time to retry.`,
          slow ? 'timed-out' : cause,
          slow ? 'Raise timeout-seconds if the registry is slow.' : 'Try again later.',
        )
      }
      this.logger.info(`${where}: ${reason}; retrying in ${(waitMs / 1000).toFixed(1)} s (try ${attempt + 1} of ${this.maxTries}).`)
      await sleep(waitMs)
    }
  }

  private backoff(attempt: number): number {
    const base = this.retryBaseMs * 2 ** (attempt - 1)
    return Math.round(base * (0.8 + Math.random() * 0.4))
  }

  private async sendFollowingRedirects(start: URL, opts: RequestOptions, where: string): Promise<HttpResponse> {
    let url = start
    for (let hop = 0; ; hop++) {
      const response = await this.sendOnce(url, opts, where)
      if (response.status < 300 || response.status >= 400 || response.status === 304) return response
      const location = response.headers['location']
      if (!location) return response
      const next = new URL(location, url)
      if (next.origin !== start.origin) {
        // The Authorization header is bound to the configured registry: never replay it elsewhere.
        throw new ResponseError(
          `${where}: ${start.host} redirected (HTTP ${response.status}) to another host, ${next.origin}. The credentials were not sent there. If that host is the right one, configure its URL directly.`,
          response.status,
        )
      }
      if ((opts.method ?? 'GET') !== 'GET' || hop >= MAX_REDIRECTS) {
        throw new ResponseError(`${where}: unexpected redirect (HTTP ${response.status}) to ${next.pathname}.`, response.status)
      }
      url = next
    }
  }

  private async sendOnce(url: URL, opts: RequestOptions, where: string): Promise<HttpResponse> {
    const remaining = this.options.deadline - Date.now()
    if (remaining <= 0) {
      throw new NetworkError(
        `${where}: the step's overall deadline was reached before the request could start.`,
        'timed-out',
        'Raise timeout-seconds if the registry is slow.',
      )
    }
    const timeoutMs = Math.min(this.requestTimeoutMs, remaining)
    const controller = new AbortController()
    const { signal } = controller
    // A timer of our own, not only undici's timeouts: they do not cover every phase (a proxy's CONNECT).
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new RetryableNetworkFailure(timeoutText(timeoutMs), true))
      }, timeoutMs)
    })
    const attempt = async (): Promise<HttpResponse> => {
      const transport = this.options.transport ?? (await transportFor(url, this.options.env ?? {}, this.options.dispatcher))
      const response = await transport({
        url,
        method: opts.method ?? 'GET',
        body: opts.body,
        headers: { 'user-agent': this.options.userAgent ?? 'setup-npm-auth', ...opts.headers },
        signal,
        timeoutMs,
        maxBodyBytes: this.maxBodyBytes,
        where,
      })
      return { ...response, url }
    }
    try {
      const pending = attempt()
      pending.catch(() => {}) // when the timer wins, the abandoned attempt's rejection is expected
      return await Promise.race([pending, expired])
    } catch (error) {
      if (error instanceof RetryableNetworkFailure) throw error
      if (error instanceof ResponseError || error instanceof NetworkError) throw error
      if (signal.aborted) throw new RetryableNetworkFailure(timeoutText(timeoutMs), true)
      const code = errorCode(error)
      if (code && RETRY_ERROR_CODES.has(code)) throw new RetryableNetworkFailure(`connection failed (${code})`)
      const message = errorMessages(error)
      throw new NetworkError(`${where}: request failed: ${message}${code ? ` (${code})` : ''}.`)
    } finally {
      clearTimeout(timer)
    }
  }
}

function timeoutText(ms: number): string {
  return `no complete answer within ${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s (timeout)`
}

class RetryableNetworkFailure extends Error {
  override name = 'RetryableNetworkFailure'
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message)
  }
}

/** "fetch failed: connect EHOSTUNREACH": the messages down the cause chain. */
function errorMessages(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : JSON.stringify(current)
    if (message && !parts.includes(message)) parts.push(message)
    current = (current as { cause?: unknown }).cause
  }
  return parts.join(': ')
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  // An HTTP date names its day and month; Date.parse alone would take '-5' or '1.5' as a (past) date.
  if (!/[a-z]{3}/i.test(value)) return undefined
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

export function parseJsonBody(response: HttpResponse, purpose: string): unknown {
  if (response.text.trim() === '') return undefined
  try {
    return JSON.parse(response.text)
  } catch {
    const type = response.headers['content-type'] ?? 'no content type'
    const looksHtml = /^\s*</.test(response.text)
    throw new ResponseError(
      `${purpose} (${response.url.origin}${response.url.pathname}): expected JSON but got HTTP ${response.status} with ${type}${looksHtml ? ' (an HTML page)' : ', and the body does not parse (truncated or malformed)'}. `,
      response.status,
      response.status >= 500 ? 'registry-down' : 'not-a-registry',
      'Is the registry URL right, and is the registry healthy?',
    )
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
