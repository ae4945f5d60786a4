// `sluice ctl pause|resume`: asks a running `sluice run --listen HOST:PORT` to pause or
// resume pulling, through its admin endpoint (POST /pause, POST /resume), and prints what it
// answered. A run that cannot be reached ends with EX_UNAVAILABLE and says which address was
// tried and what to check; the README's "Observability" section describes the endpoint.

import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ADMIN_ADDRESS, addressUrl, hostPort, parseListenAddress, type ListenAddress } from '../observe/listen-address.js';

/** How long to wait for the run's answer; it answers at once unless the process is stuck. */
const TIMEOUT_MS = 5000;

/** The run's admin endpoint could not be reached or did not answer as sluice does; exit code 69. */
export class AdminUnavailableError extends Error {
  override readonly name = 'AdminUnavailableError';
  readonly code = 'AdminUnavailable';
}

type Action = 'pause' | 'resume';

export function ctlCommand(): Command {
  return new Command('ctl')
    .description('control a running `sluice run --listen HOST:PORT` through its admin endpoint: pause or resume pulling')
    .addArgument(new Argument('<action>', 'pause: stop pulling (in-flight records still complete); resume: pull again').choices(['pause', 'resume']))
    .addOption(new Option('--address <host:port>', 'the run\'s --listen address').argParser(parseAddress).default(parseAddress(DEFAULT_ADMIN_ADDRESS), DEFAULT_ADMIN_ADDRESS))
    .action(async (action: Action, flags: { address: ListenAddress }) => {
      const paused = await call(action, flags.address);
      process.stdout.write(`${paused ? 'paused' : 'resumed'} pulling of the sluice run at ${hostPort(flags.address)}\n`);
    });
}

function parseAddress(text: string): ListenAddress {
  const address = parseListenAddress(text);
  if (typeof address === 'string') throw new InvalidArgumentError(address);
  if (address.port === 0) throw new InvalidArgumentError('port 0 only asks --listen for a free port: give the port the run logged (its `listen` line)');
  return address;
}

/** POSTs /pause or /resume; resolves with whether pulling is paused now. */
async function call(action: Action, address: ListenAddress): Promise<boolean> {
  const where = hostPort(address);
  const check = `is \`sluice run\` running with --listen ${where}? (--address says where to call)`;
  let response: Response;
  try {
    response = await fetch(`${addressUrl(address)}/${action}`, { method: 'POST', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new AdminUnavailableError(`cannot reach the admin endpoint at ${where} (${failureOf(error)}): ${check}`);
  }
  const body = await response.text();
  const paused = answerOf(body);
  if (!response.ok || paused === undefined) {
    throw new AdminUnavailableError(`${where} answered POST /${action} with ${response.status} ${JSON.stringify(body.slice(0, 200))}, not as sluice does: ${check}`);
  }
  return paused;
}

/** `ECONNREFUSED`, `no answer within 5 s`, ...: why fetch() failed, in a few words. */
function failureOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The `paused` of sluice's JSON answer, or undefined when the body is something else. */
function answerOf(body: string): boolean | undefined {
  try {
    const parsed = JSON.parse(body) as { paused?: unknown };
    return typeof parsed.paused === 'boolean' ? parsed.paused : undefined;
  } catch {
    return undefined;
  }
}
