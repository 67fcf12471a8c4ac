/** Where the project and the shared read-only oracle material are. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedOracle = path.resolve(projectRoot, '../shared/oracle');
export const probesDir = path.join(projectRoot, 'test/oracle/fixtures/probes');
