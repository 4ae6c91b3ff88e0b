/** A terminal for ink in tests: a stdout that keeps its frames (with a size) and a stdin that takes keys. */
import { EventEmitter } from 'node:events';

export class FakeStdout extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(public columns = 80, public rows = 24) {
    super();
  }
  write = (chunk: string): boolean => {
    this.frames.push(String(chunk));
    return true;
  };
  /** Everything written, escape sequences removed: the frames as a person would read them in order. */
  text(): string {
    // eslint-disable-next-line no-control-regex
    return this.frames.join('').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Strips ANSI escapes (colours) from a frame. */
// eslint-disable-next-line no-control-regex
export const plain = (s: string | undefined): string => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
