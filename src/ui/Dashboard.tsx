/**
 * The dashboard frame (ink 6 + React 19). It only arranges the text panels of panels.ts, colours
 * them and turns keys into callbacks; what to do on a key is the owner's business (attach.ts for
 * a live search, watch.ts for an attached viewer).
 */
import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text, useInput, useStdin, useStdout } from 'ink';
import type { DashboardSnapshot } from './model.js';
import { computeLayout } from './layout.js';
import {
  ancestryLines, budgetLine, cellPanelLines, detailsTitle, headerLine, logLines, topTableLines, workerLines, type TrialDetails,
} from './panels.js';
import { rewardChart } from './reward-chart.js';
import { fit } from './text.js';
import { themeFor } from './theme.js';

export interface DashboardProps {
  snapshot: DashboardSnapshot;
  /** The selected (or best) trial with its ancestry, read from the store on demand. */
  details: (trialId: number) => TrialDetails | undefined;
  /** q (or Ctrl-C when `ctrlC` is 'ctrl-c'): the owner stops the search or quits the viewer. */
  onQuit: (how: 'q' | 'ctrl-c') => void;
  /** p: pause / resume (live searches only). */
  onPause?: () => void;
  /** Terminal size; default: the stdout's, following resizes. */
  columns?: number;
  rows?: number;
}

/** The terminal's size, following resize events. */
function useTerminalSize(columns?: number, rows?: number): [number, number] {
  const { stdout } = useStdout();
  const read = (): [number, number] => [columns ?? stdout.columns ?? 80, rows ?? stdout.rows ?? 24];
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (columns !== undefined && rows !== undefined) return;
    const onResize = () => {
      const [c, r] = read();
      setSize((prev) => (prev[0] === c && prev[1] === r ? prev : [c, r]));
    };
    stdout.on('resize', onResize);
    onResize(); // a resize between the first render and this effect
    return () => void stdout.off('resize', onResize);
  }, [stdout, columns, rows]);
  return columns !== undefined && rows !== undefined ? [columns, rows] : size;
}

export function Dashboard({ snapshot: s, details, onQuit, onPause, columns, rows }: DashboardProps): React.ReactElement {
  const theme = useMemo(() => themeFor(), []);
  const [cols, lines] = useTerminalSize(columns, rows);
  const L = computeLayout(cols, lines, s.inFlight.length, s.workers);
  // null: follow the best search trial; a number: the trial chosen with the arrow keys.
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const shownTop = s.top.slice(0, Math.max(0, L.middle - 1));
  const bestId = (s.top.find((t) => !t.baseline) ?? s.top[0])?.id;
  const selected = selectedId !== null && shownTop.some((t) => t.id === selectedId) ? selectedId : null;
  const focusId = selected ?? bestId;

  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      // Letters typed within one read arrive as one input ("qq", "pp"): act on each.
      if (/^[qQpP]+$/.test(input) && (input.length === 1 || (!key.ctrl && !key.meta))) {
        for (const ch of input) {
          if (ch === 'q' || ch === 'Q') onQuit('q');
          else onPause?.();
        }
      } else if (key.ctrl && input === 'c') onQuit('ctrl-c');
      else if (key.escape) setSelectedId(null);
      else if ((key.upArrow || key.downArrow) && shownTop.length > 0) {
        const at = shownTop.findIndex((t) => t.id === focusId);
        const next = Math.min(shownTop.length - 1, Math.max(0, (at < 0 ? 0 : at) + (key.upArrow ? -1 : 1)));
        setSelectedId(shownTop[next].id);
      }
    },
    { isActive: isRawModeSupported === true },
  );

  const d = focusId === undefined ? undefined : details(focusId);
  const chart = rewardChart(s.rewards, L.chartWidth, L.middle);
  const table = topTableLines(shownTop, L.tableWidth, L.middle, s.front?.names[1]);
  const tableLines = [table.header, ...table.lines];
  const detailW = L.sideBySideDetails ? Math.floor((L.width - 1) / 2) : L.width;
  let ancestry: string[];
  let cell: string[];
  if (L.sideBySideDetails) {
    ancestry = ancestryLines(d, detailW, L.details);
    cell = cellPanelLines(d, L.width - detailW - 1, L.details);
  } else {
    // Stacked: the cell first (it is what the user came for) in up to 60% of the rows, the ancestry
    // below it in the rest (a trial without ancestors needs one row for its own line).
    const cellRows = Math.max(1, Math.min(L.details - 1, Math.ceil(L.details * 0.6)));
    cell = cellPanelLines(d, L.width, cellRows);
    ancestry = ancestryLines(d, L.width, L.details - cell.length);
  }
  const logs = logLines(s, L.width, L.logs);
  const dimmed = { color: theme.dim };
  const title = (text: string) => <Text color={theme.accent} bold>{fit(text, L.width)}</Text>;

  return (
    <Box flexDirection="column" width={L.width}>
      <Text bold color={theme.accent} wrap="truncate">{headerLine(s, L.width)}</Text>
      <Text color={s.status === 'running' ? theme.good : undefined} wrap="truncate">{budgetLine(s, L.width)}</Text>
      {workerLines(s, L.width, L.workers).map((line, i) => <Text key={`w${i}`} wrap="truncate">{line}</Text>)}
      {title(fit(L.chartWidth >= 56 ? 'reward over trials (• trial, B baseline, ─ best so far)' : 'reward (• trial B baseline ─ best)', L.chartWidth) + '│' + (s.front ? `Pareto front ${s.front.size}/${s.front.of} (↑↓)` : 'top trials (↑↓ select)'))}
      {Array.from({ length: L.middle }, (_, i) => {
        const row = tableLines[i] ?? '';
        const rankIndex = i - 1;
        const isSel = rankIndex >= 0 && shownTop[rankIndex]?.id === focusId;
        return (
          <Text key={`m${i}`} wrap="truncate">
            {chart[i]}
            <Text {...dimmed}>│</Text>
            <Text inverse={isSel} bold={i === 0} color={rankIndex >= 0 && shownTop[rankIndex]?.baseline ? theme.dim : undefined}>{fit(row, L.tableWidth)}</Text>
          </Text>
        );
      })}
      {title(detailsTitle(d, selected !== null) + (L.sideBySideDetails ? '' : ' (esc: back to best)'))}
      {L.sideBySideDetails
        ? Array.from({ length: L.details }, (_, i) => (
            <Text key={`d${i}`} wrap="truncate">
              {fit(ancestry[i] ?? '', detailW)}
              <Text {...dimmed}>│</Text>
              {cell[i] ?? ''}
            </Text>
          ))
        : [...cell, ...ancestry].concat(Array(Math.max(0, L.details - cell.length - ancestry.length)).fill('')).map((line, i) => (
            <Text key={`d${i}`} wrap="truncate" color={i >= cell.length ? theme.dim : undefined}>{line || ' '}</Text>
          ))}
      {logs.concat(Array(Math.max(0, L.logs - logs.length)).fill({ text: ' ', failure: false })).map((l, i) => (
        <Text key={`l${i}`} wrap="truncate" color={l.failure ? theme.bad : undefined}>{l.text}</Text>
      ))}
      <Text wrap="truncate" color={theme.dim}>
        {fit(s.live ? `q stop (again: abort) · p ${s.paused ? 'resume' : 'pause'} · ↑↓ select · esc best` : 'q quit viewer · ↑↓ select · esc best (read-only)', L.width)}
      </Text>
    </Box>
  );
}
