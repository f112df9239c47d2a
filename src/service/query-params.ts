/** A query parameter that could not be read; its message names the parameter. */
export class QueryError extends Error {}

/**
 * Typed access to a URL's query parameters. Unknown names are refused rather than ignored, so a typo such as
 * `?owner=` fails loudly instead of silently returning everything.
 */
export class QueryParams {
  private readonly used = new Set<string>();

  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    this.used.add(name);
    return this.params.get(name) ?? undefined;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw new QueryError(`${name} must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** An ISO 8601 time or milliseconds since the epoch, as milliseconds. */
  time(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isNaN(value)) throw new QueryError(`${name} must be an ISO 8601 time or epoch milliseconds`);
    return value;
  }

  oneOf<const T extends readonly string[]>(name: string, values: T): T[number] | undefined {
    const raw = this.string(name);
    if (raw !== undefined && !values.includes(raw))
      throw new QueryError(`${name} must be one of ${values.join(', ')}`);
    return raw;
  }

  /** Call after reading every known parameter. */
  rejectUnknown(): void {
    const unknown = [...new Set(this.params.keys())].filter((name) => !this.used.has(name));
    if (unknown.length > 0) throw new QueryError(`unknown parameter(s): ${unknown.join(', ')}`);
  }
}
