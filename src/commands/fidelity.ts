/**
 * `nas fidelity`: how well cheap rewards rank cells. With --table: data-free estimators against a
 * benchmark table's column (src/commands/fidelity-table.ts); otherwise a study of trained proxies and
 * zero-cost estimators against a reference training (src/commands/fidelity-study.ts).
 */
export async function fidelityCommand(argv: string[]): Promise<void> {
  if (argv.includes('--table') || argv.some((a) => a.startsWith('--table='))) return (await import('./fidelity-table.js')).fidelityTable(argv);
  return (await import('./fidelity-study.js')).fidelityStudyCommand(argv);
}
