declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    amount?: number;
    timeout?: number;
    pipelining?: number;
    requests?: { method?: string; path?: string; body?: string; headers?: Record<string, string> }[];
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
