/**
 * A scratch memo from an int pair to a number, cleared in O(1) by bumping a
 * generation: open addressing over typed arrays, so a lookup allocates
 * nothing and hashes no heap numbers. Reused across authors by one matcher.
 */
export class PairMemo {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private v = new Float64Array(1024);
  private stamp = new Int32Array(1024);
  private gen = 1;
  private used = 0;

  clear(): void {
    this.gen++;
    this.used = 0;
    if (this.gen === 0x7fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
  }

  /** The stored value, or NaN when absent. */
  get(x: number, y: number): number {
    const mask = this.a.length - 1;
    let i = hash(x, y) & mask;
    while (this.stamp[i] === this.gen) {
      if (this.a[i] === x && this.b[i] === y) return this.v[i]!;
      i = (i + 1) & mask;
    }
    return Number.NaN;
  }

  set(x: number, y: number, value: number): void {
    if ((this.used + 1) * 2 > this.a.length) this.grow();
    const mask = this.a.length - 1;
    let i = hash(x, y) & mask;
    while (this.stamp[i] === this.gen) {
      if (this.a[i] === x && this.b[i] === y) {
        this.v[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    this.stamp[i] = this.gen;
    this.a[i] = x;
    this.b[i] = y;
    this.v[i] = value;
    this.used++;
  }

  private grow(): void {
    const { a, b, v, stamp, gen } = this;
    const size = a.length * 2;
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.v = new Float64Array(size);
    this.stamp = new Int32Array(size);
    this.gen = 1;
    this.used = 0;
    for (let i = 0; i < a.length; i++) if (stamp[i] === gen) this.set(a[i]!, b[i]!, v[i]!);
  }
}

function hash(x: number, y: number): number {
  return (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}
