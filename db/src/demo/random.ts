/** Deterministic pseudo-randomness for the demo generator: same seed, same district. */

/** sfc32-style generator seeded through splitmix32; returns numbers in [0, 1). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const next = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let index = 0; index < 12; index++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  integer(min: number, maxInclusive: number): number {
    return Math.floor(this.range(min, maxInclusive + 1));
  }

  normal(mean = 0, deviation = 1): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A child generator, so that one part of the district does not shift when another changes. */
  fork(label: string): Random {
    let hash = 2166136261;
    for (const character of label) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
    return new Random((hash ^ Math.floor(this.next() * 4294967296)) >>> 0);
  }
}

/** Smooth 2-D value noise in [0, 1): bilinear interpolation of a random lattice, several octaves. */
export class ValueNoise {
  private readonly values = new Float64Array(256);
  private readonly permutation = new Uint8Array(512);

  constructor(random: Random) {
    for (let index = 0; index < 256; index++) this.values[index] = random.next();
    const order = Array.from({ length: 256 }, (_, index) => index);
    for (let index = 255; index > 0; index--) {
      const other = Math.floor(random.next() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (let index = 0; index < 512; index++) this.permutation[index] = order[index & 255]!;
  }

  private lattice(x: number, y: number): number {
    return this.values[this.permutation[(this.permutation[x & 255]! + y) & 511]!]!;
  }

  private single(x: number, y: number): number {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const top = this.lattice(x0, y0) * (1 - sx) + this.lattice(x0 + 1, y0) * sx;
    const bottom = this.lattice(x0, y0 + 1) * (1 - sx) + this.lattice(x0 + 1, y0 + 1) * sx;
    return top * (1 - sy) + bottom * sy;
  }

  /** Noise at (x, y) measured in units of `wavelength`. */
  at(x: number, y: number, wavelength: number, octaves = 3): number {
    let total = 0;
    let amplitude = 1;
    let weight = 0;
    let frequency = 1 / wavelength;
    for (let octave = 0; octave < octaves; octave++) {
      total += amplitude * this.single(x * frequency + octave * 17.3, y * frequency - octave * 9.1);
      weight += amplitude;
      amplitude *= 0.5;
      frequency *= 2;
    }
    return total / weight;
  }
}
