/**
 * Map forms written a piece at a time: each form is made by a `write*`
 * function that hands whole lines, in pieces of about TEXT_PIECE_CHARS
 * characters, to a `write` callback (the CLI's stdout, or the stager of a
 * build's file: io/atomic-write.ts TextPieces); its `format*` twin joins the
 * pieces. At a million devices a form is hundreds of MB: held as a list of
 * lines (or, for JSON, a tree of objects) until the last was made, it was
 * most of what the build's garbage collector copied (issue 21).
 */

/** Characters of text handed on at a time. */
const TEXT_PIECE_CHARS = 1 << 16;

/** Lines, each ended by a newline, handed to `write` in pieces of about TEXT_PIECE_CHARS characters. */
export class Lines {
  private piece = '';
  constructor(private readonly write: (text: string) => void) {}

  add(...lines: string[]): void {
    this.addAll(lines);
  }

  /** add() of a list the input sizes (one IOMMU per segment, say), never spread as arguments. */
  addAll(lines: Iterable<string>): void {
    for (const line of lines) this.piece += `${line}\n`;
    if (this.piece.length >= TEXT_PIECE_CHARS) this.end();
  }

  /** Hands on what is left. */
  end(): void {
    if (this.piece) this.write(this.piece);
    this.piece = '';
  }
}

/** The whole text a `write*` function makes, as one string (for what needs it whole: tests, the library, the web page). */
export function joinPieces(make: (write: (text: string) => void) => void): string {
  const pieces: string[] = [];
  make((text) => pieces.push(text));
  return pieces.join('');
}
