import { open, stat } from 'node:fs/promises';
import { ClipSourceError } from '../errors.js';
import { runTool, type FfmpegTools } from './ffmpeg-tools.js';

/** What ffprobe reports about a video's first real video stream (cover art excluded). */
export interface VideoStreamInfo {
  readonly file: string;
  /** Index of the stream in the container (for `-map 0:<index>`). */
  readonly streamIndex: number;
  readonly codec: string;
  /** Frame size as decoded with rotation metadata applied, pixels. */
  readonly width: number;
  readonly height: number;
  /** Average frames per second. */
  readonly frameRate: number;
  /** Presentation time of the first frame in the container's timeline, seconds. */
  readonly start: number;
  /** Frames the container declares (or duration × rate when it declares none). */
  readonly declaredFrames: number;
  /** Stream duration, seconds. */
  readonly duration: number;
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  start_time?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

interface ProbeJson {
  streams?: ProbeStream[];
  format?: { duration?: string; start_time?: string; format_name?: string };
}

/** Container signatures: a file that starts like one of these and fails to parse was most likely cut short. */
function looksLikeVideoContainer(head: Buffer): boolean {
  const at = (offset: number, text: string): boolean => head.subarray(offset, offset + text.length).toString('latin1') === text;
  if (['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].some((box) => at(4, box))) return true;
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return true; // Matroska / WebM (EBML)
  if (at(0, 'RIFF') && at(8, 'AVI ')) return true;
  if (at(0, 'OggS') || at(0, 'FLV')) return true;
  if (head[0] === 0x47 && head[188] === 0x47) return true; // MPEG transport stream sync bytes
  return head.length >= 4 && head.readUInt32BE(0) === 0x000001ba; // MPEG program stream pack header
}

function rate(text: string | undefined): number {
  if (!text) return Number.NaN;
  const [n, d] = text.split('/').map(Number);
  return d === undefined ? n : d === 0 ? Number.NaN : n / d;
}

function num(text: string | undefined): number {
  return text === undefined || text === 'N/A' ? Number.NaN : Number(text);
}

function lastErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).filter(Boolean);
  return lines.at(-1) ?? 'no message';
}

/**
 * Reads a video's container and stream headers with ffprobe (no decoding). Problems are
 * `ClipSourceError`s: `not-found`, `empty` (0 bytes or no frames), `truncated` (a known container
 * that ends before its index), `corrupt`, `audio-only`, `no-video`, `unsupported` (no usable
 * frame rate or size) or `too-large` (over `maxPixels` per frame).
 */
export async function probeVideo(tools: FfmpegTools, file: string, maxPixels: number): Promise<VideoStreamInfo> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new ClipSourceError('not-found', file, 'is not a file');
    size = s.size;
  } catch (error) {
    if (error instanceof ClipSourceError) throw error;
    throw new ClipSourceError('not-found', file, 'no such file', { cause: error });
  }
  if (size === 0) throw new ClipSourceError('empty', file, 'is an empty file (0 bytes)');
  const run = await runTool(tools.ffprobe, [
    '-v', 'error',
    '-show_entries',
    'stream=index,codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration,start_time:stream_disposition=attached_pic:stream_tags=rotate:stream_side_data=rotation:format=duration,start_time,format_name',
    '-of', 'json',
    file,
  ]);
  let json: ProbeJson | undefined;
  try {
    json = JSON.parse(run.stdout.toString('utf8')) as ProbeJson;
  } catch {
    json = undefined;
  }
  if (run.code !== 0 || !json || (json.streams ?? []).length === 0) {
    const handle = await open(file, 'r');
    const head = Buffer.alloc(192);
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    const reason = lastErrorLine(run.stderr);
    if (looksLikeVideoContainer(head) && /moov atom not found|partial file|end of file|invalid data/i.test(run.stderr)) {
      throw new ClipSourceError('truncated', file, `the container starts like a video but cannot be read to its end (ffprobe: ${reason}); the file is probably cut short`);
    }
    throw new ClipSourceError('corrupt', file, `ffprobe cannot read it as a video (${reason})`);
  }
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) {
    if (streams.some((s) => s.codec_type === 'audio')) {
      throw new ClipSourceError('audio-only', file, 'has audio but no video stream');
    }
    throw new ClipSourceError('no-video', file, `has no video stream (streams: ${streams.map((s) => s.codec_type ?? '?').join(', ') || 'none'})`);
  }
  const codec = video.codec_name ?? 'unknown';
  let frameRate = rate(video.avg_frame_rate);
  if (!(frameRate > 0 && frameRate < 1000)) frameRate = rate(video.r_frame_rate);
  if (!(frameRate > 0 && frameRate < 1000)) {
    throw new ClipSourceError('unsupported', file, `its ${codec} stream reports no usable frame rate (avg ${video.avg_frame_rate}, r ${video.r_frame_rate})`);
  }
  const codedW = video.width ?? 0;
  const codedH = video.height ?? 0;
  if (!(codedW > 0 && codedH > 0)) throw new ClipSourceError('unsupported', file, `its ${codec} stream reports no frame size`);
  if (codedW * codedH > maxPixels) {
    throw new ClipSourceError('too-large', file, `frames are ${codedW}×${codedH} = ${codedW * codedH} px, over the limit of ${maxPixels}`);
  }
  const rotation = video.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? num(video.tags?.rotate);
  const quarter = Number.isFinite(rotation) && Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const start = [num(video.start_time), num(json.format?.start_time)].find(Number.isFinite) ?? 0;
  const duration = [num(video.duration), num(json.format?.duration)].find((d) => Number.isFinite(d) && d > 0) ?? Number.NaN;
  const declared = num(video.nb_frames);
  let declaredFrames = Number.isFinite(declared) && declared > 0 ? declared : Math.round(duration * frameRate);
  if (!Number.isFinite(declaredFrames)) declaredFrames = 0;
  if (declaredFrames <= 0) throw new ClipSourceError('empty', file, `its ${codec} video stream holds no frames`);
  return {
    file,
    streamIndex: video.index ?? 0,
    codec,
    width: quarter ? codedH : codedW,
    height: quarter ? codedW : codedH,
    frameRate,
    start,
    declaredFrames,
    duration: Number.isFinite(duration) ? duration : declaredFrames / frameRate,
  };
}
