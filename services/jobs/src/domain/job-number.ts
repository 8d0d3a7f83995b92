// Human-readable job numbers: the tenant's taskNumberFormat with {code} (the customer's code, or JOB without
// a customer), {n} (the per-tenant sequence) and {yyyy} (the year in the tenant's time zone).

export const DEFAULT_NUMBER_FORMAT = '{code}-TASK-{n}';
/** The code of jobs that have no customer. */
export const NO_CUSTOMER_CODE = 'JOB';

export function formatJobNumber(
  format: string,
  parts: { customerCode?: string; n: number; at: Date; timeZone?: string },
): string {
  const template = format.includes('{n}') ? format : DEFAULT_NUMBER_FORMAT;
  const code = parts.customerCode?.trim() || NO_CUSTOMER_CODE;
  return template
    .replaceAll('{code}', code)
    .replaceAll('{n}', String(parts.n))
    .replaceAll('{yyyy}', yearIn(parts.at, parts.timeZone));
}

function yearIn(at: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: timeZone || 'UTC' }).format(at);
  } catch {
    return String(at.getUTCFullYear());
  }
}
