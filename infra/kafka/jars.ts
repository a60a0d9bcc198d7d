import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BrokerError } from './errors.ts';

const pom = resolve(import.meta.dirname, 'pom.xml');

/**
 * Makes sure the broker's jars are in `libsDir`, resolving them from Maven Central through the project's POM
 * the first time. A marker holding the POM's digest tells a complete copy from an interrupted one or an old POM.
 */
export function ensureJars(libsDir: string, log: (line: string) => void = () => {}): string[] {
  const digest = createHash('sha256').update(readFileSync(pom)).digest('hex');
  const marker = join(libsDir, '.resolved');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === digest) return jarsIn(libsDir);

  const mvn = spawnSync('mvn', ['-v'], { stdio: 'ignore' });
  if (mvn.error) {
    throw new BrokerError(
      'MAVEN_MISSING',
      'mvn not found on PATH: install Maven (apt-get install maven) to resolve the Kafka jars',
    );
  }
  log(`resolving Apache Kafka jars from Maven Central into ${libsDir} (first run only)`);
  const staging = `${libsDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(libsDir), { recursive: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new BrokerError('JARS_FAILED', `mvn could not resolve the Kafka jars (exit ${result.status})`, output);
  }
  writeFileSync(join(staging, '.resolved'), `${digest}\n`);
  rmSync(libsDir, { recursive: true, force: true });
  renameSync(staging, libsDir);
  return jarsIn(libsDir);
}

function jarsIn(dir: string): string[] {
  const jars = readdirSync(dir).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith('kafka_2.13-'))) {
    throw new BrokerError('JARS_FAILED', `${dir} holds no kafka_2.13 jar: delete it and start again`);
  }
  return jars.map((j) => join(dir, j));
}
