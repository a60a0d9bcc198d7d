import { loadBrokerConfig } from '../../../infra/kafka/config.ts';
import { BenchError, errorMessage } from '../errors.ts';
import { deleteBenchResources } from '../run/bench-setup.ts';
import { runExactlyOnce } from './exactly-once.ts';
import { EXACTLY_ONCE_USAGE, HELP, parseExactlyOnceFlags } from './exactly-once-flags.ts';
import { formatExactlyOnceReport, judgeExactlyOnce } from './exactly-once-report.ts';
import { startOwnBroker, type OwnBroker } from './own-broker.ts';

/** `npm run chaos -- exactly-once [flags]`; resolves with the process's exit code. */
export async function exactlyOnceCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const log = (line: string) => console.log(`chaos: ${line}`);
  let flags;
  try {
    flags = parseExactlyOnceFlags(argv);
  } catch (error) {
    console.error(`chaos: ${errorMessage(error)}\n${EXACTLY_ONCE_USAGE}`);
    return 2;
  }
  if (flags === HELP) {
    console.log(EXACTLY_ONCE_USAGE);
    return 0;
  }
  const given = env['KAFKA_BROKERS']?.split(',');
  if (given !== undefined && flags.brokerRestarts > 0) {
    console.error(
      'chaos: exactly-once kills the broker, so it starts one of its own: unset KAFKA_BROKERS or pass --broker-restarts 0',
    );
    return 2;
  }
  let broker: OwnBroker | undefined;
  const abort = new AbortController();
  // The run's scorers are SIGKILLed at once; the broker runs detached, so it is stopped here before the exit.
  const onSignal = () => {
    log('interrupted: stopping the scorers and the broker');
    abort.abort();
    void (broker?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runId = `eo-${Date.now().toString(36)}`;
  try {
    if (given === undefined) {
      const config = loadBrokerConfig(env);
      broker = await startOwnBroker({
        port: config.port,
        controllerPort: config.controllerPort,
        libsDir: config.libsDir,
        heapMb: config.heapMb,
        log: (line) => log(`kafka: ${line}`),
      });
      log(`kafka: a broker of this run's own on ${broker.address}`);
    }
    const brokers = given ?? [broker!.address];
    const report = await runExactlyOnce({
      ...flags,
      runId,
      brokers,
      broker,
      settleMs: 180_000,
      signal: abort.signal,
      log,
    });
    console.log(formatExactlyOnceReport(report));
    return judgeExactlyOnce(report).length === 0 ? 0 : 1;
  } catch (error) {
    const code = error instanceof BenchError ? ` [${error.code}]` : '';
    console.error(`chaos: exactly-once failed${code}: ${errorMessage(error)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (broker !== undefined) await broker.close();
    else if (given !== undefined) await deleteBenchResources(given, runId).catch(() => {});
  }
}
