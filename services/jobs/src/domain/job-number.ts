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

// Building an Intl.DateTimeFormat costs far more than using one (it showed in the jobs service's profile, once per
// job number written or listed): one per time zone, kept. null marks a zone Intl does not know.
const yearFormats = new Map<string, Intl.DateTimeFormat | null>();

function yearIn(at: Date, timeZone: string | undefined): string {
  const zone = timeZone || 'UTC';
  let format = yearFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: zone });
    } catch {
      format = null;
    }
    // Zones are few (one per tenant setting); the bound only guards against a flood of odd values.
    if (yearFormats.size < 1000) yearFormats.set(zone, format);
  }
  return format ? format.format(at) : String(at.getUTCFullYear());
}
