/**
 * Runs in flight on one controller server share it; a run whose plan freezes or kills the whole
 * server (a `pause`) would hit every other run's controller too, with no event of theirs to say
 * so. Such a run takes the server alone: it waits for the runs in flight to finish, and no run
 * starts until it is done. Others share it as before. A run waiting to be alone goes before runs
 * that arrive after it, so it is never starved.
 */
export class RunGate {
  private sharing = 0;
  private alone = false;
  private readonly queue: { alone: boolean; start: () => void }[] = [];

  /** Runs `task` beside other shared tasks, or alone. */
  async run<T>(alone: boolean, task: () => Promise<T>): Promise<T> {
    await this.enter(alone);
    try {
      return await task();
    } finally {
      this.leave(alone);
    }
  }

  private enter(alone: boolean): Promise<void> {
    if (this.queue.length === 0 && this.mayStart(alone)) {
      this.admit(alone);
      return Promise.resolve();
    }
    return new Promise((start) => this.queue.push({ alone, start }));
  }

  private mayStart(alone: boolean): boolean {
    return !this.alone && (!alone || this.sharing === 0);
  }

  private admit(alone: boolean): void {
    if (alone) this.alone = true;
    else this.sharing++;
  }

  private leave(alone: boolean): void {
    if (alone) this.alone = false;
    else this.sharing--;
    for (let next = this.queue[0]; next && this.mayStart(next.alone); next = this.queue[0]) {
      this.queue.shift();
      this.admit(next.alone);
      next.start();
    }
  }
}
