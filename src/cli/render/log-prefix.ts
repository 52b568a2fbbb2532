/** Compose-style interleaved logs: a coloured, aligned name prefix per instance. */
import pc from 'picocolors';

const COLORS = [pc.cyan, pc.yellow, pc.green, pc.magenta, pc.blue, pc.red];

export class Prefixer {
  private readonly colors = new Map<string, (s: string) => string>();
  constructor(private width = 8) {}
  line(name: string, text: string): string {
    if (!this.colors.has(name)) this.colors.set(name, COLORS[this.colors.size % COLORS.length]!);
    this.width = Math.max(this.width, name.length);
    return `${this.colors.get(name)!(name.padEnd(this.width))} | ${text}`;
  }
}
