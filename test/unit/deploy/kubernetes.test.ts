// The Kubernetes examples hold together with the image and with sluice itself: their configs
// are ones sluice accepts, the grace periods and deadlines outlast the drain, the probes ask
// the admin server the image starts, and the keys come from a Secret, never a manifest.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import type { SluiceConfig } from '../../../src/config/schema.js';
import { execForm, lastArgs, readStages } from '../../helpers/dockerfile.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Probe {
  httpGet: { path: string; port: string };
}

interface Container {
  command?: string[];
  args?: string[];
  ports: { name: string; containerPort: number }[];
  envFrom: unknown[];
  volumeMounts: { name: string; mountPath: string }[];
  readinessProbe: Probe;
  livenessProbe: Probe;
}

interface PodSpec {
  terminationGracePeriodSeconds: number;
  containers: Container[];
  volumes: { name: string; configMap?: unknown }[];
}

interface PodTemplate {
  template: { spec: PodSpec & { restartPolicy?: string } };
}

/** The parts of the manifests the tests read. */
interface Manifest {
  kind: string;
  data: Record<string, string>;
  spec: PodTemplate & { concurrencyPolicy: string; jobTemplate: { spec: PodTemplate & { activeDeadlineSeconds: number } } };
}

function manifest(file: string, kind: string): Manifest {
  const documents = parseAllDocuments(readFileSync(path.join(ROOT, 'deploy/kubernetes', file), 'utf8')).map((document) => document.toJS() as Manifest);
  const found = documents.find((document) => document.kind === kind);
  if (found === undefined) throw new Error(`deploy/kubernetes/${file} has no ${kind}`);
  return found;
}

/** The config a ConfigMap holds, loaded as sluice loads it, with `args` as the flags over it. */
async function configOf(configMap: Manifest, args: readonly string[] = []): Promise<SluiceConfig> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-k8s-')), 'sluice.yaml');
  writeFileSync(file, configMap.data['sluice.yaml'] ?? '');
  // Flag names as commander stores them: --max-runtime 9m -> { maxRuntime: '9m' }.
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) flags[args[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  return loadConfig({ file, flags, env: { HOSTNAME: 'sluice-7d9f-abc' } });
}

/** The container's mount of the pod's ConfigMap volume. */
function configMount(pod: PodSpec): string | undefined {
  const container = pod.containers[0]!;
  return container.volumeMounts.find((volume) => pod.volumes.some((v) => v.name === volume.name && v.configMap !== undefined))?.mountPath;
}

const NO_SECRET_IN_TEXT = /accessKeySecret:|PGPASSWORD:|postgres:\/\/[^@\s]*:[^@\s]*@/;

const imageCommand = execForm(lastArgs(readStages(path.join(ROOT, 'Dockerfile')).at(-1)!, 'CMD'), 'CMD');
const imageConfig = imageCommand[imageCommand.indexOf('--config') + 1]!;
const imagePort = Number(imageCommand[imageCommand.indexOf('--listen') + 1]!.split(':').at(-1));

describe('deploy/kubernetes/deployment.yaml', () => {
  const configMap = manifest('deployment.yaml', 'ConfigMap');
  const pod = manifest('deployment.yaml', 'Deployment').spec.template.spec;
  const container = pod.containers[0]!;

  it("runs the image's own command, with the ConfigMap mounted where that command reads its config", () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(path.join(configMount(pod) ?? '', 'sluice.yaml')).toBe(imageConfig);
    expect(Object.keys(configMap.data)).toEqual(['sluice.yaml']);
  });

  it('holds a config sluice accepts, and a grace period longer than its drain', async () => {
    const config = await configOf(configMap);
    expect(config.source.consumer).toBe('sluice-7d9f-abc');
    // Seconds for the final checkpoints and the shards' hand-back after the drain itself.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(config.pipeline.drainTimeout + 10_000);
  });

  it('probes readiness and liveness on the admin port the image listens on', () => {
    const port = container.ports.find((p) => p.name === container.readinessProbe.httpGet.port);
    expect(port?.containerPort).toBe(imagePort);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: port?.name });
  });

  it('takes the keys from a Secret and writes no secret into the manifest', () => {
    expect(container.envFrom).toEqual([{ secretRef: { name: expect.any(String) } }]);
    const text = readFileSync(path.join(ROOT, 'deploy/kubernetes/deployment.yaml'), 'utf8');
    expect(text).not.toMatch(NO_SECRET_IN_TEXT);
  });
});

describe('deploy/kubernetes/cronjob.yaml', () => {
  const configMap = manifest('cronjob.yaml', 'ConfigMap');
  const cronJob = manifest('cronjob.yaml', 'CronJob');
  const job = cronJob.spec.jobTemplate.spec;
  const pod = job.template.spec;
  const container = pod.containers[0]!;
  const args = container.args ?? [];

  it("runs sluice run on the ConfigMap's config, to the end it finds, within a max runtime", async () => {
    expect(args.slice(0, 3)).toEqual(['run', '--config', path.join(configMount(pod) ?? '', 'sluice.yaml')]);
    const config = await configOf(configMap, args.slice(3));
    expect(config.source.until).toEqual({ kind: 'end' });
    expect(config.run.maxRuntime).toBeGreaterThan(0);
  });

  it('never runs two at once, and lets a run drain before its deadline', async () => {
    const config = await configOf(configMap, args.slice(3));
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(pod.restartPolicy).toBe('Never');
    const drain = config.pipeline.drainTimeout + 10_000;
    expect(job.activeDeadlineSeconds * 1000).toBeGreaterThanOrEqual((config.run.maxRuntime ?? 0) + drain);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(drain);
  });

  it('writes its records and summary to a volume, and takes the keys from a Secret', async () => {
    const config = await configOf(configMap, args.slice(3));
    const volumes = container.volumeMounts.map((mount) => mount.mountPath);
    for (const file of [config.sink.type === 'file' ? config.sink.path : '', config.deadLetter.path, config.run.summary ?? '']) {
      expect(volumes.some((volume) => file.startsWith(`${volume}/`)), file).toBe(true);
    }
    expect(container.envFrom).toEqual([{ secretRef: { name: expect.any(String) } }]);
    expect(readFileSync(path.join(ROOT, 'deploy/kubernetes/cronjob.yaml'), 'utf8')).not.toMatch(NO_SECRET_IN_TEXT);
  });
});
