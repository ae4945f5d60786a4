// Reading a Dockerfile the way the Docker builder does, as far as the tests need: stages,
// their instructions (continuation lines joined, comments dropped) and exec-form arrays.

import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ENTRYPOINT, ... */
  keyword: string;
  /** Everything after the keyword, on one line. */
  args: string;
}

export interface Stage {
  /** The image the stage starts from, e.g. `node:22-slim`. */
  from: string;
  /** `AS <name>`, if any. */
  name?: string;
  instructions: Instruction[];
}

export function readStages(path: string): Stage[] {
  const logical = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const [from = '', , name] = args.split(/\s+/);
      stages.push({ from, ...(name === undefined ? {} : { name }), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${path}: ${keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

/** The arguments of the stage's last `keyword` instruction (the one that takes effect). */
export function lastArgs(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
}

/** An exec-form instruction's JSON array; throws for the shell form, which would keep signals from node. */
export function execForm(args: string | undefined, what: string): string[] {
  if (args === undefined || !args.startsWith('[')) throw new Error(`${what} is not in exec form (a JSON array): ${args}`);
  return JSON.parse(args) as string[];
}
