import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.ts';

/** How loud the microphone is right now, from an AnalyserNode; says once it has heard something. */
@customElement('mic-level-meter')
export class MicLevelMeter extends LitElement {
  static styles = [
    sharedStyles,
    css`
      .track {
        height: 14px;
        border-radius: 7px;
        background: #e5e7eb;
        border: 1px solid #9ca3af;
        overflow: hidden;
      }
      .bar {
        height: 100%;
        width: 100%;
        transform-origin: left;
        transform: scaleX(var(--level, 0));
        background: linear-gradient(90deg, #15803d, #65a30d 70%, #ca8a04);
        transition: transform 80ms linear;
      }
      .status {
        margin: 0.35rem 0 0;
        font-size: 0.95rem;
      }
      .heard {
        color: var(--success);
      }
    `,
  ];

  @property({ attribute: false }) stream: MediaStream | null = null;
  /** The meter's name for assistive tech. */
  @property() label = 'Microphone level';
  @state() private heard = false;
  @query('.bar') private bar?: HTMLElement;
  @query('.track') private track?: HTMLElement;

  private context?: AudioContext;
  private frame = 0;

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.teardown();
  }

  protected updated(changed: PropertyValues<this>): void {
    if (changed.has('stream')) this.listen();
  }

  render() {
    return html`<div class="track" role="meter" aria-label=${this.label} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div class="bar"></div></div>
      <p class="status ${this.heard ? 'heard' : 'muted'}" aria-live="polite">
        ${this.heard ? 'Microphone works: we can hear you.' : 'Say something to test your microphone.'}
      </p>`;
  }

  private listen(): void {
    this.teardown();
    const stream = this.stream;
    if (!stream || stream.getAudioTracks().length === 0) return;
    const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Context) return;
    const context = new Context();
    this.context = context;
    void context.resume().catch(() => undefined);
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let shown = 0;
    let told = 0;
    let toldAt = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      // Speech sits around 0.02-0.2 RMS; a square root spreads that over the bar.
      const level = Math.min(1, Math.sqrt(rms / 0.25));
      // Rise at once, fall slowly: short syllables stay visible.
      shown = Math.max(level, shown * 0.94);
      this.bar?.style.setProperty('--level', shown.toFixed(3));
      // Assistive tech gets the level as a percentage, a few times a second at most.
      const percent = Math.round(shown * 100);
      const now = performance.now();
      if (percent !== told && now - toldAt >= 250) {
        this.track?.setAttribute('aria-valuenow', String(percent));
        told = percent;
        toldAt = now;
      }
      if (!this.heard && rms > 0.01) this.heard = true;
      this.frame = requestAnimationFrame(draw);
    };
    this.frame = requestAnimationFrame(draw);
  }

  private teardown(): void {
    cancelAnimationFrame(this.frame);
    this.bar?.style.setProperty('--level', '0');
    this.track?.setAttribute('aria-valuenow', '0');
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mic-level-meter': MicLevelMeter;
  }
}
