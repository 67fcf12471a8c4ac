/** A position in an input file (1-based line and column), kept on every scenario element. */
export interface SourceSpan {
  file: string;
  line: number;
  col: number;
}

export function formatSpan(s: SourceSpan): string {
  return `${s.file}:${s.line}:${s.col}`;
}
