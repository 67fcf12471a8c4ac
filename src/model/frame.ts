/**
 * One stack frame as the kernel prints it with %pS: `symbol+0xOFF/0xSIZE [module]`.
 * Offsets are part of the frame because the same function appears with different return
 * addresses depending on the call site.
 */
export interface Frame {
  symbol: string;
  offset: number;
  size: number;
  module?: string;
}

const FRAME_RE = /^([A-Za-z_.$][\w.$]*)(?:\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+))?(?:\s+\[([\w-]+)\])?$/;

/** Parses `sym+0x1a/0x80 [mod]` (offset/size optional: they default to 0x0/0x0). Returns undefined when malformed. */
export function parseFrame(text: string): Frame | undefined {
  const m = FRAME_RE.exec(text.trim());
  if (!m) return undefined;
  const f: Frame = {
    symbol: m[1]!,
    offset: m[2] ? parseInt(m[2], 16) : 0,
    size: m[3] ? parseInt(m[3], 16) : 0,
  };
  if (m[4]) f.module = m[4];
  return f;
}

/** Formats a frame the way %pS does: `sym+0x1a/0x80` plus ` [module]` when it is in a module. */
export function formatFrame(f: Frame): string {
  return `${f.symbol}+0x${f.offset.toString(16)}/0x${f.size.toString(16)}${f.module ? ` [${f.module}]` : ''}`;
}
