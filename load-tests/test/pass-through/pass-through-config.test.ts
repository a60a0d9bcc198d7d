import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPassThroughConfig } from '../../src/pass-through/pass-through-config.ts';

const required = ['--brokers', 'a:1,b:2', '--group-id', 'g', '--input', 'in', '--output', 'out'];

test('reads the topics and group, defaulting to the scorer client and partition concurrency', () => {
  const c = loadPassThroughConfig(required);
  assert.deepEqual(c, {
    brokers: ['a:1', 'b:2'],
    groupId: 'g',
    input: 'in',
    output: 'out',
    client: 'platformatic',
    partitionsConcurrently: 6,
  });
});

test('runs on kafkajs when asked, and on no client it does not know', () => {
  assert.equal(loadPassThroughConfig([...required, '--client', 'kafkajs']).client, 'kafkajs');
  assert.throws(() => loadPassThroughConfig([...required, '--client', 'rdkafka']), /--client must be platformatic or/);
});

test('refuses a missing topic and an unknown flag', () => {
  assert.throws(
    () => loadPassThroughConfig(['--brokers', 'a:1', '--group-id', 'g', '--input', 'in']),
    /--output is required/,
  );
  assert.throws(() => loadPassThroughConfig(['--topic', 'x']), /unknown flag --topic/);
});
