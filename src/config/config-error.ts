// The one error a configuration problem becomes, whatever its source: a missing or
// unreadable file, YAML that does not parse, a `${VAR}` reference, a flag or a value the
// schema refuses. It carries every problem found, not just the first, so a user fixes the
// file in one pass; the CLI maps its code to exit code 78 (EX_CONFIG).

export interface ConfigIssue {
  /** The config key, dotted (`pipeline.workers`); '' for the file as a whole. */
  key: string;
  /** The flag (`--workers`) or the variable (`SLUICE_LOG_LEVEL`) the value came from, when one gave it. */
  flag?: string;
  /** What is wrong and, where it helps, what to write instead. Never contains a secret. */
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'InvalidConfig';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(issueLine).join('\n'));
    this.issues = issues;
  }
}

/** `--workers (pipeline.workers): expected ...`, `source.endpoint: required ...`, or the message alone. */
function issueLine(issue: ConfigIssue): string {
  const where = issue.flag === undefined ? issue.key : `${issue.flag} (${issue.key})`;
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}
