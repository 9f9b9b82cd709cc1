// Fenced code blocks in markdown, with the marker comment that names their source, and the
// check that a quoted block appears in its source file. Used by test/docs (files) and
// test/gpu/docs-wgsl.test.ts (generated WGSL).

export interface CodeBlock {
  /** The fence's language ('ts', 'wgsl', 'sh', ...; '' when none). */
  lang: string;
  /** The lines between the fences. */
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The marker on the last non-blank line before the fence: `<!-- code: PATH -->` or `<!-- wgsl: KERNEL -->`. */
  source?: { kind: 'code' | 'wgsl'; target: string };
}

/** Every fenced block of a markdown text. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const start = i;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) j++;
    let k = start - 1;
    while (k >= 0 && !lines[k]!.trim()) k--;
    const marker = /^<!--\s*(code|wgsl):\s*(\S+)\s*-->\s*$/.exec(lines[k]?.trim() ?? '');
    out.push({
      lang: open[3] ?? '',
      body: lines.slice(start + 1, j).join('\n'),
      line: start + 1,
      source: marker ? { kind: marker[1] as 'code' | 'wgsl', target: marker[2]! } : undefined,
    });
    i = j;
  }
  return out;
}

/** A line that stands for lines left out: `// …`, `…`, `# ...`, optionally followed by a note (`// … z =`). */
const ELISION = /^\s*(\/\/|#)?\s*(…|\.\.\.)(\s.*)?$/;

/**
 * A quoted line matches a line of the file when it is that line, or (8 characters or more) a
 * part of it: `return mu.add(...)` may quote `const z = mu.add(...)`'s expression.
 */
function sameLine(fileLine: string, quoted: string): boolean {
  const q = quoted.trim();
  if (!q) return !fileLine.trim();
  return fileLine.trim() === q || (q.length >= 8 && fileLine.includes(q));
}

/** The first line index >= from where the lines of `piece` start, consecutively, in `file`; -1 if none. */
function findPiece(file: string[], piece: string[], from: number): number {
  for (let i = from; i + piece.length <= file.length; i++) {
    if (piece.every((p, k) => sameLine(file[i + k]!, p))) return i;
  }
  return -1;
}

/**
 * Checks that `block` appears in `source`: split at elision lines (`// …`, `…`, `# ...`), each
 * piece must occur in the file as consecutive lines (indentation aside; see sameLine), the pieces
 * in order. Returns null when it does, else the first piece that does not.
 */
export function findPieces(source: string, block: string): string | null {
  const file = source.split('\n');
  const pieces: string[][] = [[]];
  for (const line of block.split('\n')) {
    if (ELISION.test(line)) pieces.push([]);
    else pieces.at(-1)!.push(line);
  }
  let from = 0;
  for (const raw of pieces) {
    const piece = [...raw];
    while (piece.length && !piece[0]!.trim()) piece.shift();
    while (piece.length && !piece.at(-1)!.trim()) piece.pop();
    if (!piece.length) continue;
    const at = findPiece(file, piece, from);
    if (at < 0) return piece.join('\n');
    from = at + piece.length;
  }
  return null;
}
