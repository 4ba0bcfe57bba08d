declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    amount?: number;
    /** Seconds to run. */
    duration?: number;
    timeout?: number;
    pipelining?: number;
    requests?: {
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }[];
  }
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
    max: number;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: Histogram;
    requests: Histogram & { total: number };
    start: Date | string;
    finish: Date | string;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
