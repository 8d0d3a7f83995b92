// What Traccar Client and other OsmAnd-protocol trackers send, read into fixes: the query or form parameters of
// the classic protocol (also the form body of newer clients) and the JSON body of Traccar Client 9. Pure: no I/O,
// no clock of its own (a fix without a time takes the `now` given); malformed values are refused naming the
// parameter as the client sent it. Ranges (lat ≤ 90, battery ≤ 100, …) are the location service's checks.

/** One GPS fix, in the units of the location service's Ping (−1 = unknown; accuracy 0 = unknown). */
export type OsmandFix = {
  deviceTime: Date;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number;
  headingDeg: number;
  batteryPct: number;
  altitudeM?: number;
  charging: boolean;
  mock: boolean;
  /** e.g. `sos`: the classic protocol's alarm, logged by the gateway (a Ping has no field for it). */
  alarm?: string;
};

/** A Ping field, as the location service names it in a rejection. */
export type PingField =
  | 'deviceTime'
  | 'lat'
  | 'lng'
  | 'accuracyM'
  | 'speedMps'
  | 'headingDeg'
  | 'batteryPct'
  | 'altitudeM';

export type OsmandReport = {
  /** `params`: query string and/or form body; `json`: Traccar Client 9's JSON body. */
  format: 'params' | 'json';
  /** The device identifier typed into the app: the device's uniqueId. */
  deviceId: string;
  /** Empty when the request carried no position (a push-token update, a heartbeat without a fix, an invalid fix). */
  fixes: OsmandFix[];
  /** The client's own name for each Ping field, per fix, so a refusal names what the client sent. */
  fieldNames: Array<Record<PingField, string>>;
};

/** A value the client sent that is not what the protocol allows; `field` is the parameter as sent. */
export class OsmandInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'OsmandInputError';
  }
}

/** 1 knot = 1852 m per hour. */
export const KNOT_MPS = 1852 / 3600;
/** Numeric timestamps below this are seconds, at or above it milliseconds (Traccar's rule). */
const MS_THRESHOLD = 2 ** 31;
const MAX_ID_LENGTH = 128;
const MAX_ALARM_LENGTH = 64;
/** Far beyond any phone's offline buffer upload; bounds the work of one request. */
export const MAX_JSON_LOCATIONS = 1000;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// RFC 3339 / ISO 8601 with `T` or a space, optional fraction and offset (none = UTC). A `+` of an offset sent
// unencoded in a query string arrives as a space, which the offset group accepts too.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+\- ]\d{2}(?::?\d{2})?)?$/i;
const ID = /^[\x21-\x7E]+$/;

// ---------- values ----------

function number(field: string, raw: string): number {
  const v = raw.trim();
  if (!DECIMAL.test(v)) throw new OsmandInputError(field, `${field} must be a number (got "${clip(raw)}")`);
  return Number(v);
}

/** A JSON number, or a numeric string some clients send instead. */
function jsonNumber(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') return number(field, value);
  throw new OsmandInputError(field, `${field} must be a number`);
}

function bool(field: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new OsmandInputError(field, `${field} must be true or false (got "${clip(raw)}")`);
}

function jsonBool(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') return bool(field, String(value));
  throw new OsmandInputError(field, `${field} must be true or false`);
}

