import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A media file's packets stream by stream (by codec, in name order), each stream's in order, each packet as
 * `codec,size,md5 of its bytes` (ffmpeg's framemd5 of a stream copy). A remux keeps every packet's bytes and each
 * stream's order (it may number the streams and interleave them differently), so an answer stored from a recording has
 * the recording's packets: a piece stored twice, missing or out of place shows here, while the duration may not change
 * at all (ffmpeg joins such pieces without complaint).
 */
export async function packetsOf(file: string): Promise<string[]> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0', '-c', 'copy', '-f', 'framemd5', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.split('\n');
  // `#codec_id 0: vp8` names each stream's codec.
  const codecs = new Map(lines.flatMap((line) => {
    const match = /^#codec_id (\d+): *(\S+)/.exec(line);
    return match ? [[match[1]!, match[2]!] as const] : [];
  }));
  return lines
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [stream, , , , size, hash] = line.split(',').map((field) => field.trim());
      return `${codecs.get(stream!) ?? `stream ${stream}`},${size},${hash}`;
    })
    // Stable: each stream's packets keep their order.
    .sort((a, b) => a.split(',')[0]!.localeCompare(b.split(',')[0]!));
}
