/** `nas fidelity`: the trained-proxy study (src/commands/fidelity-study.ts). */
export async function fidelityCommand(argv: string[]): Promise<void> {
  return (await import('./fidelity-study.js')).fidelityStudyCommand(argv);
}
