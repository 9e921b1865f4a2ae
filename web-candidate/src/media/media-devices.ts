// Camera and microphone access, with what went wrong said in plain words.

export interface DeviceChoice {
  videoDeviceId?: string;
  audioDeviceId?: string;
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

export type DeviceProblem = 'denied' | 'not_found' | 'in_use' | 'unavailable_device' | 'insecure' | 'unsupported' | 'other';

export class DeviceError extends Error {
  constructor(
    readonly problem: DeviceProblem,
    readonly explanation: string,
    options?: ErrorOptions,
  ) {
    super(explanation, options);
    this.name = 'DeviceError';
  }
}

export async function openCameraAndMicrophone(choice: DeviceChoice = {}): Promise<MediaStream> {
  if (!window.isSecureContext) {
    throw new DeviceError('insecure', 'The camera can only be used on a secure (https) page. Please open the link exactly as you received it.');
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DeviceError('unsupported', 'This browser cannot use a camera. Please open the link in a recent Chrome, Firefox, Edge or Safari.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: {
        ...(choice.videoDeviceId ? { deviceId: { exact: choice.videoDeviceId } } : { facingMode: 'user' }),
        width: { ideal: 1280 },
        height: { ideal: 720 },
        frameRate: { ideal: 30, max: 30 },
      },
      audio: {
        ...(choice.audioDeviceId ? { deviceId: { exact: choice.audioDeviceId } } : {}),
        echoCancellation: true,
        noiseSuppression: true,
      },
    });
  } catch (error) {
    throw explainDeviceError(error);
  }
}

export function explainDeviceError(error: unknown): DeviceError {
  if (error instanceof DeviceError) return error;
  const name = (error as DOMException)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new DeviceError(
        'denied',
        'Your browser is not allowing this page to use the camera and microphone. Click the camera or lock icon next to the address, allow both, then press "Try again". On a phone, check the browser\'s permissions in the system settings.',
        { cause: error },
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return new DeviceError('not_found', 'No camera or microphone was found. Connect one (or use a phone or laptop that has both), then press "Try again".', { cause: error });
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new DeviceError('in_use', 'The camera or microphone is busy. Close other apps or tabs that use it (video calls, for example), then press "Try again".', { cause: error });
    case 'OverconstrainedError':
      return new DeviceError('unavailable_device', 'The selected camera or microphone is not available any more. Choose another one.', { cause: error });
    default:
      return new DeviceError('other', `The camera could not be started (${(error as Error)?.message ?? name ?? 'unknown error'}). Reload the page and try again.`, { cause: error });
  }
}

export async function listDevices(): Promise<DeviceLists> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId),
    microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId),
  };
}

/** Every track still delivers: none ended (a device unplugged, a permission withdrawn, the stream stopped). */
export function isLive(stream: MediaStream | null | undefined): stream is MediaStream {
  return !!stream && stream.getTracks().length > 0 && stream.getTracks().every((track) => track.readyState === 'live');
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}

/** The device each track of the stream actually uses. */
export function devicesInUse(stream: MediaStream): DeviceChoice {
  return {
    videoDeviceId: stream.getVideoTracks()[0]?.getSettings().deviceId,
    audioDeviceId: stream.getAudioTracks()[0]?.getSettings().deviceId,
  };
}
