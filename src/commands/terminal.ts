/**
 * Whether a stream is a terminal a person watches live. Under CI (the variables ink's own
 * is-in-ci reads) ink draws only the final frame, so a dashboard would show nothing until the
 * end: there the commands print their plain lines instead.
 */
export function liveTerminal(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const set = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  return stream.isTTY === true && !set('CI') && !set('CONTINUOUS_INTEGRATION');
}
