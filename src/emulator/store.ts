// Everything the emulator holds, in memory: projects and their logstores.

import { SlsError } from '../sls/errors.js';
import { Logstore, type LogstoreSettings } from './logstore.js';

const NAME = /^[a-z0-9][a-z0-9_-]{1,62}$/;

export class EmulatorStore {
  readonly #projects = new Map<string, Map<string, Logstore>>();
  readonly #clock: () => number;

  /** `clock` gives milliseconds since the epoch; it drives receive times and consumer liveness. */
  constructor(clock: () => number) {
    this.#clock = clock;
  }

  hasProject(name: string): boolean {
    return this.#projects.has(name);
  }

  createProject(name: string): void {
    checkName(name, 'project');
    if (this.#projects.has(name)) {
      throw new SlsError({ code: 'ProjectAlreadyExist', status: 400, message: `project ${name} already exists` });
    }
    this.#projects.set(name, new Map());
  }

  createLogstore(project: string, name: string, settings: LogstoreSettings): Logstore {
    checkName(name, 'logstore');
    if (!Number.isInteger(settings.shardCount) || settings.shardCount < 1 || settings.shardCount > 256) {
      throw new SlsError({ code: 'ParameterInvalid', status: 400, message: `shardCount must be an integer in 1..256, got ${settings.shardCount}` });
    }
    const logstores = this.#logstores(project);
    if (logstores.has(name)) {
      throw new SlsError({ code: 'LogStoreAlreadyExist', status: 400, message: `logstore ${name} already exists in project ${project}` });
    }
    const logstore = new Logstore(name, settings, this.#clock);
    logstores.set(name, logstore);
    return logstore;
  }

  logstore(project: string, name: string): Logstore {
    const logstore = this.#logstores(project).get(name);
    if (logstore === undefined) {
      throw new SlsError({ code: 'LogStoreNotExist', status: 404, message: `logstore ${name} does not exist in project ${project}` });
    }
    return logstore;
  }

  logstores(project: string): Logstore[] {
    return [...this.#logstores(project).values()];
  }

  deleteLogstore(project: string, name: string): void {
    this.logstore(project, name);
    this.#logstores(project).delete(name);
  }

  #logstores(project: string): Map<string, Logstore> {
    const logstores = this.#projects.get(project);
    if (logstores === undefined) {
      throw new SlsError({ code: 'ProjectNotExist', status: 404, message: `project ${project} does not exist` });
    }
    return logstores;
  }
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) {
    throw new SlsError({
      code: 'ParameterInvalid',
      status: 400,
      message: `${what} name ${JSON.stringify(name)} is invalid: use 2-63 characters of a-z, 0-9, _ and -, starting with a letter or digit`,
    });
  }
}
