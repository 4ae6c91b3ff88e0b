/** Colours, or none at all when NO_COLOR is set (https://no-color.org: any non-empty value). */
export interface Theme {
  accent?: string;
  good?: string;
  bad?: string;
  dim?: string;
  /** Whether dim text may use ANSI "dim" (off with NO_COLOR: some terminals render it as a colour). */
  dimText: boolean;
}

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR) return { dimText: false };
  return { accent: 'cyan', good: 'green', bad: 'red', dim: 'gray', dimText: true };
}
