import type { Label, Transaction } from '../../../../schemas/src/types.ts';
import type { FeatureSpec } from '../core/features/feature-spec.ts';
import { ChunkedWriter } from './chunked-writer.ts';
import { ExportError } from '../errors.ts';
import { FeatureReplay } from './feature-replay.ts';
import type { ReplayCounts } from './feature-replay.ts';
import { labelFromCsv, readRecords, transactionFromCsv, truthFromCsv } from './sim-files.ts';
import type { SimFiles, Truth } from './sim-files.ts';

/**
 * Streams the simulator's files through a `FeatureReplay` into a CSV: transactions and truth in lockstep,
 * labels merged in by reportedAt so that no row sees a report from its future.
 */
export async function exportFeatures(files: SimFiles, outFile: string, spec: FeatureSpec): Promise<ReplayCounts> {
  const replay = new FeatureReplay(spec);
  const labels = readRecords<Label>(files.labels, files.format, labelFromCsv)[Symbol.asyncIterator]();
  const truths = readRecords<Truth>(files.truth, files.format, truthFromCsv)[Symbol.asyncIterator]();
  const out = new ChunkedWriter(outFile);
  try {
    await out.write(replay.header);
    let nextLabel = await labels.next();
    for await (const tx of readRecords<Transaction>(files.transactions, files.format, transactionFromCsv)) {
      const truth = await truths.next();
      if (truth.done || truth.value.transactionId !== tx.transactionId) {
        throw new ExportError(
          'TRUTH_MISMATCH',
          `${files.truth} does not follow ${files.transactions}: expected ${tx.transactionId}, ` +
            `got ${truth.done ? 'end of file' : truth.value.transactionId}`,
        );
      }
      while (!nextLabel.done && nextLabel.value.reportedAt <= tx.eventTime) {
        replay.applyLabel(nextLabel.value);
        nextLabel = await labels.next();
      }
      const line = replay.line(tx, truth.value.isFraud, truth.value.scenario);
      if (line !== undefined) await out.write(line);
    }
    const extra = await truths.next();
    if (!extra.done) throw new ExportError('TRUTH_MISMATCH', `${files.truth} has more rows than ${files.transactions}`);
  } finally {
    await labels.return(undefined);
    await truths.return(undefined);
    await out.close();
  }
  return replay.counts;
}
