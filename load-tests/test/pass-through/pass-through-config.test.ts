import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPassThroughConfig } from '../../src/pass-through/pass-through-config.ts';

test('reads the topics and group, defaulting to the scorer partition concurrency', () => {
  const c = loadPassThroughConfig(['--brokers', 'a:1,b:2', '--group-id', 'g', '--input', 'in', '--output', 'out']);
  assert.deepEqual(c, { brokers: ['a:1', 'b:2'], groupId: 'g', input: 'in', output: 'out', partitionsConcurrently: 6 });
});

test('refuses a missing topic and an unknown flag', () => {
  assert.throws(
    () => loadPassThroughConfig(['--brokers', 'a:1', '--group-id', 'g', '--input', 'in']),
    /--output is required/,
  );
  assert.throws(() => loadPassThroughConfig(['--topic', 'x']), /unknown flag --topic/);
});
