// Realistic nginx access logs, deterministic per seed, for the emulator's pre-generated data,
// the demo and the benchmarks.
//
// Speed matters (the emulator generates ten million logs at start), so everything that does not
// depend on the seed is built once at module load, the per-seed pools (client addresses, request
// URIs, referers) once per generator, and a log costs a dozen picks from those tables. Pooled
// strings also reach the encoder already flat after their first use, where strings built per
// log would each have to be flattened before being written.

import type { LogGroupInput, LogInput } from '../sls/types.js';
import { SeededRandom } from './seeded-random.js';

export interface NginxGeneratorOptions {
  /** Seed of the pseudo-random sequence (an unsigned 32-bit integer); the same seed gives the same logs. */
  seed?: number;
  /** Log.Time of the first log, Unix seconds. */
  startTime?: number;
  /** How many consecutive logs share one Log.Time second (their TimeNs spreads them over it). */
  logsPerSecond?: number;
}

const DEFAULT_START_TIME = 1_700_000_000;
const DEFAULT_LOGS_PER_SECOND = 1000;
const CLIENT_POOL_SIZE = 2048;
const REQUEST_POOL_SIZE = 8192;
const REFERER_POOL_SIZE = 2048;
const FORWARDED_POOL_SIZE = 1024;

/** Expands [value, weight] pairs into a table that a uniform pick samples with those weights. */
function weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): T[] {
  return pairs.flatMap(([value, weight]) => Array<T>(weight).fill(value));
}

const METHODS = weighted([['GET', 80], ['POST', 12], ['PUT', 3], ['DELETE', 2], ['HEAD', 2], ['OPTIONS', 1]]);

const STATUSES = weighted([
  ['200', 820], ['201', 15], ['204', 10], ['301', 15], ['302', 20], ['304', 40], ['400', 12], ['401', 8],
  ['403', 6], ['404', 30], ['429', 4], ['499', 5], ['500', 6], ['502', 4], ['503', 3], ['504', 2],
]);

const HOSTS = ['www.example.com', 'api.example.com', 'shop.example.com', 'static.example.com', 'm.example.com'];

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
];

const REFERER_SITES = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://t.co/'];

/** A few hundred distinct paths: resources x actions x a small set of ids, plus static assets. */
const PATHS: readonly string[] = (() => {
  const paths: string[] = ['/', '/favicon.ico', '/robots.txt', '/healthz', '/login', '/logout', '/search'];
  for (const version of ['v1', 'v2']) {
    for (const resource of ['orders', 'users', 'products', 'carts', 'payments', 'reviews', 'coupons', 'shipments']) {
      paths.push(`/api/${version}/${resource}`);
      for (const id of [17, 42, 1024, 65537, 900913]) paths.push(`/api/${version}/${resource}/${id}`);
      for (const action of ['items', 'history', 'status']) paths.push(`/api/${version}/${resource}/42/${action}`);
    }
  }
  for (const name of ['app', 'vendor', 'runtime', 'main', 'polyfills', 'styles']) {
    paths.push(`/static/js/${name}.8f3a2c1d.js`, `/static/css/${name}.5b7e9a0c.css`);
  }
  for (const category of ['shoes', 'bags', 'watches', 'coats', 'hats', 'gloves', 'scarves', 'belts']) {
    for (const page of ['', '/new', '/sale', '/best-sellers', '/gift-ideas']) paths.push(`/shop/${category}${page}`);
  }
  for (const slug of ['hello-world', 'release-notes-2024', 'scaling-nginx', 'zero-downtime-deploys', 'caching-101']) {
    paths.push(`/blog/${slug}`, `/blog/${slug}/comments`);
  }
  return paths;
})();

const SEARCH_TERMS = [
  'red+shoes', 'caf%C3%A9', 'hello%20world', '%E4%B8%AD%E6%96%87', 'size%3A42', 'gift%2Bcard', 'na%C3%AFve',
  '%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82', 'winter%20coat%20%26%20hat', 'a%2Fb%20test',
];
const TAGS = ['new', 'sale', 'eco', 'limited', 'kids', 'outdoor', 'leather', 'summer'];
const SORTS = ['price_asc', 'price_desc', 'newest', 'rating', 'relevance'];
const LANGUAGES = ['en-US', 'zh-CN', 'de-DE', 'fr-FR', 'ja-JP'];
const CAMPAIGNS = ['spring_sale', 'newsletter', 'retargeting', 'brand', 'black_friday'];

/** Seconds with millisecond precision as nginx prints them, for 0.000 .. 2.999 s. */
const DURATIONS: readonly string[] = Array.from({ length: 3000 }, (_, ms) => (ms / 1000).toFixed(3));

export class NginxLogGenerator {
  readonly #random: SeededRandom;
  readonly #startTime: number;
  readonly #logsPerSecond: number;
  /** Hex of the seed: prefixes request ids and pack ids, so two seeds never share one. */
  readonly #seedHex: string;
  readonly #clients: readonly string[];
  /** request_uri values: a few hundred paths, most with a query string. */
  readonly #requests: readonly string[];
  readonly #referers: readonly string[];
  /** X-Forwarded-For chains of two addresses. */
  readonly #forwarded: readonly string[];
  #logCount = 0;
  #groupCount = 0;

