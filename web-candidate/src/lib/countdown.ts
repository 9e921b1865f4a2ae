// A countdown that stays right when the tab is throttled: it reads the clock instead of counting ticks.

export class Countdown {
  private timer: ReturnType<typeof setInterval> | undefined;
  private endsAt = 0;
  private lastWhole = -1;

  constructor(
    private readonly onTick: (remainingSeconds: number) => void,
    private readonly onEnd: () => void,
  ) {}

  start(seconds: number): void {
    this.stop();
    this.endsAt = performance.now() + seconds * 1000;
    this.lastWhole = -1;
    this.tick();
    this.timer = setInterval(() => this.tick(), 200);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  private tick(): void {
    const remaining = Math.max(0, (this.endsAt - performance.now()) / 1000);
    const whole = Math.ceil(remaining);
    if (whole !== this.lastWhole) {
      this.lastWhole = whole;
      this.onTick(whole);
    }
    if (remaining <= 0) {
      this.stop();
      this.onEnd();
    }
  }
}
