#!/usr/bin/env node
/**
 * nas — neural architecture search from the command line. One file per verb in src/commands/;
 * this file only dispatches, and turns bad input into one line on stderr with exit status 2.
 */
import './engine/openmp-wait.js'; // before any worker or the oneDNN addon: libgomp reads it once
import { UserError } from './core/errors.js';
import { safeText } from './commands/safe-text.js';

type Command = (argv: string[]) => Promise<void>;

const commands: Record<string, { help: string; load: () => Promise<Command> }> = {
  search: { help: 'run or resume a search (nas search --strategy evolution --budget 200)', load: async () => (await import('./commands/search.js')).searchCommand },
  runs: { help: 'list the runs in the store', load: async () => (await import('./commands/runs.js')).runsCommand },
  show: { help: 'top trials of a run with their ancestry (nas show RUN)', load: async () => (await import('./commands/show.js')).showCommand },
  dashboard: { help: 'attach the terminal dashboard to a run (nas dashboard [RUN])', load: async () => (await import('./commands/dashboard.js')).dashboardCommand },
  worker: { help: 'serve a remote search through a Redis queue (nas worker --queue redis://…)', load: async () => (await import('./commands/worker.js')).workerCommand },
  baselines: { help: 'train the hand-designed baselines with a run\'s proxy settings', load: async () => (await import('./commands/baselines.js')).baselinesCommand },
  replays: { help: 'list the full-training replays and their results (nas replays [--run RUN])', load: async () => (await import('./commands/replays.js')).replaysCommand },
  train: { help: 'replay a cell into full training (nas train --run RUN --best)', load: async () => (await import('./commands/train.js')).trainCommand },
  compare: { help: 'train models side by side with one protocol: the survey\'s table and figures (nas compare --models vgg,resnet ...)', load: async () => (await import('./commands/compare.js')).compareCommand },
  fidelity: { help: 'how well cheap rewards rank cells the way a longer training does (nas fidelity --grid; --table for a benchmark table)', load: async () => (await import('./commands/fidelity.js')).fidelityCommand },
  export: { help: 'export a cell as json, dot or svg', load: async () => (await import('./commands/export.js')).exportCommand },
  latency: { help: 'time a run\'s children again, quietly, for its Pareto front (nas latency --run RUN)', load: async () => (await import('./commands/latency.js')).latencyCommand },
  plot: { help: 'SVG of reward over trials and replay learning curves', load: async () => (await import('./commands/plot.js')).plotCommand },
  bench: { help: 'benchmarks: nas bench train | nas bench strategies', load: async () => (await import('./commands/bench.js')).benchCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return ['usage: nas <command> [options]   (nas <command> --help for its options)', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (!name) throw new UserError(`no command given (known: ${Object.keys(commands).join(', ')}; nas --help says what each does)`);
  const command = commands[name];
  if (!Object.hasOwn(commands, name)) throw new UserError(`unknown command "${name}" (known: ${Object.keys(commands).join(', ')})`);
  await (await command.load())(rest);
  return 0;
}

/** Option-parsing errors of node:util parseArgs are bad input too. */
function isBadInput(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return err instanceof UserError || code.startsWith('ERR_PARSE_ARGS');
}

main(process.argv.slice(2)).then(
  (code) => {
    // A command may already have set a status of its own (130: nas train stopped by a signal).
    process.exitCode = process.exitCode || code;
  },
  (err: unknown) => {
    if (isBadInput(err)) {
      // Messages may quote a file's bytes or an argument: one line, no control characters.
      console.error(`nas: ${safeText((err as Error).message.split('\n')[0])}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);
