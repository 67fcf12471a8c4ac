import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { LockdepSimError } from '../../diag/error.js';
import { importSplat } from '../../importers/splat/index.js';
import { EXIT, readInput, type CliContext } from '../context.js';

export interface ImportSplatArgs {
  file: string;
  output?: string;
}

/** `import splat FILE|-`: the scenario on stdout (or in -o FILE), what was guessed or missing on stderr. */
export function importSplatCommand(a: ImportSplatArgs, ctx: CliContext): void {
  const name = a.file === '-' ? '<stdin>' : a.file;
  const { yaml, warnings, report } = importSplat(readInput(a.file), name);
  if (a.output !== undefined) {
    try {
      writeFileSync(a.output, yaml);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LockdepSimError([
        {
          code: 'io',
          message: `cannot write ${a.output}${code ? ` (${code})` : ''}`,
          span: { file: a.output, line: 1, col: 1 },
          hint: 'check that the directory exists and is writable',
        },
      ]);
    }
  } else ctx.io.stdout(yaml);
  for (const w of warnings) ctx.io.stderr(`lockdep-sim import splat: ${name}: warning: ${w}\n`);
  const where = a.output !== undefined ? ` → ${a.output}` : '';
  ctx.io.stderr(`lockdep-sim import splat: ${name}: ${report.kind} report at line ${report.titleLine}${where}${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`);
  ctx.setExit(EXIT.clean);
}

/** The file argument: yargs turns a lone `-` (stdin) into an empty string. */
export function fileArgument(arg: unknown): string {
  const s = String(arg ?? '');
  return s === '' ? '-' : s;
}

/** Adds `splat <file>` to a yargs instance (composed under `import`). */
export function registerImportSplat(y: Argv, ctx: CliContext): Argv {
  return y.command(
    'splat <file>',
    'turn a lockdep report (dmesg, mail, syzbot page) into a scenario that reproduces it',
    (c) =>
      c
        .positional('file', { type: 'string', demandOption: true, describe: 'the text holding the report, or - for stdin' })
        .option('output', { alias: 'o', type: 'string', describe: 'write the scenario here instead of stdout' }),
    (args) => {
      const a: ImportSplatArgs = { file: fileArgument(args.file) };
      if (args.output !== undefined) a.output = args.output;
      importSplatCommand(a, ctx);
    },
  );
}
