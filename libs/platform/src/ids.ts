// Prefixed, time-sortable ids (`usr_0190...`): readable in logs and never mixed up between kinds.
import { uuidv7 } from 'uuidv7';

export function newId(prefix: string): string {
  return `${prefix}_${uuidv7().replaceAll('-', '')}`;
}
