import { draftFromRecord, type ColumnTarget } from './csv-columns.ts';
import { validateCustomer, type Customer, type CustomerRejectReason } from './customer.ts';

/** A CSV row the import refused, with its line number, for the operator to fix. */
export interface RowError {
  line: number;
  externalId: string | null;
  field: string;
  reason: CustomerRejectReason;
  message: string;
}

/**
 * One data row of a CRM export: the valid customer, or why it was refused
 * (a wrong field count, or every validation problem in one message under
 * the first problem's field and reason).
 */
export function readCustomerRow(
  record: readonly string[],
  targets: readonly (ColumnTarget | null)[],
  line: number,
): { ok: true; customer: Customer } | { ok: false; error: RowError } {
  if (record.length !== targets.length) {
    return {
      ok: false,
      error: {
        line,
        externalId: null,
        field: 'row',
        reason: 'malformed_row',
        message: `expected ${targets.length} fields, got ${record.length}`,
      },
    };
  }
  const v = validateCustomer(draftFromRecord(record, targets));
  if (v.ok) return { ok: true, customer: v.customer };
  const externalId =
    record[targets.findIndex((t) => t && 'field' in t && t.field === 'externalId')] ?? null;
  const first = v.problems[0]!;
  return {
    ok: false,
    error: {
      line,
      externalId: externalId || null,
      field: first.field,
      reason: first.reason,
      message: v.problems.map((p) => p.message).join('; '),
    },
  };
}
