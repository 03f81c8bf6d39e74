/** Bytes in human units (binary prefixes), one decimal. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as `42s`, `3m05s` or `2h07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One progress line: bytes done (of the total when known), rate and ETA. */
export function progressLine(label: string, bytes: number, totalBytes: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? bytes / (elapsedMs / 1000) : 0;
  const parts = [`${label}: ${formatBytes(bytes)}`];
  if (totalBytes !== undefined && totalBytes > 0) {
    parts[0] += ` of ${formatBytes(totalBytes)} (${Math.min(100, (100 * bytes) / totalBytes).toFixed(1)}%)`;
  }
  parts.push(`${formatBytes(rate)}/s`);
  if (totalBytes !== undefined && totalBytes > 0 && rate > 0) parts.push(`ETA ${formatDuration(Math.max(0, totalBytes - bytes) / rate)}`);
  return parts.join(", ");
}

/** Prints a progress line at most every `intervalMs`, and once at the end. */
export interface ProgressReporter {
  update(bytes: number, totalBytes?: number): void;
  finish(): void;
}

/** A reporter writing through `write`; `now` is injectable for tests. */
export function progressReporter(label: string, write: (line: string) => void, intervalMs = 5000, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let last = started;
  let state: { bytes: number; total: number | undefined } = { bytes: 0, total: undefined };
  return {
    update(bytes, totalBytes) {
      state = { bytes, total: totalBytes ?? state.total };
      const t = now();
      if (t - last >= intervalMs) {
        last = t;
        write(progressLine(label, state.bytes, state.total, t - started));
      }
    },
    finish() {
      write(progressLine(label, state.bytes, state.total, now() - started));
    },
  };
}
