/** Asks the browser to confirm before the page is closed or reloaded, while `set(true)`. One per reason to warn. */
export class LeaveWarning {
  private on = false;
  // Each warning its own listener: the browser counts one listener added twice once, so a shared one
  // taken off for one reason would silence the others.
  private readonly listener = (event: BeforeUnloadEvent) => {
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set.
    event.returnValue = '';
  };

  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (on) window.addEventListener('beforeunload', this.listener);
    else window.removeEventListener('beforeunload', this.listener);
  }
}
