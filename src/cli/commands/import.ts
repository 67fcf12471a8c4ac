import { picked, type RegisterCommand } from '../context.js';

/**
 * `lockdep-sim import splat|trace|proc|events …`: what the kernel (or another program) produced, in.
 * Like the commands (run-cli.ts), each source's module is loaded only when named: `import trace`
 * on a large trace should not first load the splat importer and its YAML writer.
 */
const SOURCES: Record<string, () => Promise<RegisterCommand>> = {
  splat: async () => (await import('./import-splat.js')).registerImportSplat,
  trace: async () => (await import('./import-trace.js')).registerImportTrace,
  proc: async () => (await import('./import-proc.js')).registerImportProc,
  events: async () => (await import('./import-events.js')).registerImportEvents,
};

/** The `import` command with the sources argv names (all of them when it names none it knows). */
export async function loadImport(argv: readonly string[]): Promise<RegisterCommand> {
  const at = argv.indexOf('import');
  const sources = await Promise.all(picked(SOURCES, argv.slice(at + 1).find((a) => !a.startsWith('-'))).map((load) => load()));
  return (y, ctx) =>
    y.command('import <source>', 'import a kernel splat, an ftrace lock trace, /proc/lockdep or a JSON-lines event log', (c) => {
      let sub = c;
      for (const register of sources) sub = register(sub, ctx);
      return sub.demandCommand(1, 'name what to import: splat, trace, proc or events');
    });
}
