// The 64-bit key track points are indexed by: FNV-1a 64 of "<tenant>:<worker>", as a signed bigint in decimal.
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;
const CACHE_LIMIT = 200_000;

const cache = new Map<string, string>();

/** Stable forever (it is stored): never change this function, add a new key column instead. */
export function workerKey(tenantId: string, workerId: string): string {
  const text = `${tenantId}:${workerId}`;
  let key = cache.get(text);
  if (key === undefined) {
    let h = OFFSET;
    for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * PRIME) & MASK;
    key = BigInt.asIntN(64, h).toString();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, key);
  }
  return key;
}
