// Flag parsers and the SLS connection flags that several subcommands share.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { SlsClient } from '../sls/client.js';
import { resolveCredentials } from '../sls/signing/credentials.js';

/** A commander parser for a whole number within [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

export interface ConnectionFlags {
  endpoint: string;
  project: string;
  logstore: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  signatureVersion: 'v1' | 'v4';
  region?: string;
}

/** Adds the flags that say which logstore to talk to and with which keys. */
export function addConnectionFlags(command: Command): Command {
  return command
    .requiredOption('--endpoint <url>', 'SLS endpoint, e.g. https://cn-hangzhou.log.aliyuncs.com or http://127.0.0.1:9800')
    .requiredOption('--project <name>', 'SLS project')
    .requiredOption('--logstore <name>', 'SLS logstore')
    .option('--access-key-id <id>', 'access key id (default: $ALIBABA_CLOUD_ACCESS_KEY_ID)')
    .option('--access-key-secret <secret>', 'access key secret (default: $ALIBABA_CLOUD_ACCESS_KEY_SECRET)')
    .addOption(new Option('--signature-version <v>', 'request signature version').choices(['v1', 'v4']).default('v1'))
    .option('--region <id>', 'region id for v4 signatures, e.g. cn-hangzhou');
}

/** An SLS client for the connection flags; credentials come from the flags or the environment. */
export function clientFromFlags(flags: ConnectionFlags): SlsClient {
  const credentials = resolveCredentials({
    ...(flags.accessKeyId === undefined ? {} : { accessKeyId: flags.accessKeyId }),
    ...(flags.accessKeySecret === undefined ? {} : { accessKeySecret: flags.accessKeySecret }),
  });
  return new SlsClient({
    endpoint: flags.endpoint,
    project: flags.project,
    credentials,
    signatureVersion: flags.signatureVersion,
    ...(flags.region === undefined ? {} : { region: flags.region }),
  });
}
