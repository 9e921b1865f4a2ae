// One recording with MediaRecorder: a piece every second, each handed to the sink (which stores it
// before anything else happens) in recording order, and kept in memory for playback.

import { recordingBitrates } from './recorder-format.ts';

export type ChunkSink = (seq: number, piece: Blob, recordedSoFarMs: number) => Promise<void>;

export interface RecordedTake {
  chunkCount: number;
  recordedMs: number;
  /** The recording ended before stop() was asked: a device went away or the recorder failed. What came before is kept. */
  interrupted: boolean;
  /** The whole recording, for playback on this device. */
  blob: Blob;
}

export interface TakeRecorderOptions {
  timesliceMs?: number;
  /** Larger pieces (MP4 ignores the timeslice and delivers everything at the end) are split. */
  maxPieceBytes?: number;
  bytesPerSecondLimit?: number;
  /** The camera or microphone ended, or the recorder stopped or failed by itself, while recording. */
  onInterrupted?: () => void;
}

export class TakeRecorder {
  private readonly recorder: MediaRecorder;
  private readonly pieces: Blob[] = [];
  private nextSeq = 0;
  private startedAt = 0;
  private stoppedAt = 0;
  /** Sink calls run one after another so pieces are stored in seq order. */
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown = null;
  private readonly stopped: Promise<void>;
  private stopRequested = false;
  private interrupted = false;
  private readonly onTrackEnded = () => this.interrupt();

  constructor(
    private readonly stream: MediaStream,
    readonly mimeType: string,
    private readonly sink: ChunkSink,
    private readonly options: TakeRecorderOptions = {},
  ) {
    this.recorder = new MediaRecorder(stream, { mimeType, ...recordingBitrates(options.bytesPerSecondLimit ?? 1_250_000) });
    this.recorder.addEventListener('dataavailable', (event) => this.onData(event.data));
    this.stopped = new Promise((resolve, reject) => {
      this.recorder.addEventListener('stop', () => {
        this.interrupt();
        resolve();
      });
      this.recorder.addEventListener('error', (event) => {
        this.interrupt();
        reject((event as ErrorEvent).error ?? new Error('The recording failed'));
      });
    });
    for (const track of stream.getTracks()) track.addEventListener('ended', this.onTrackEnded);
    // Awaited in stop(); this keeps an early failure from being reported as unhandled meanwhile.
    this.stopped.catch(() => undefined);
  }

  get recording(): boolean {
    return this.recorder.state === 'recording';
  }

  /** Milliseconds recorded so far. */
  get elapsedMs(): number {
    if (!this.startedAt) return 0;
    return (this.stoppedAt || performance.now()) - this.startedAt;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.recorder.addEventListener(
        'start',
        () => {
          this.startedAt = performance.now();
          resolve();
        },
        { once: true },
      );
      try {
        this.recorder.start(this.options.timesliceMs ?? 1000);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Stops and waits until every piece has been handed to the sink; after an interruption, keeps what came before it. */
  async stop(): Promise<RecordedTake> {
    this.finishing();
    if (this.recorder.state !== 'inactive') {
      this.stoppedAt ||= performance.now();
      this.recorder.stop();
    }
    let recorderError: unknown = null;
    await this.stopped.catch((error: unknown) => (recorderError = error));
    await this.writes;
    if (this.writeError) throw this.writeError;
    if (recorderError && this.nextSeq === 0) throw recorderError;
    return { chunkCount: this.nextSeq, recordedMs: Math.round(this.elapsedMs), interrupted: this.interrupted, blob: new Blob(this.pieces, { type: this.mimeType }) };
  }

  /** Stops without keeping anything (the page is going away or the candidate left). */
  abandon(): void {
    this.finishing();
    if (this.recorder.state !== 'inactive') this.recorder.stop();
  }

  private finishing(): void {
    this.stopRequested = true;
    for (const track of this.stream.getTracks()) track.removeEventListener('ended', this.onTrackEnded);
  }

  private interrupt(): void {
    if (this.stopRequested || this.interrupted) return;
    this.interrupted = true;
    // The recording's length ends here, not when the candidate or the countdown notices.
    if (!this.stoppedAt && this.startedAt) this.stoppedAt = performance.now();
    this.options.onInterrupted?.();
  }

  private onData(data: Blob): void {
    // MP4 recorders may deliver an empty piece; it carries nothing and gets no number.
    if (!data || data.size === 0) return;
    const max = this.options.maxPieceBytes ?? 1024 * 1024;
    const parts: Blob[] = [];
    for (let offset = 0; offset < data.size; offset += max) parts.push(data.slice(offset, Math.min(data.size, offset + max), data.type));
    for (const part of parts) {
      const seq = this.nextSeq++;
      this.pieces.push(part);
      const soFar = Math.round(this.elapsedMs);
      this.writes = this.writes.then(() =>
        this.sink(seq, part, soFar).catch((error) => {
          this.writeError ??= error;
        }),
      );
    }
  }
}
