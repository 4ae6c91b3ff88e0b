// A node:test reporter that lists every skipped test with its reason once the run ends (the
// runner's own summary only counts them). scripts/run-tests.mjs adds it beside the usual reporter.
export default async function* skipSummary(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type === 'test:pass' && event.data.skip !== undefined && event.data.skip !== false) {
      const file = event.data.file ? event.data.file.replace(/^.*\/dist\//, 'dist/') : '';
      skipped.push(`  ${event.data.name}${file ? ` (${file})` : ''}: ${event.data.skip === true ? 'no reason given' : event.data.skip}`);
    }
  }
  yield skipped.length === 0 ? 'skipped: none\n' : `skipped: ${skipped.length}\n${skipped.join('\n')}\n`;
}
