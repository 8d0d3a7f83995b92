// A clock for a service under test: real time plus an offset the test can push forward (expiry, reminders, dwell).
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
