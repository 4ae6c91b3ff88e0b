/** Colours, or none at all when NO_COLOR is set (https://no-color.org: any non-empty value). */
export interface Theme {
  accent?: string;
  good?: string;
  bad?: string;
  dim?: string;
}

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR) return {};
  return { accent: 'cyan', good: 'green', bad: 'red', dim: 'gray' };
}
