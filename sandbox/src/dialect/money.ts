// Bazaar's money: decimal strings in token units ("10.5"), the backend's: integer strings of base units.

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export class Money {
  private readonly scale: bigint;

  constructor(readonly decimals: number) {
    this.scale = 10n ** BigInt(decimals);
  }

  /** Base units (signed, as ledger postings are) as token units: "10500000000000000000" -> "10.5", "-1" -> "-0.000000000000000001". */
  show(base: string): string {
    if (!/^-?[0-9]+$/.test(base)) return base; // not an amount: shown as the backend sent it, never fixed
    const value = BigInt(base);
    const abs = value < 0n ? -value : value;
    const whole = (abs / this.scale).toString();
    const fraction = (abs % this.scale).toString().padStart(this.decimals, '0').replace(/0+$/, '');
    return `${value < 0n ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  }

  /** Token units as base units; undefined when `text` is not a plain decimal string with at most `decimals` fraction digits. */
  parse(text: unknown): string | undefined {
    if (typeof text !== 'string') return undefined;
    const match = DECIMAL.exec(text);
    if (!match) return undefined;
    const fraction = match[2] ?? '';
    if (fraction.length > this.decimals) return undefined;
    return (BigInt(match[1]!) * this.scale + BigInt(fraction.padEnd(this.decimals, '0') || '0')).toString();
  }

  /** What a money field must look like, for messages. */
  describe(): string {
    return `a decimal string of token units with at most ${this.decimals} decimals, e.g. "10.5"`;
  }
}
