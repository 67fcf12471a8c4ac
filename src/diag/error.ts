import type { SourceSpan } from '../model/span.js';

/** What went wrong with an input (not a lockdep finding). */
export type IssueCode =
  | 'yaml-syntax'
  | 'schema'
  | 'unknown-lock'
  | 'unknown-function'
  | 'unbalanced-task'
  | 'script-syntax'
  | 'io'
  | 'usage'
  | 'internal';

export interface Issue {
  code: IssueCode;
  message: string;
  span?: SourceSpan;
  hint?: string;
}

/** The only error type of lockdep-sim: the input could not be read or run. The CLI exits 2. */
export class LockdepSimError extends Error {
  readonly issues: [Issue, ...Issue[]];
  constructor(issues: [Issue, ...Issue[]]) {
    super(issues.map((i) => i.message).join('; '));
    this.name = 'LockdepSimError';
    this.issues = issues;
  }
}

export function inputError(code: IssueCode, message: string, span?: SourceSpan, hint?: string): LockdepSimError {
  const issue: Issue = { code, message };
  if (span) issue.span = span;
  if (hint) issue.hint = hint;
  return new LockdepSimError([issue]);
}

/** `file:line:col: error[code]: message` then an indented hint. */
export function formatIssue(i: Issue): string {
  const where = i.span ? `${i.span.file}:${i.span.line}:${i.span.col}: ` : '';
  return `${where}error[${i.code}]: ${i.message}${i.hint ? `\n  hint: ${i.hint}` : ''}`;
}
