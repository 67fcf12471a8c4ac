/**
 * Typed access to a parsed YAML document that never loses positions: every value read from the
 * tree comes with the 1-based line:col of the node it was written at, and every mistake becomes a
 * LockdepSimError (`schema`) pointing at the offending key or value. Aliases (`*name`) are
 * resolved to the anchored node, so errors inside anchored content point at the anchor's text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { inputError } from '../diag/error.js';
import type { SourceSpan } from '../model/span.js';
import { closest, listNames } from './closest.js';

/** What every reader needs: the file name for spans, the line table, the document (for aliases). */
export interface YamlSource {
  file: string;
  lc: LineCounter;
  doc: Document.Parsed;
}

export function spanAt(src: YamlSource, offset: number): SourceSpan {
  const p = src.lc.linePos(offset);
  return { file: src.file, line: p.line, col: p.col };
}

/** Span of a node's first character (falls back to `fallback` for nodes without a range). */
export function spanOf(src: YamlSource, node: Node | null | undefined, fallback: SourceSpan): SourceSpan {
  return node?.range ? spanAt(src, node.range[0]) : fallback;
}

/** Follows `*alias` to the anchored node. */
export function deref(src: YamlSource, node: unknown): Node | null {
  let n = node;
  for (let hops = 0; isAlias(n) && hops < 100; hops++) n = n.resolve(src.doc);
  return (n as Node | null | undefined) ?? null;
}

/** "a mapping", "a list", "the number 12", … for error messages. */
export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing (null)';
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `\`${v}\` (a boolean)`;
    if (typeof v === 'string') return `the string "${v}"`;
    return `\`${String(v)}\``;
  }
  return 'an unsupported YAML node';
}

/** A value read from YAML together with where it was written. */
export interface Located<T> {
  value: T;
  span: SourceSpan;
}

export type Expect = 'string' | 'integer' | 'boolean' | 'mapping' | 'list' | 'frame';

/** Throws the standard "expected X, got Y" schema error. */
export function wrongType(src: YamlSource, node: Node | null, what: string, expected: string, fallback: SourceSpan, hint?: string): never {
  throw inputError('schema', `${what} must be ${expected}, got ${describe(node)}`, spanOf(src, node, fallback), hint);
}

export function asMap(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint?: string): YAMLMap {
  if (!isMap(node)) wrongType(src, node, what, 'a mapping', fallback, hint ?? 'a mapping is `key: value` lines or `{ key: value }`');
  return node;
}

export function asSeq(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint?: string): YAMLSeq {
  if (!isSeq(node)) wrongType(src, node, what, 'a list', fallback, hint ?? 'a list is `- item` lines or `[a, b]`');
  return node;
}

/** The items of a list, each dereferenced. */
export function seqItems(src: YamlSource, seq: YAMLSeq): (Node | null)[] {
  return seq.items.map((i) => deref(src, i));
}

export function asString(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint?: string): string {
  if (!isScalar(node) || typeof node.value !== 'string') wrongType(src, node, what, 'a string', fallback, hint ?? 'quote values that YAML would read as numbers, booleans or null, e.g. "6.1"');
  return node.value as string;
}

/**
 * Non-negative integers: YAML numbers (`12`, `0x1c0`) or strings holding one (`"0x1c0"`), so
 * offsets can be pasted from a splat with or without quotes.
 */
export function asInt(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint?: string): number {
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim())) return Number(v.trim());
  }
  return wrongType(src, node, what, 'a non-negative integer (decimal or 0x hex)', fallback, hint ?? 'write a number, e.g. `12` or `0x1c0`');
}

export function asBool(src: YamlSource, node: Node | null, what: string, fallback: SourceSpan, hint?: string): boolean {
  if (!isScalar(node) || typeof node.value !== 'boolean') wrongType(src, node, what, '`true` or `false`', fallback, hint ?? 'write `true` or `false` (unquoted)');
  return node.value as boolean;
}

export function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** One key of a mapping: the key's text and span, the (dereferenced) value node. */
export interface Entry {
  key: string;
  keySpan: SourceSpan;
  value: Node | null;
  /** Span of the value, or of the key when the value is empty. */
  valueSpan: SourceSpan;
}

/** The entries of a mapping in written order; keys must be plain strings. */
export function mapEntries(src: YamlSource, map: YAMLMap, what: string, fallback: SourceSpan): Entry[] {
  const out: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = deref(src, pair.key);
    const keySpan = spanOf(src, keyNode, spanOf(src, map, fallback));
    if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
      throw inputError('schema', `keys of ${what} must be plain names, got ${describe(keyNode)}`, keySpan, 'write keys as plain words: `name: value`');
    }
    const value = deref(src, pair.value);
    out.push({ key: String((keyNode as Scalar).value), keySpan, value, valueSpan: spanOf(src, value, keySpan) });
  }
  return out;
}

/**
 * A mapping whose keys are a fixed set: reading it rejects unknown keys (with the closest known
 * key as a suggestion) and gives typed, located access to the rest.
 */
export class Fields {
  readonly span: SourceSpan;
  private readonly byKey = new Map<string, Entry>();

  constructor(
    private readonly src: YamlSource,
    readonly map: YAMLMap,
    /** What this mapping is, for messages: "a class", "step", "the scenario". */
    readonly what: string,
    known: readonly string[],
    fallback: SourceSpan,
  ) {
    this.span = spanOf(src, map, fallback);
    for (const e of mapEntries(src, map, what, fallback)) {
      if (!known.includes(e.key)) {
        const guess = closest(e.key, known);
        throw inputError(
          'schema',
          `unknown key \`${e.key}\` in ${what}`,
          e.keySpan,
          guess ? `did you mean \`${guess}\`? (known keys: ${listNames(known, 30)})` : `known keys: ${listNames(known, 30)}`,
        );
      }
      this.byKey.set(e.key, e);
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  entry(key: string): Entry | undefined {
    return this.byKey.get(key);
  }

  /** The value node of a key that must be present. */
  required(key: string, hint?: string): Entry {
    const e = this.byKey.get(key);
    if (!e) throw inputError('schema', `${this.what} is missing \`${key}\``, this.span, hint);
    return e;
  }

  private label(key: string): string {
    return `\`${key}\` of ${this.what}`;
  }

  string(key: string, hint?: string): Located<string> | undefined {
    const e = this.byKey.get(key);
    return e && { value: asString(this.src, e.value, this.label(key), e.valueSpan, hint), span: e.valueSpan };
  }

  int(key: string, hint?: string): Located<number> | undefined {
    const e = this.byKey.get(key);
    return e && { value: asInt(this.src, e.value, this.label(key), e.valueSpan, hint), span: e.valueSpan };
  }

  bool(key: string, hint?: string): Located<boolean> | undefined {
    const e = this.byKey.get(key);
    return e && { value: asBool(this.src, e.value, this.label(key), e.valueSpan, hint), span: e.valueSpan };
  }

  requiredString(key: string, hint?: string): Located<string> {
    const e = this.required(key, hint);
    return { value: asString(this.src, e.value, this.label(key), e.valueSpan, hint), span: e.valueSpan };
  }
}
