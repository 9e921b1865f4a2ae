import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DeviceError, devicesInUse, explainDeviceError, listDevices, openCameraAndMicrophone, stopStream } from '../media/media-devices.ts';
import { TakeRecorder } from '../media/take-recorder.ts';
import { Countdown } from '../lib/countdown.ts';
import { clock } from '../lib/time-format.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './interview-progress.ts';
import './mic-level-meter.ts';

const practiceSeconds = 20;

export interface DevicesReadyDetail {
  stream: MediaStream;
}

/** Camera preview, microphone level, device choice and an optional practice answer that never leaves the device. */
@customElement('device-check')
export class DeviceCheck extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 1.25rem;
        align-items: start;
      }
      @media (max-width: 720px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      .field {
        margin-bottom: 1rem;
      }
      .label {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .practice {
        margin-top: 1.25rem;
        padding-top: 1rem;
        border-top: 1px solid var(--border);
      }
      .rec {
        color: var(--danger);
        font-weight: 600;
      }
      .rec::before {
        content: '';
        display: inline-block;
        width: 0.7em;
        height: 0.7em;
        border-radius: 50%;
        background: var(--danger);
        margin-right: 0.4em;
      }
    `,
  ];

  /** The type answers will be recorded in; null when this browser cannot record. */
  @property({ attribute: false }) mimeType: string | null = null;
  /** The question that comes next, 1-based, of how many. */
  @property({ type: Number }) nextQuestion = 1;
  @property({ type: Number }) totalQuestions = 1;

  @state() private stream: MediaStream | null = null;
  @state() private problem: DeviceError | null = null;
  @state() private starting = false;
  @state() private cameras: MediaDeviceInfo[] = [];
  @state() private microphones: MediaDeviceInfo[] = [];
  @state() private cameraId = '';
  @state() private microphoneId = '';
  @state() private practice: 'idle' | 'recording' | 'recorded' = 'idle';
  @state() private practiceUrl = '';
  @state() private practiceLeft = practiceSeconds;

  private handedOver = false;
  private practiceRecorder?: TakeRecorder;
  private readonly practiceCountdown = new Countdown(
    (left) => (this.practiceLeft = left),
    () => void this.stopPractice(),
  );

  connectedCallback(): void {
    super.connectedCallback();
    void this.open();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.practiceCountdown.stop();
    this.practiceRecorder?.abandon();
    if (this.practiceUrl) URL.revokeObjectURL(this.practiceUrl);
    if (!this.handedOver) stopStream(this.stream);
  }

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  render() {
    return html`<section class="card">
      <interview-progress upcoming .number=${this.nextQuestion} .total=${this.totalQuestions}></interview-progress>
      <h1 tabindex="-1">Check your camera and microphone</h1>
      <p class="muted">Make sure your face is well lit and centred, and that the level bar moves when you speak.</p>
      ${this.mimeType === null
        ? html`<p class="notice error" role="alert">This browser cannot record video. Please open the link in a recent Chrome, Firefox, Edge or Safari.</p>`
        : nothing}
      ${this.problem
        ? html`<div class="notice error" role="alert">
            <p><strong>${this.problemTitle(this.problem)}</strong></p>
            <p>${this.problem.explanation}</p>
            <button class="secondary" @click=${() => this.open()} ?disabled=${this.starting}>Try again</button>
          </div>`
        : nothing}
      <div class="layout">
        <div>
          ${this.practice === 'recorded'
            ? html`<video src=${this.practiceUrl} controls playsinline aria-label="Your practice recording"></video>`
            : html`<video class="mirrored" .srcObject=${this.stream} autoplay muted playsinline aria-label="Camera preview"></video>`}
        </div>
        <div>
          <div class="field">
            <div class="label" aria-hidden="true">Microphone level</div>
            <mic-level-meter .stream=${this.stream}></mic-level-meter>
          </div>
          <div class="field">
            <label for="camera">Camera</label>
            <select id="camera" @change=${this.onCameraChange} ?disabled=${this.starting || this.cameras.length === 0 || this.practice === 'recording'}>
              ${this.cameras.length === 0 ? html`<option value="">${this.starting ? 'Looking for cameras…' : 'No camera found'}</option>` : this.choosing ? html`<option value="" selected>Choose a camera</option>` : nothing}
              ${this.cameras.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === this.cameraId}>${d.label || `Camera ${i + 1}`}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="microphone">Microphone</label>
            <select id="microphone" @change=${this.onMicrophoneChange} ?disabled=${this.starting || this.microphones.length === 0 || this.practice === 'recording'}>
              ${this.microphones.length === 0 ? html`<option value="">${this.starting ? 'Looking for microphones…' : 'No microphone found'}</option>` : this.choosing ? html`<option value="" selected>Choose a microphone</option>` : nothing}
              ${this.microphones.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === this.microphoneId}>${d.label || `Microphone ${i + 1}`}</option>`)}
            </select>
          </div>
        </div>
      </div>
      <div class="practice">
        <h2>Practice (optional)</h2>
        <p>Try a practice answer: <em>“What did you have for breakfast?”</em> It stays on this device and is never sent.</p>
        ${this.renderPractice()}
      </div>
      <div class="actions">
        <button @click=${this.onContinue} ?disabled=${!this.stream || !this.mimeType || this.practice === 'recording'}>${this.nextQuestion <= 1 ? 'Continue to the first question' : `Continue to question ${this.nextQuestion}`}</button>
      </div>
    </section>`;
  }

  private renderPractice() {
    const disabled = !this.stream || !this.mimeType;
    switch (this.practice) {
      case 'recording':
        return html`<p><span class="rec">Recording practice</span> · ${clock(this.practiceLeft)} left</p>
          <button class="danger" @click=${this.stopPractice}>Stop practice</button>`;
      case 'recorded':
        return html`<p>Play your practice recording to check how you look and sound.</p>
          <div class="actions">
            <button class="secondary" @click=${this.startPractice} ?disabled=${disabled}>Practise again</button>
            <button class="secondary" @click=${this.showLiveCamera}>Back to the live camera</button>
          </div>`;
      default:
        return html`<button class="secondary" @click=${this.startPractice} ?disabled=${disabled}>Record a practice answer</button>`;
    }
  }

  /** No device works and none is being tried: every listed one is a choice, and none is shown as chosen. */
  private get choosing(): boolean {
    return !this.stream && !this.starting;
  }

  private problemTitle(problem: DeviceError): string {
    switch (problem.problem) {
      case 'denied':
        return 'Camera and microphone access is blocked';
      case 'not_found':
        return 'No camera or microphone found';
      case 'in_use':
        return 'The camera or microphone is in use';
      default:
        return 'The camera could not be started';
    }
  }

  private async open(choice: { videoDeviceId?: string; audioDeviceId?: string } = {}): Promise<void> {
    this.starting = true;
    this.problem = null;
    const previous = this.stream;
    this.stream = null;
    stopStream(previous);
    try {
      const stream = await openCameraAndMicrophone(choice);
      this.stream = stream;
      const inUse = devicesInUse(stream);
      const lists = await listDevices();
      this.cameras = lists.cameras;
      this.microphones = lists.microphones;
      this.cameraId = inUse.videoDeviceId ?? '';
      this.microphoneId = inUse.audioDeviceId ?? '';
    } catch (error) {
      this.problem = explainDeviceError(error);
      // The default device may be busy or gone while another works: offer every one the browser lists.
      const lists = await listDevices().catch(() => null);
      if (lists) {
        this.cameras = lists.cameras;
        this.microphones = lists.microphones;
      }
    } finally {
      this.starting = false;
    }
  }

  private onCameraChange(event: Event) {
    void this.open({ videoDeviceId: (event.target as HTMLSelectElement).value || undefined, audioDeviceId: this.microphoneId || undefined });
  }

  private onMicrophoneChange(event: Event) {
    void this.open({ videoDeviceId: this.cameraId || undefined, audioDeviceId: (event.target as HTMLSelectElement).value || undefined });
  }

  private async startPractice() {
    if (!this.stream || !this.mimeType) return;
    if (this.practiceUrl) URL.revokeObjectURL(this.practiceUrl);
    this.practiceUrl = '';
    // Nothing is stored or sent: the sink drops every piece; the recorder keeps them for playback.
    this.practiceRecorder = new TakeRecorder(this.stream, this.mimeType, async () => undefined);
    try {
      await this.practiceRecorder.start();
      this.practice = 'recording';
      this.practiceCountdown.start(practiceSeconds);
    } catch (error) {
      this.problem = explainDeviceError(error);
    }
  }

  private async stopPractice() {
    this.practiceCountdown.stop();
    const recorder = this.practiceRecorder;
    if (!recorder) return;
    this.practiceRecorder = undefined;
    const { blob } = await recorder.stop();
    this.practiceUrl = URL.createObjectURL(blob);
    this.practice = 'recorded';
  }

  private showLiveCamera() {
    if (this.practiceUrl) URL.revokeObjectURL(this.practiceUrl);
    this.practiceUrl = '';
    this.practice = 'idle';
  }

  private onContinue() {
    if (!this.stream) return;
    this.handedOver = true;
    this.dispatchEvent(new CustomEvent<DevicesReadyDetail>('devices-ready', { detail: { stream: this.stream }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'device-check': DeviceCheck;
  }
}
