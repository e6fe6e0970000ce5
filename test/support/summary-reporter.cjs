// Prints one plain closing line ("N passed, N failed, N skipped") that any CI log reader understands.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    process.stderr.write(`\njest: ${line}\n`);
  }
}
module.exports = SummaryReporter;
