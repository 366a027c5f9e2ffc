/**
 * Subject transforms for imports: a source pattern's wildcard tokens are carried, in order,
 * into the destination's `*` tokens, or into `$N` / `{{wildcard(N)}}` references.
 */
export class SubjectTransform {
  private readonly src: string[];
  private readonly dest: string[];
  /** For each destination token: -1 literal, else the index of the source wildcard it takes. */
  private readonly refs: number[];
  private readonly srcWildcards: number[];

  constructor(srcPattern: string, destPattern: string) {
    this.src = srcPattern.split('.');
    this.dest = destPattern.split('.');
    this.srcWildcards = [];
    this.src.forEach((t, i) => {
      if (t === '*' || t === '>') this.srcWildcards.push(i);
    });
    let next = 0;
    this.refs = this.dest.map((t) => {
      const m = /^(?:\$(\d+)|\{\{\s*wildcard\s*\(\s*(\d+)\s*\)\s*\}\})$/.exec(t);
      if (m) return Number(m[1] ?? m[2]) - 1;
      if (t === '*' || t === '>') return next++;
      return -1;
    });
  }

  /** Maps a literal subject matched by the source pattern. */
  apply(subject: string): string {
    const tokens = subject.split('.');
    const out: string[] = [];
    for (let i = 0; i < this.dest.length; i++) {
      const ref = this.refs[i];
      if (ref < 0) {
        out.push(this.dest[i]);
        continue;
      }
      const pos = this.srcWildcards[ref];
      if (pos === undefined) {
        out.push(this.dest[i]);
        continue;
      }
      // A '>' in the source captures every remaining token.
      if (this.src[pos] === '>') out.push(tokens.slice(pos).join('.'));
      else out.push(tokens[pos]);
    }
    return out.join('.');
  }
}
