import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A media file's packets stream by stream, each stream's in order, each packet as `stream,size,md5 of its bytes`
 * (ffmpeg's framemd5 of a stream copy). A remux keeps every packet's bytes and each stream's order (it may interleave
 * the streams differently), so an answer stored from a recording has the recording's packets: a piece stored twice,
 * missing or out of place shows here, while the duration may not change at all (ffmpeg joins such pieces without
 * complaint).
 */
export async function packetsOf(file: string): Promise<string[]> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0', '-c', 'copy', '-f', 'framemd5', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [stream, , , , size, hash] = line.split(',').map((field) => field.trim());
      return `${stream},${size},${hash}`;
    })
    // Stable: each stream's packets keep their order.
    .sort((a, b) => Number(a.split(',')[0]) - Number(b.split(',')[0]));
}
