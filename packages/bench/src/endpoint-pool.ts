import { onAbort } from './abort-fanout.js';
import { BenchError } from './errors.js';

/** How a request to an endpoint ended, as far as the endpoint's health goes. */
export type EndpointOutcome = 'ok' | 'down';

/** A permit to send one request to one endpoint; call `release` exactly once with how it went. */
export interface EndpointLease {
  readonly url: string;
  release(outcome: EndpointOutcome): void;
}

/** Health and load of one endpoint. */
export interface EndpointState {
  readonly url: string;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Requests sent so far. */
  readonly sent: number;
  /** Whether the endpoint is out of rotation after a failure. */
  readonly down: boolean;
  /** Failures in a row (0 when healthy). */
  readonly failures: number;
}

/** Options of {@link EndpointPool}. */
export interface EndpointPoolOptions {
  /** Requests in flight per endpoint (≥ 1). */
  readonly perEndpoint: number;
  /** First pause of an endpoint taken out, ms; doubles with each failure in a row (default 1,000). */
  readonly cooldownMs?: number;
  /** Longest pause, ms (default 60,000). */
  readonly maxCooldownMs?: number;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

interface Endpoint {
  readonly url: string;
  inFlight: number;
  sent: number;
  failures: number;
  downUntil: number;
  probing: boolean;
}

/**
 * Spreads requests over several servers of the same model: each request goes to the live
 * endpoint with the fewest requests in flight (ties to the one used longest ago). An endpoint
 * whose request fails to connect or times out is taken out of rotation; after a pause (doubling
 * with each failure in a row) one request probes it, and a success puts it back. A pool of one
 * endpoint never takes it out (retries with back-off are all there is to do).
 */
export class EndpointPool {
  private readonly endpoints: Endpoint[];
  private readonly waiting: (() => boolean)[] = [];
  private readonly perEndpoint: number;
  private readonly cooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;
  private readonly lastUse = new Map<string, number>();

  constructor(urls: readonly string[], options: EndpointPoolOptions) {
    if (urls.length === 0) throw new BenchError('BAD_ARGUMENT', 'an endpoint pool needs at least one URL');
    if (new Set(urls).size !== urls.length) throw new BenchError('BAD_ARGUMENT', `endpoint URLs must be distinct: ${urls.join(', ')}`);
    if (!Number.isInteger(options.perEndpoint) || options.perEndpoint < 1) {
      throw new BenchError('BAD_ARGUMENT', `requests per endpoint must be a positive integer, got ${options.perEndpoint}`);
    }
    this.endpoints = urls.map((url) => ({ url, inFlight: 0, sent: 0, failures: 0, downUntil: 0, probing: false }));
    this.perEndpoint = options.perEndpoint;
    this.cooldownMs = options.cooldownMs ?? 1000;
    this.maxCooldownMs = options.maxCooldownMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Every endpoint's health and load, in the order given. */
  get states(): EndpointState[] {
    const t = this.now();
    return this.endpoints.map((e) => ({ url: e.url, inFlight: e.inFlight, sent: e.sent, down: e.downUntil > t || e.probing, failures: e.failures }));
  }

  /** Number of endpoints in rotation now. */
  get live(): number {
    return this.endpoints.filter((e) => e.failures === 0).length;
  }

  /** Waits for a permit on the best endpoint; rejects with the signal's reason if it aborts first. */
  async acquire(signal?: AbortSignal): Promise<EndpointLease> {
    signal?.throwIfAborted();
    const now = this.tryTake();
    if (now) return now;
    return new Promise<EndpointLease>((resolve, reject) => {
      const attempt = (): boolean => {
        const lease = this.tryTake();
        if (!lease) return false;
        off();
        resolve(lease);
        return true;
      };
      this.waiting.push(attempt);
      const off = signal
        ? onAbort(signal, () => {
            const i = this.waiting.indexOf(attempt);
            if (i !== -1) this.waiting.splice(i, 1);
            if (this.waiting.length === 0 && this.timer) {
              clearTimeout(this.timer);
              this.timer = undefined;
            }
            reject(signal.reason);
          })
        : () => {};
      this.schedule();
    });
  }

  private pick(): Endpoint | undefined {
    const t = this.now();
    let best: Endpoint | undefined;
    for (const e of this.endpoints) {
      const live = e.failures === 0;
      // A failed endpoint is given one probe request once its pause is over.
      const probe = !live && e.downUntil <= t && !e.probing && e.inFlight === 0;
      if (!(live ? e.inFlight < this.perEndpoint : probe)) continue;
      if (!best || e.inFlight < best.inFlight || (e.inFlight === best.inFlight && (this.lastUse.get(e.url) ?? -1) < (this.lastUse.get(best.url) ?? -1))) best = e;
    }
    return best;
  }

  private tryTake(): EndpointLease | undefined {
    const e = this.pick();
    if (!e) return undefined;
    const probe = e.failures > 0;
    if (probe) e.probing = true;
    e.inFlight++;
    e.sent++;
    this.lastUse.set(e.url, this.turn++);
    let released = false;
    return {
      url: e.url,
      release: (outcome) => {
        if (released) return;
        released = true;
        e.inFlight--;
        if (probe) e.probing = false;
        if (outcome === 'ok' || this.endpoints.length === 1) {
          e.failures = 0;
          e.downUntil = 0;
        } else if (e.failures === 0 || probe) {
          // Requests already in flight when the endpoint went down do not lengthen its pause.
          e.failures++;
          e.downUntil = this.now() + Math.min(this.maxCooldownMs, this.cooldownMs * 2 ** (e.failures - 1));
        }
        this.wake();
      },
    };
  }

  private wake(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (!next()) break;
      this.waiting.shift();
    }
    this.schedule();
  }

  // While requests wait and every endpoint with room is paused, wake up when the first pause ends.
  private schedule(): void {
    if (this.timer || this.waiting.length === 0) return;
    const t = this.now();
    const ends = this.endpoints.filter((e) => e.failures > 0 && !e.probing && e.inFlight === 0).map((e) => e.downUntil);
    if (ends.length === 0) return;
    const delay = Math.max(0, Math.min(...ends) - t);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, delay);
  }
}
