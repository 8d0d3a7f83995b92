// A clock for the accounts service that runs with real time plus an offset a test can push forward.
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export const HOUR = 3600_000;