  constructor(options: NginxGeneratorOptions = {}) {
    const seed = (options.seed ?? 1) >>> 0;
    this.#random = new SeededRandom(seed);
    this.#startTime = options.startTime ?? DEFAULT_START_TIME;
    this.#logsPerSecond = Math.max(1, Math.floor(options.logsPerSecond ?? DEFAULT_LOGS_PER_SECOND));
    this.#seedHex = seed.toString(16).padStart(8, '0');
    this.#clients = Array.from({ length: CLIENT_POOL_SIZE }, () => this.#publicIpv4());
    this.#requests = Array.from({ length: REQUEST_POOL_SIZE }, () => this.#random.pick(PATHS) + this.#query());
    this.#referers = Array.from({ length: REFERER_POOL_SIZE }, () => this.#referer());
    this.#forwarded = Array.from({ length: FORWARDED_POOL_SIZE }, () => `${this.#client()}, ${this.#random.pick(this.#clients)}`);
  }

  nextLog(): LogInput {
    const random = this.#random;
    const index = this.#logCount++;
    const status = random.pick(STATUSES);
    const host = random.pick(HOSTS);
    const request = random.pick(this.#requests);
    const millis = this.#latencyMillis();
    const isStatic = request.startsWith('/static/') || status === '304';
    return {
      time: this.#startTime + Math.floor(index / this.#logsPerSecond),
      timeNs: Math.floor(((index % this.#logsPerSecond) * 1e9) / this.#logsPerSecond),
      contents: [
        ['remote_addr', this.#client()],
        ['method', random.pick(METHODS)],
        ['request_uri', request],
        ['status', status],
        ['body_bytes_sent', String(this.#bodyBytes(status, isStatic))],
        ['request_time', DURATIONS[millis] as string],
        ['http_referer', random.next() < 0.35 ? '-' : random.pick(this.#referers)],
        ['http_user_agent', random.pick(USER_AGENTS)],
        ['host', host],
        ['upstream_response_time', isStatic ? '-' : (DURATIONS[Math.floor(millis * 0.9)] as string)],
        ['http_x_forwarded_for', random.next() < 0.6 ? '-' : random.pick(this.#forwarded)],
        ['request_id', this.#seedHex + index.toString(16).padStart(24, '0')],
      ],
    };
  }

  nextGroup(logs: number): LogGroupInput {
    const group = this.#groupCount++;
    const entries: LogInput[] = new Array<LogInput>(logs);
    for (let i = 0; i < logs; i++) entries[i] = this.nextLog();
    const node = group % 8;
    return {
      topic: 'nginx',
      source: `10.0.${node}.${11 + node}`,
      tags: [
        ['__hostname__', `web-${String(node + 1).padStart(2, '0')}`],
        ['__path__', '/var/log/nginx/access.log'],
        ['__pack_id__', `${this.#seedHex.toUpperCase()}-${group.toString(16).toUpperCase()}`],
      ],
      logs: entries,
    };
  }

  /** Clients follow a skewed distribution: a few addresses send much of the traffic. */
  #client(): string {
    const r = this.#random.next();
    return this.#clients[Math.floor(r * r * r * CLIENT_POOL_SIZE)] as string;
  }

  #publicIpv4(): string {
    const random = this.#random;
    // First octets of ordinary public unicast space (no 0/8, 10/8, 127/8, multicast, ...).
    const first = random.pick([23, 31, 36, 42, 58, 61, 73, 81, 91, 101, 112, 139, 171, 183, 185, 203, 211, 221]);
    return `${first}.${random.below(256)}.${random.below(256)}.${1 + random.below(254)}`;
  }

  /** Most requests carry a query: pagination, percent-encoded search terms, repeated keys, tracking. */
  #query(): string {
    const random = this.#random;
    const kind = random.below(10);
    if (kind < 3) return '';
    if (kind < 6) {
      return `?page=${1 + random.below(20)}&size=${random.pick(['10', '20', '50'])}&sort=${random.pick(SORTS)}` +
        '&fields=id%2Cname%2Cprice%2Cupdated_at';
    }
    if (kind < 7) return `?q=${random.pick(SEARCH_TERMS)}&page=${1 + random.below(5)}&lang=${random.pick(LANGUAGES)}`;
    if (kind < 8) return `?tag=${random.pick(TAGS)}&tag=${random.pick(TAGS)}&tag=${random.pick(TAGS)}&in_stock=1`;
    return `?utm_source=${random.pick(['google', 'newsletter', 'facebook'])}&utm_medium=cpc` +
      `&utm_campaign=${random.pick(CAMPAIGNS)}&gclid=${this.#hex8()}${this.#hex8()}${this.#hex8()}`;
  }

  /** Eight lower-case hex digits. */
  #hex8(): string {
    return this.#random.below(0x1_0000_0000).toString(16).padStart(8, '0');
  }

  /** A search engine's results page, or a page of one of our own sites. */
  #referer(): string {
    const random = this.#random;
    if (random.next() < 0.25) return `${random.pick(REFERER_SITES)}search?q=${random.pick(SEARCH_TERMS)}`;
    return `https://${random.pick(HOSTS)}${random.pick(PATHS)}${this.#query()}`;
  }

  /** Mostly fast answers with a long tail, capped at the duration table's 2.999 s. */
  #latencyMillis(): number {
    const r = this.#random.next();
    return Math.min(2999, Math.floor(2 + 40 * r + (r > 0.95 ? 2000 * (r - 0.95) * 20 : 0)));
  }

  #bodyBytes(status: string, isStatic: boolean): number {
    if (status === '204' || status === '304') return 0;
    if (status.charCodeAt(0) !== 50 /* '2' */) return 150 + this.#random.below(400);
    return isStatic ? 20_000 + this.#random.below(300_000) : 200 + this.#random.below(8_000);
  }
}
