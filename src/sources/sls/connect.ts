// The SLS client for a validated `source` section: the one place that turns its endpoint,
// project, keys and signature settings into a client, for the consumer-group source and for
// the operator commands that talk to the same logstore (shards, checkpoints, validate).

import { SlsClient } from '../../sls/client.js';
import { resolveCredentials, type Credentials } from '../../sls/signing/credentials.js';
import type { SlsSourceConfig } from './index.js';

/** A client for `source`; throws an SlsError (MissingCredentials, MissingRegion, ...) when it cannot be built. */
export function slsClientFor(source: SlsSourceConfig): SlsClient {
  return new SlsClient({
    endpoint: source.endpoint,
    project: source.project,
    credentials: sourceCredentials(source),
    signatureVersion: source.signatureVersion,
    region: source.region,
  });
}

/** The access key `source` signs with: its own, or the environment's; throws MissingCredentials when neither is complete. */
export function sourceCredentials(source: SlsSourceConfig): Credentials {
  const { accessKeyId, accessKeySecret, securityToken } = source;
  return resolveCredentials({ accessKeyId, accessKeySecret, securityToken });
}