/** Unix seconds, milliseconds when ≥ 2^31, or ISO 8601; empty means the fix has no time of its own. */
export function parseTimestamp(field: string, raw: string | number, now: Date): Date {
  if (typeof raw === 'number') return fromEpoch(field, raw, raw);
  const v = raw.trim();
  if (v === '') return now;
  if (DECIMAL.test(v)) return fromEpoch(field, Number(v), raw);
  const m = ISO.exec(v);
  if (m) {
    const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : isoOffset(zone);
    const ms = frac ? `.${frac.slice(1, 4).padEnd(3, '0')}` : '';
    const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${offset}`);
    if (!Number.isNaN(t) && sameCalendarDay(t, offset, y, mo, d)) return new Date(t);
  }
  throw new OsmandInputError(
    field,
    `${field} must be unix seconds, milliseconds or an ISO 8601 time (got "${clip(String(raw))}")`,
  );
}

function fromEpoch(field: string, n: number, raw: string | number): Date {
  if (!(Number.isFinite(n) && n >= 0)) {
    throw new OsmandInputError(field, `${field} must be a time after 1970 (got "${clip(String(raw))}")`);
  }
  const t = new Date(n >= MS_THRESHOLD ? n : n * 1000);
  if (Number.isNaN(t.getTime())) throw new OsmandInputError(field, `${field} is out of range`);
  return t;
}

/** `+0200`, ` 02:00` (a `+` decoded as a space), `-05` → `±HH:MM`. */
function isoOffset(zone: string): string {
  const sign = zone[0] === '-' ? '-' : '+';
  const digits = zone.slice(1).replace(':', '');
  return `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

/** Date.parse rolls 2024-02-31 over to March; a day that does not exist is a malformed time. */
function sameCalendarDay(t: number, offset: string, y: string, mo: string, d: string): boolean {
  const minutes =
    offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(t + minutes * 60_000);
  return (
    local.getUTCFullYear() === Number(y) && local.getUTCMonth() + 1 === Number(mo) && local.getUTCDate() === Number(d)
  );
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
/** Phones report −1 (or any negative) for a speed or bearing they do not know. */
const unknownIfNegative = (n: number) => (n < 0 ? -1 : n);

function deviceIdValue(field: string, raw: unknown): string {
  const v = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof v !== 'string' || v.trim() === '')
    throw new OsmandInputError(field, `${field} (the device identifier) is required`);
  const id = v.trim();
  if (id.length > MAX_ID_LENGTH || !ID.test(id))
    throw new OsmandInputError(field, `${field} is not a valid device identifier`);
  return id;
}

// ---------- query string and form body ----------

/**
 * The classic OsmAnd / Traccar Client parameters (query string, form body, or both merged):
 * `id` (or `deviceid`), `timestamp`, `lat` + `lon` or `location=lat,lon`, `speed` in knots, `bearing` or
 * `heading`, `altitude`, `accuracy` (or `hdop`: the OsmAnd app fills it with the accuracy in metres),
 * `batt` in %, `charge`, `valid`, `alarm`, `mock`. Anything else (push tokens, odometer, …) is ignored.
 */
export function parseOsmandParams(params: ReadonlyMap<string, string>, now: Date): OsmandReport {
  const get = (name: string) => {
    const v = params.get(name);
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const idField = params.has('id') ? 'id' : params.has('deviceid') ? 'deviceid' : 'id';
  const deviceId = deviceIdValue(idField, params.get(idField));

  let lat: number | undefined;
  let lng: number | undefined;
  const names: Record<PingField, string> = {
    deviceTime: 'timestamp',
    lat: 'lat',
    lng: 'lon',
    accuracyM: get('accuracy') === undefined && get('hdop') !== undefined ? 'hdop' : 'accuracy',
    speedMps: 'speed',
    headingDeg: get('bearing') === undefined && get('heading') !== undefined ? 'heading' : 'bearing',
    batteryPct: 'batt',
    altitudeM: 'altitude',
  };
  const location = get('location');
  if (location !== undefined) {
    const parts = location.split(',');
    if (parts.length !== 2) throw new OsmandInputError('location', 'location must be "lat,lon"');
    lat = number('location', parts[0]);
    lng = number('location', parts[1]);
    names.lat = 'location';
    names.lng = 'location';
  } else {
    const rawLat = get('lat');
    const rawLng = get('lon');
    if (rawLat !== undefined) lat = number('lat', rawLat);
    if (rawLng !== undefined) lng = number('lon', rawLng);
    if (lat !== undefined && lng === undefined) throw new OsmandInputError('lon', 'lon is required with lat');
    if (lng !== undefined && lat === undefined) throw new OsmandInputError('lat', 'lat is required with lon');
  }

  // Every value is checked even when there is no position, so a malformed request is refused either way.
  const deviceTime = parseTimestamp('timestamp', get('timestamp') ?? '', now);
  const opt = (name: string) => {
    const v = get(name);
    return v === undefined ? undefined : number(name, v);
  };
  const speedKnots = opt('speed');
  const heading = get('bearing') !== undefined ? opt('bearing') : opt('heading');
  const accuracy = get('accuracy') !== undefined ? opt('accuracy') : opt('hdop');
  const altitude = opt('altitude');
  const battery = opt('batt');
  const charging = get('charge') !== undefined ? bool('charge', get('charge') as string) : false;
  const mock = get('mock') !== undefined ? bool('mock', get('mock') as string) : false;
  const valid = get('valid') !== undefined ? bool('valid', get('valid') as string) : true;
  const alarm = get('alarm')?.trim().slice(0, MAX_ALARM_LENGTH);

  // No coordinates, or the phone itself says the fix is not valid (no GPS lock): nothing to store.
  if (lat === undefined || lng === undefined || !valid) {
    return { format: 'params', deviceId, fixes: [], fieldNames: [] };
  }
  const fix: OsmandFix = {
    deviceTime,
    lat,
    lng,
    accuracyM: accuracy ?? 0,
    speedMps: speedKnots === undefined || speedKnots < 0 ? -1 : speedKnots * KNOT_MPS,
    headingDeg: heading === undefined ? -1 : unknownIfNegative(heading),
    batteryPct: battery ?? -1,
    ...(altitude !== undefined && { altitudeM: altitude }),
    charging,
    mock,
    ...(alarm && { alarm }),
  };
  return { format: 'params', deviceId, fixes: [fix], fieldNames: [names] };
}

// ---------- Traccar Client 9 JSON ----------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Traccar Client 9's body: `{"device_id", "location": {"timestamp", "coords": {"latitude", "longitude",
 * "accuracy", "speed" (m/s), "heading", "altitude"}, "battery": {"level" (0..1), "is_charging"}, "is_moving",
 * "odometer", "event", "mock", "extras"}}`, `location` also as an array of such objects. A location without
 * coords is no fix; speed and heading −1 mean unknown, as does a battery level of −1.
 */
export function parseOsmandJson(body: unknown, now: Date): OsmandReport {
  if (!isObject(body)) throw new OsmandInputError('device_id', 'the JSON body must be an object with device_id');
  const deviceId = deviceIdValue('device_id', body.device_id);
  const raw = body.location;
  if (raw === undefined || raw === null) return { format: 'json', deviceId, fixes: [], fieldNames: [] };
  const many = Array.isArray(raw);
  const locations = many ? raw : [raw];
  if (locations.length > MAX_JSON_LOCATIONS) {
    throw new OsmandInputError('location', `at most ${MAX_JSON_LOCATIONS} locations per request`);
  }
  const fixes: OsmandFix[] = [];
  const fieldNames: Array<Record<PingField, string>> = [];
  locations.forEach((loc, i) => {
    const at = many ? `location.${i}` : 'location';
    const parsed = jsonFix(loc, at, now);
    if (parsed) {
      fixes.push(parsed.fix);
      fieldNames.push(parsed.names);
    }
  });
  return { format: 'json', deviceId, fixes, fieldNames };
}

function jsonFix(
  loc: unknown,
  at: string,
  now: Date,
): { fix: OsmandFix; names: Record<PingField, string> } | undefined {
  if (!isObject(loc)) throw new OsmandInputError(at, `${at} must be an object`);
  const coords = loc.coords;
  const c = `${at}.coords`;
  const names: Record<PingField, string> = {
    deviceTime: `${at}.timestamp`,
    lat: `${c}.latitude`,
    lng: `${c}.longitude`,
    accuracyM: `${c}.accuracy`,
    speedMps: `${c}.speed`,
    headingDeg: `${c}.heading`,
    batteryPct: `${at}.battery.level`,
    altitudeM: `${c}.altitude`,
  };
  const timestamp = loc.timestamp;
  if (timestamp !== undefined && timestamp !== null && typeof timestamp !== 'string' && typeof timestamp !== 'number') {
    throw new OsmandInputError(names.deviceTime, `${names.deviceTime} must be an ISO 8601 time`);
  }
  const deviceTime = parseTimestamp(names.deviceTime, timestamp ?? '', now);
  const battery = loc.battery;
  if (battery !== undefined && battery !== null && !isObject(battery)) {
    throw new OsmandInputError(`${at}.battery`, `${at}.battery must be an object`);
  }
  const level = battery?.level == null ? undefined : jsonNumber(names.batteryPct, battery.level);
  const charging = battery?.is_charging == null ? false : jsonBool(`${at}.battery.is_charging`, battery.is_charging);
  const mock = loc.mock == null ? false : jsonBool(`${at}.mock`, loc.mock);
  if (coords === undefined || coords === null) return undefined;
  if (!isObject(coords)) throw new OsmandInputError(c, `${c} must be an object`);
  const optional = (key: string) => (coords[key] == null ? undefined : jsonNumber(`${c}.${key}`, coords[key]));
  const lat = optional('latitude');
  const lng = optional('longitude');
  if (lat === undefined && lng === undefined) return undefined;
  if (lat === undefined) throw new OsmandInputError(names.lat, `${names.lat} is required with longitude`);
  if (lng === undefined) throw new OsmandInputError(names.lng, `${names.lng} is required with latitude`);
  const speed = optional('speed');
  const heading = optional('heading');
  const altitude = optional('altitude');
  const fix: OsmandFix = {
    deviceTime,
    lat,
    lng,
    accuracyM: optional('accuracy') ?? 0,
    speedMps: speed === undefined ? -1 : unknownIfNegative(speed),
    headingDeg: heading === undefined ? -1 : unknownIfNegative(heading),
    batteryPct: batteryPercent(level),
    ...(altitude !== undefined && { altitudeM: altitude }),
    charging,
    mock,
  };
  return { fix, names };
}

/** The JSON level is a fraction (0..1, −1 unknown); a value above 1 is taken as already in percent. */
function batteryPercent(level: number | undefined): number {
  if (level === undefined || level < 0) return -1;
  return level <= 1 ? Math.round(level * 1000) / 10 : level;
}
