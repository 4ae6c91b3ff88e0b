/**
 * How many lines and columns each panel gets on a terminal of `columns` × `rows`. The frame is
 * kept one line shorter than the terminal: ink clears the whole screen on every frame that is as
 * tall as the terminal, which flickers.
 */
export interface Layout {
  width: number;
  workers: number;
  /** Chart and top table, side by side: body lines (the table's header is its first line). */
  middle: number;
  chartWidth: number;
  tableWidth: number;
  /** Details: ancestry and cell, side by side when wide, else stacked. */
  details: number;
  sideBySideDetails: boolean;
  logs: number;
}

/** Fixed lines: header, budget, the two panel titles, the key help. */
const FIXED = 5;
const TABLE_WIDTH = 44;

export function computeLayout(columns: number, rows: number, inFlight: number, workers: number): Layout {
  // The last column stays empty: a line that fills the terminal's width leaves the cursor in its
  // deferred-wrap state, and some terminals then count it as two lines when ink erases the frame.
  const width = Math.max(40, columns - 1);
  const height = Math.max(16, rows) - 1;
  const workerRows = Math.max(1, Math.min(Math.max(inFlight, workers, 1), height >= 34 ? 8 : height >= 28 ? 4 : 2));
  const avail = height - FIXED - workerRows;
  let logs = Math.max(1, Math.min(6, Math.floor(avail * 0.15)));
  let middle = Math.max(4, Math.min(11, Math.round(avail * 0.45)));
  // After a full top 10, the details (a NASNet cell is 14 lines) get up to 16 lines, the log the rest.
  let details = Math.min(16, avail - middle - logs);
  if (details < 2) { middle -= 2 - details; details = 2; }
  logs = Math.max(1, avail - middle - details);
  const tableWidth = Math.min(TABLE_WIDTH, width - 30);
  return {
    width, workers: workerRows, middle, chartWidth: width - tableWidth - 1, tableWidth, details,
    sideBySideDetails: width >= 110, logs,
  };
}
