// `npm run kafka -- start | stop | status | reset`: the project's own single-node Kafka on 127.0.0.1.
import { brokerStatus, logTail, resetBroker, startBroker, stopBroker } from './broker.ts';
import { loadBrokerConfig } from './config.ts';
import { BrokerError } from './errors.ts';
import { ensureTopics } from './topics.ts';

const usage = 'usage: npm run kafka -- start | stop | status | reset | logs | topics NAME:PARTITIONS[:compact]...';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadBrokerConfig(process.env);
  const say = (line: string) => console.log(`kafka: ${line}`);
  switch (command) {
    case 'start': {
      const { started, pid, address } = await startBroker(config, say);
      say(`${started ? 'started' : 'already running, reused'}: pid ${pid}, bootstrap ${address}`);
      say(`connect with KAFKA_BROKERS=${address}`);
      return 0;
    }
    case 'stop':
      say((await stopBroker(config)) === 'stopped' ? 'stopped' : 'not running');
      return 0;
    case 'status': {
      const state = await brokerStatus(config);
      if (state.kind === 'stopped') say(`stopped (${state.address})`);
      else say(`${state.kind}: pid ${state.pid}, bootstrap ${state.address}`);
      return state.kind === 'running' ? 0 : 3;
    }
    case 'reset':
      await resetBroker(config);
      say(`stopped and storage deleted (${config.stateDir})`);
      return 0;
    case 'logs':
      console.log(logTail(config, 100));
      return 0;
    case 'topics': {
      const specs = rest.map((arg) => {
        const [name, partitions, flag] = arg.split(':');
        const count = Number(partitions ?? '6');
        if (!name || !Number.isInteger(count) || count < 1 || (flag !== undefined && flag !== 'compact')) {
          throw new BrokerError('BAD_CONFIG', `bad topic spec '${arg}': expected NAME:PARTITIONS[:compact]`);
        }
        return { name, partitions: count, compacted: flag === 'compact' };
      });
      await ensureTopics([`${config.host}:${config.port}`], specs);
      say(`topics ready: ${specs.map((s) => s.name).join(', ')}`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BrokerError) {
      console.error(`kafka: error [${error.code}]: ${error.message}`);
      if (error.detail) console.error(error.detail.replace(/^/gm, '  | '));
    } else {
      console.error(`kafka: error: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  },
);
