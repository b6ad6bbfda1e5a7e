/** Fields of a file as the user maps them: names in file order, how often each is filled, a few sample values. */
import type { FieldSummary, RecordValue } from './import-file.ts';

const SAMPLES = 5;

export class FieldTally {
  private readonly fields = new Map<string, { filled: number; samples: Set<string> }>();

  /** The same, for rows of a table: values in column order (faster than by name for large tables). */
  addRow(names: readonly string[], values: readonly (string | null)[]): void {
    for (let index = 0; index < names.length; index++) {
      const value = values[index];
      if (value === null || value === undefined || value === '') continue;
      const field = this.fields.get(names[index]!)!;
      field.filled += 1;
      if (field.samples.size < SAMPLES) field.samples.add(value.slice(0, 80));
    }
  }

  add(properties: Record<string, RecordValue>): void {
    for (const [name, value] of Object.entries(properties)) {
      let field = this.fields.get(name);
      if (!field) {
        field = { filled: 0, samples: new Set() };
        this.fields.set(name, field);
      }
      if (value === null || value === '') continue;
      field.filled += 1;
      if (field.samples.size < SAMPLES) field.samples.add(String(value).slice(0, 80));
    }
  }

  /** Declares fields a header names even when no record fills them. */
  declare(names: readonly string[]): void {
    for (const name of names) if (!this.fields.has(name)) this.fields.set(name, { filled: 0, samples: new Set() });
  }

  summary(): FieldSummary[] {
    return [...this.fields].map(([name, field]) => ({ name, filled: field.filled, samples: [...field.samples] }));
  }
}
