// A WHERE clause built from optional filters: a filter adds its clause and binds its values only when it is given,
// so the clause list and the parameter list cannot drift out of step.
export type SqlParam = string | number;

export class Conditions {
  readonly clauses: string[];
  readonly params: SqlParam[] = [];

  constructor(...initial: string[]) {
    this.clauses = initial;
  }

  /** Adds `clause` with `values` bound to its `?`s, in order. */
  add(clause: string, ...values: SqlParam[]): void {
    this.clauses.push(clause);
    this.params.push(...values);
  }

  /** Adds `clause` bound to `value` when a value is given. */
  addIf(clause: string, value: SqlParam | undefined): void {
    if (value !== undefined) this.add(clause, value);
  }

  /** `WHERE …`, or '' without clauses. */
  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}
