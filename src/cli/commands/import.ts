import type { RegisterCommand } from '../context.js';
import { registerImportEvents } from './import-events.js';
import { registerImportProc } from './import-proc.js';
import { registerImportSplat } from './import-splat.js';
import { registerImportTrace } from './import-trace.js';

/** `lockdep-sim import splat|trace|proc|events …`: what the kernel (or another program) produced, in. */
export const registerImport: RegisterCommand = (y, ctx) =>
  y.command('import <source>', 'import a kernel splat, an ftrace lock trace, /proc/lockdep or a JSON-lines event log', (c) => {
    let sub = c;
    for (const register of [registerImportSplat, registerImportTrace, registerImportProc, registerImportEvents]) sub = register(sub, ctx);
    return sub.demandCommand(1, 'name what to import: splat, trace, proc or events');
  });
